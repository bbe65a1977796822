"""The HTTP clients against a local server, and ``papershelf fetch`` end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixture_server import FIXTURES, FixtureServer, Reply
from papershelf.cli import open_library
from papershelf.fetch.client import Fetcher, FetchError, SourceConfig
from papershelf.query.context import Context

SCRIPT = str(Path(sys.executable).parent / "papershelf")


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as running:
        yield running


def config(server: FixtureServer, **overrides: float) -> SourceConfig:
    values = {"timeout": 2.0, "arxiv_interval": 0.0, "retries": 2, "backoff": 0.0, **overrides}
    return SourceConfig(server.url, server.url, server.url, **values)  # type: ignore[arg-type]


def test_hf_daily_papers_over_http(server: FixtureServer) -> None:
    server.route("/api/daily_papers", Reply.fixture("hf_daily_papers.json"))
    result = Fetcher(config(server)).hf_daily(date="2025-12-16")
    assert [p.key for p in result.papers] == ["arxiv:2512.13687", "arxiv:2409.04095", "arxiv:2501.00001"]
    assert result.skipped == 2
    _path, query, _ = server.requests[0]
    assert query["date"] == ["2025-12-16"]
    assert query["limit"] == ["100"]
    assert query["p"] == ["0"]


def test_hf_search_over_http(server: FixtureServer) -> None:
    server.route("/api/papers/search", Reply.fixture("hf_search.json"))
    result = Fetcher(config(server)).hf_search("scaling laws", 5)
    assert [p.title for p in result.papers] == ["Scaling Laws for Neural Language Models"]
    assert server.requests[0][1] == {"q": ["scaling laws"], "limit": ["5"]}


def test_arxiv_pages_and_spaces_its_requests(server: FixtureServer) -> None:
    server.route("/api/query", Reply.fixture("arxiv_query.xml"), Reply.fixture("arxiv_query_page2.xml"))
    sleeps: list[float] = []
    fetcher = Fetcher(config(server, arxiv_interval=3.0), sleep=sleeps.append)
    result = fetcher.arxiv_query("all:scaling", max_results=10, page_size=2)
    assert [p.key for p in result.papers] == ["arxiv:2001.08361", "arxiv:2409.04095", "arxiv:2203.15556"]
    assert [q["start"] for _, q, _ in server.requests] == [["0"], ["2"]]
    assert len(sleeps) == 1
    assert sleeps[0] > 2.5  # waited (nearly) 3 s before the second request


def test_rate_exceeded_backs_off_and_retries(server: FixtureServer) -> None:
    server.route("/api/query", Reply.fixture("rate_exceeded.txt"), Reply.fixture("arxiv_query_page2.xml"))
    sleeps: list[float] = []
    result = Fetcher(config(server, backoff=3.0), sleep=sleeps.append).arxiv_query("all:x", 5)
    assert [p.key for p in result.papers] == ["arxiv:2203.15556"]
    assert sleeps == [3.0]


def test_429_honours_retry_after_then_gives_up(server: FixtureServer) -> None:
    server.route("/api/daily_papers", Reply(429, b"slow down", {"Retry-After": "7"}))
    sleeps: list[float] = []
    with pytest.raises(FetchError, match="still throttled"):
        Fetcher(config(server, backoff=1.0), sleep=sleeps.append).hf_daily()
    assert sleeps == [7.0, 7.0]
    assert len(server.requests) == 3


def test_500_is_an_error(server: FixtureServer) -> None:
    server.route("/api/daily_papers", Reply(500, b"boom"))
    with pytest.raises(FetchError, match="HTTP 500"):
        Fetcher(config(server)).hf_daily()


def test_timeout_is_an_error_within_the_timeout(server: FixtureServer) -> None:
    server.route("/api/daily_papers", Reply.fixture("hf_daily_papers.json", delay=3.0))
    with pytest.raises(FetchError, match=r"no answer within 0\.5 s"):
        Fetcher(config(server, timeout=0.5)).hf_daily()


def test_connection_refused_is_an_error() -> None:
    closed = SourceConfig("http://127.0.0.1:9", "http://127.0.0.1:9", "http://127.0.0.1:9", timeout=1.0)
    with pytest.raises(FetchError, match="ConnectError"):
        Fetcher(closed).hf_search("x")


def run_fetch(server: FixtureServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PAPERSHELF_HF_URL": server.url,
        "PAPERSHELF_ARXIV_URL": server.url,
        "PAPERSHELF_RSS_URL": server.url,
        "PAPERSHELF_TIMEOUT": "2",
        "PAPERSHELF_ARXIV_INTERVAL": "0",
        "PAPERSHELF_BACKOFF": "0",
    }
    return subprocess.run(
        [SCRIPT, "fetch", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def test_fetch_end_to_end_into_the_library(server: FixtureServer) -> None:
    server.route("/api/daily_papers", Reply.fixture("hf_daily_papers.json"))
    server.route("/rss/cs.LG", Reply.fixture("arxiv_rss_cs_LG.xml"))
    server.route("/rss/cs.CL", Reply.fixture("arxiv_rss_empty.xml"))
    first = run_fetch(server, "hf", "--date", "2025-12-16")
    assert first.returncode == 0, first.stderr
    assert (
        first.stdout.strip()
        == "papershelf: Hugging Face daily papers: 3 new, 0 updated, 0 unchanged, 2 skipped"
    )
    again = run_fetch(server, "hf", "--date", "2025-12-16")
    assert "0 new, 0 updated, 3 unchanged" in again.stdout
    feeds = run_fetch(server, "arxiv-rss", "cs.LG", "cs.CL")
    assert feeds.returncode == 0, feeds.stderr
    assert "2 new" in feeds.stdout
    collection = open_library()
    assert collection is not None
    assert len(collection) == 5


def test_fetch_failure_exits_1_with_one_line_and_leaves_the_library(server: FixtureServer) -> None:
    server.route("/api/daily_papers", Reply(500, b"boom"))
    result = run_fetch(server, "hf")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "fetch failed" in lines[0]
    assert "HTTP 500" in lines[0]
    assert open_library() is None


def test_arxiv_error_entry_fails_the_fetch(server: FixtureServer) -> None:
    server.route("/api/query", Reply.fixture("arxiv_error.xml"))
    result = run_fetch(server, "arxiv", "id:1234.12345")
    assert result.returncode == 1
    assert "incorrect id format" in result.stderr


def test_same_paper_from_two_sources_is_one_paper_keeping_its_state(
    sample_path: Path, tmp_path: Path
) -> None:
    from papershelf.library.library import Library  # noqa: PLC0415
    from papershelf.query.search import Query  # noqa: PLC0415
    from papershelf.sources import load_file  # noqa: PLC0415
    from papershelf.sources.hf_api import parse_hf_api  # noqa: PLC0415
    from papershelf.store.reading import ReadingState  # noqa: PLC0415

    library = Library(tmp_path / "lib")
    library.importer().import_papers(load_file(sample_path))  # page text: keyed by title
    unit_key = "title:unit unifying image and text recognition in one vision encoder"
    state = ReadingState()
    state.update(unit_key, starred=True, tags=("vision", "ocr"))

    fetched = parse_hf_api((FIXTURES / "hf_daily_papers.json").read_bytes()).papers
    report = library.importer().import_papers(fetched)
    assert (report.new, report.updated) == (1, 2)  # UNIT and the MiniMax paper were already there
    collection = library.collection()
    assert len(collection) == 55
    unit = collection.paper(0)
    assert unit.key == unit_key  # the stored key stays, so stars and tags carry over
    assert unit.arxiv_id == "2409.04095"  # richer fields fill in
    assert state.starred(unit.key)
    minimax = collection.paper(
        collection.index_of("title:towards scalable pretraining of visual tokenizers for generation") or 0
    )
    assert minimax.authors == ("Ada Lovelace", "Zoë Müller")
    assert minimax.upvotes == 4
    assert (minimax.github, minimax.comments) == (
        "https://github.com/example/vtp",
        2,
    )  # stored in the library
    assert list(collection.filter(Query("ocr"), Context(state))) == [0]
    # The same papers again, now known by arXiv id: nothing changes.
    assert library.importer().import_papers(fetched).unchanged == 3


def test_fetch_answers_from_the_cache_within_max_age(server: FixtureServer) -> None:
    server.route("/api/papers/search", Reply.fixture("hf_search.json"))
    first = run_fetch(server, "hf-search", "scaling")
    assert first.returncode == 0, first.stderr
    second = run_fetch(server, "hf-search", "scaling")
    assert "(from cache: 1 of 1)" in second.stdout
    assert len(server.requests) == 1  # the server was asked once
    third = run_fetch(server, "hf-search", "scaling", "--max-age", "0")
    assert "from cache" not in third.stdout
    assert len(server.requests) == 2


def test_cache_expires(tmp_path: Path) -> None:
    from papershelf.fetch.cache import ResponseCache  # noqa: PLC0415

    now = [1000.0]
    cache = ResponseCache(tmp_path, clock=lambda: now[0])
    cache.put("http://x/api", {"q": "a"}, b"body")
    assert cache.get("http://x/api", {"q": "a"}, max_age=60) == b"body"
    assert cache.get("http://x/api", {"q": "b"}, max_age=60) is None
    now[0] += 61
    assert cache.get("http://x/api", {"q": "a"}, max_age=60) is None


async def test_r_in_the_reader_refetches_and_keeps_filter_and_cursor(
    server: FixtureServer, monkeypatch: pytest.MonkeyPatch, sample_path: Path
) -> None:
    from papershelf.library.library import Library  # noqa: PLC0415
    from papershelf.sources import load_file  # noqa: PLC0415
    from papershelf.store.paths import cache_dir, library_dir, state_path  # noqa: PLC0415
    from papershelf.store.reading import StateStore  # noqa: PLC0415
    from papershelf.ui.app import PapershelfApp  # noqa: PLC0415
    from papershelf.ui.refetch import library_refetcher  # noqa: PLC0415
    from papershelf.ui.widgets.filter_box import FilterStatus  # noqa: PLC0415
    from papershelf.ui.widgets.paper_list import PaperList  # noqa: PLC0415

    for name, value in (("HF_URL", server.url), ("ARXIV_URL", server.url), ("RSS_URL", server.url)):
        monkeypatch.setenv(f"PAPERSHELF_{name}", value)
    monkeypatch.setenv("PAPERSHELF_ARXIV_INTERVAL", "0")
    server.route("/rss/cs.LG", Reply.fixture("arxiv_rss_empty.xml"), Reply.fixture("arxiv_rss_cs_LG.xml"))
    assert run_fetch(server, "arxiv-rss", "cs.LG").returncode == 0  # an empty weekend feed: 0 new
    Library(library_dir()).importer().import_papers(load_file(sample_path))

    library = Library(library_dir(), readonly=True)
    app = PapershelfApp(
        library.collection(),
        StateStore(state_path()),
        refetcher=library_refetcher(library_dir(), cache_dir() / "x"),
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"scaling", "enter", "j")
        status = app.screen.query_one(FilterStatus)
        plist = app.screen.query_one(PaperList)
        before = plist.current_index
        first = plist.collection
        assert status.view.count_label.endswith("/54")
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert status.view.count_label.endswith("/56")  # two new papers, one matches "scaling"
        # The list draws from the reopened library, handed down by the screen (data_bind).
        assert plist.collection is app.screen.collection
        assert plist.collection is not first
        assert len(plist.collection) == 56
        assert app.screen.search.text == "scaling"  # the filter stays
        assert plist.current_index == before  # and so does the cursor's paper
        assert not status.fetching
        assert any("2 new" in n.message for n in app._notifications)
        # The server fails: a message, and the reader goes on with what it has.
        server.route("/rss/cs.LG", Reply(500, b"down"))
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("HTTP 500" in n.message for n in app._notifications)
        assert status.view.count_label.endswith("/56")


async def test_r_is_no_key_for_a_list_opened_from_files(sample_path: Path) -> None:
    from helpers import make_app  # noqa: PLC0415
    from papershelf.sources import load_file  # noqa: PLC0415

    app = make_app(load_file(sample_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = {b.id for _, b, enabled, _ in app.active_bindings.values() if b.show}
        assert "library.refetch" not in shown
        assert "paper.star" in shown
        await pilot.press("R")  # nothing happens, nothing breaks
        await pilot.pause()
        assert not app._notifications
