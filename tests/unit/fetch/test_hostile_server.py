"""Fetching from a hostile or broken server on 127.0.0.1 stays bounded in time and memory."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixture_server import FixtureServer, Reply
from papershelf.fetch.cache import ResponseCache
from papershelf.fetch.client import FetchCancelled, Fetcher, FetchError, SourceConfig
from papershelf.fetch.waits import retry_after

HF_BODY = (Path(__file__).parents[2] / "fixtures" / "hf_daily_papers.json").read_bytes()


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as running:
        yield running


def config(server: FixtureServer, **overrides: float) -> SourceConfig:
    values = {"timeout": 2.0, "arxiv_interval": 0.0, "retries": 2, "backoff": 0.0, **overrides}
    return SourceConfig(server.url, server.url, server.url, **values)  # type: ignore[arg-type]


class FakeTime:
    """A clock that moves only when the fetcher sleeps: waits are recorded, not slept."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.mark.parametrize(
    ("header", "said"),
    [("100000", "1.2 days"), ("7200", "2.0 h"), ("1e300", "more than a year"), ("inf", "more than a year")],
)
def test_a_huge_retry_after_fails_at_once_saying_so(server: FixtureServer, header: str, said: str) -> None:
    server.route("/api/daily_papers", Reply(429, b"slow down", {"Retry-After": header}))
    fake = FakeTime()
    started = time.monotonic()
    with pytest.raises(FetchError, match=f"asks to wait {said} .*at most 60 s"):
        Fetcher(config(server), sleep=fake.sleep, clock=fake.clock).hf_daily()
    assert fake.sleeps == []  # it did not wait at all
    assert len(server.requests) == 1
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("header", ["nan", "-5", "soon", "", "Wed, 21 Oct 2015 07:28:00 GMT"])
def test_a_nonsense_or_past_retry_after_is_the_plain_back_off(server: FixtureServer, header: str) -> None:
    server.route(
        "/api/daily_papers", Reply(503, b"", {"Retry-After": header}), Reply.fixture("hf_daily_papers.json")
    )
    fake = FakeTime()
    result = Fetcher(config(server, backoff=2.0), sleep=fake.sleep, clock=fake.clock).hf_daily()
    assert result.papers
    assert fake.sleeps == [2.0]


def test_retry_after_as_an_http_date() -> None:
    assert retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0) == 30.0
    assert retry_after("Wed, 21 Oct 2015 07:28:30", now=1445412480.0) == 0.0  # no zone: unreadable
    assert retry_after("1e999", now=0) == float("inf")


def test_each_wait_is_capped_and_the_whole_fetch_has_a_budget(server: FixtureServer) -> None:
    server.route("/api/daily_papers", Reply(429, b"", {"Retry-After": "50"}))
    fake = FakeTime()
    with pytest.raises(FetchError, match="past its 120 s budget"):
        Fetcher(config(server, retries=10, budget=120.0), sleep=fake.sleep, clock=fake.clock).hf_daily()
    assert fake.sleeps == [50.0, 50.0]  # a third wait would pass the budget
    server.route("/api/daily_papers", Reply(429, b"", {}))
    fake = FakeTime()
    with pytest.raises(FetchError, match="still throttled"):
        Fetcher(config(server, retries=4, backoff=20.0), sleep=fake.sleep, clock=fake.clock).hf_daily()
    assert fake.sleeps == [20.0, 40.0, 60.0, 60.0]  # doubling, capped at max_wait


def test_a_server_trickling_one_byte_at_a_time_hits_the_total_deadline(server: FixtureServer) -> None:
    # Each byte comes well within the read timeout, so only a total deadline stops this.
    server.route("/api/daily_papers", Reply(200, HF_BODY, trickle=0.1))
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"no complete answer within 1\.5 s"):
        Fetcher(config(server, timeout=1.0, deadline=1.5)).hf_daily()
    assert time.monotonic() - started < 3.0


def test_cancelling_stops_a_fetch_that_is_trickling_or_waiting(server: FixtureServer) -> None:
    server.route("/api/daily_papers", Reply(200, HF_BODY, trickle=0.1))
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    with pytest.raises(FetchCancelled):
        Fetcher(config(server), cancelled=stop.is_set).hf_daily()
    assert time.monotonic() - started < 1.5
    # ... and while it waits out a Retry-After.
    server.route("/api/daily_papers", Reply(429, b"", {"Retry-After": "30"}))
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    with pytest.raises(FetchCancelled):
        Fetcher(config(server), cancelled=stop.is_set).hf_daily()
    assert time.monotonic() - started < 1.5


def gzip_bomb(megabytes: int) -> bytes:
    """A valid gzip stream of ``megabytes`` MiB of zeros, ~1 KB per MiB (built in well under 1 s)."""
    zeros = b"\0" * (1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)  # independent: repeatable
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return (
        header + block * megabytes + deflate.flush() + struct.pack("<II", crc, (megabytes << 20) & 0xFFFFFFFF)
    )


def test_a_gzip_bomb_is_refused_while_it_streams_in_bounded_memory(server: FixtureServer) -> None:
    bomb = gzip_bomb(1024)  # 1 MB on the wire, 1 GB decoded
    assert len(bomb) < 1_100_000
    server.route("/api/daily_papers", Reply(200, bomb, {"Content-Encoding": "gzip"}))
    probe = (
        "import resource, sys\n"
        "from papershelf.fetch.client import Fetcher, FetchError, SourceConfig\n"
        "from papershelf.fetch.cache import ResponseCache\n"
        "from pathlib import Path\n"
        "url = sys.argv[1]\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "cache = ResponseCache(Path(sys.argv[2]))\n"
        "fetcher = Fetcher(SourceConfig(url, url, url, retries=0), cache=cache, max_age=300)\n"
        "try:\n"
        "    fetcher.hf_daily()\n"
        "except FetchError as error:\n"
        "    print(error)\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n"
    )
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "http"
    done = subprocess.run(
        [sys.executable, "-c", probe, server.url, str(cache)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    message, grown_mb = done.stdout.strip().splitlines()
    assert "the answer is larger than 50 MB: refused" in message, done.stderr
    assert int(grown_mb) < 80  # the 50 MB cap and one step (2.2 GB at first, then ~100 MB)
    assert not any(cache.glob("*.body"))  # and nothing of it was cached


def test_a_declared_huge_body_is_refused_before_it_is_read(server: FixtureServer) -> None:
    server.route("/api/papers/search", Reply(200, b"[" + b" " * (51 << 20) + b"]"))
    with pytest.raises(FetchError, match="larger than 50 MB"):
        Fetcher(config(server)).hf_search("x")


def test_only_answers_that_parse_are_cached(server: FixtureServer, tmp_path: Path) -> None:
    server.route(
        "/api/papers/search", Reply(200, b"<html>maintenance</html>"), Reply.fixture("hf_search.json")
    )
    cache = ResponseCache(tmp_path / "http")
    with pytest.raises(FetchError, match="malformed JSON"):
        Fetcher(config(server), cache=cache, max_age=300).hf_search("scaling")
    assert not (tmp_path / "http").exists()
    fetcher = Fetcher(config(server), cache=cache, max_age=300)
    assert fetcher.hf_search("scaling").papers
    assert fetcher.cached_answers == 0
    again = Fetcher(config(server), cache=cache, max_age=300)
    assert again.hf_search("scaling").papers
    assert again.cached_answers == 1
    assert len(server.requests) == 2


def test_a_bad_answer_cached_by_an_older_version_is_not_replayed(
    server: FixtureServer, tmp_path: Path
) -> None:
    server.route("/api/papers/search", Reply.fixture("hf_search.json"))
    cache = ResponseCache(tmp_path)
    cache.put(f"{server.url}/api/papers/search", {"q": "scaling", "limit": 50}, b"not json")
    fetcher = Fetcher(config(server), cache=cache, max_age=300)
    assert fetcher.hf_search("scaling").papers
    assert fetcher.cached_answers == 0
    assert len(server.requests) == 1


def test_server_words_in_errors_are_cleaned(server: FixtureServer) -> None:
    server.route(
        "/api/daily_papers", Reply(500, b"", reason="Oops\x1b]0;owned\x07\x1b[2J [/] [@click=app.quit]x[/]")
    )
    with pytest.raises(FetchError) as caught:
        Fetcher(config(server)).hf_daily()
    message = str(caught.value)
    assert "\x1b" not in message
    assert "\x07" not in message
    assert "owned" not in message
    assert "HTTP 500 Oops [/] [@click=app.quit]x[/]" in message  # markup stays plain text


def test_an_arxiv_error_entry_with_controls_gives_a_clean_message(server: FixtureServer) -> None:
    body = (Path(__file__).parents[2] / "fixtures" / "arxiv_error.xml").read_text(encoding="utf-8")
    body = body.replace("</summary>", "\u202e\x9b2Jevil</summary>", 1)
    server.route("/api/query", Reply(200, body.encode()))
    with pytest.raises(FetchError) as caught:
        Fetcher(config(server)).arxiv_query("bad:")
    assert "evil" in str(caught.value)
    assert not set("\u202e\x9b") & set(str(caught.value))
    assert "2Jevil" not in str(caught.value)


def test_settings_must_be_finite_numbers() -> None:
    for raw in ("nan", "inf", "-1", "soon"):
        with pytest.raises(FetchError, match="PAPERSHELF_TIMEOUT must be a number >= 0"):
            SourceConfig.from_env({"PAPERSHELF_TIMEOUT": raw})
    assert json.dumps(SourceConfig.from_env({}).max_body) == str(50 * 1024 * 1024)
