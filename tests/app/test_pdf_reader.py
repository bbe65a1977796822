"""PDFs and citation counts in the reader: d downloads (through the local server) with progress
in the status line, has:pdf finds the downloaded papers, p opens the local copy with the system
viewer (injected here) else the web PDF, a file deleted by hand is noticed; the detail pane
shows the path and the citation count; the citations sort."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fixture_server import FIXTURES, FixtureServer, Reply
from helpers import list_lines, settle
from papershelf.collection.memory import InMemoryCollection
from papershelf.library.citations import CitationLookup
from papershelf.model import Paper
from papershelf.sources.s2_batch import Citations
from papershelf.store.config import Config
from papershelf.store.paths import state_path
from papershelf.store.pdfs import file_name
from papershelf.store.reading import StateStore
from papershelf.ui.app import PapershelfApp
from papershelf.ui.widgets.filter_box import FilterBox, FilterStatus

SIZE = (120, 40)
PDF = (FIXTURES / "paper.pdf").read_bytes()
PAPERS = [
    Paper("Vision transformers at scale", arxiv_id="2401.00001", published="2024-01-02"),
    Paper("Speech models that listen", arxiv_id="2401.00002", published="2024-01-03"),
    Paper("A pasted paper without ids"),
]
CITATIONS = {
    PAPERS[1].key: Citations(1200, 80, "NeurIPS", 2024),
    PAPERS[0].key: Citations(7),
    PAPERS[2].key: Citations(3, None, None, 2019),
}


class Recorder:
    def __init__(self) -> None:
        self.opened: list[object] = []

    def __call__(self, what: object) -> bool:
        self.opened.append(what)
        return True


def make(papers_dir: Path, web: Recorder, files: Recorder) -> PapershelfApp:
    return PapershelfApp(
        InMemoryCollection(PAPERS),
        StateStore(state_path()),
        config=Config(pdf_dir=papers_dir),
        opener=web,
        file_opener=files,
        citations=CitationLookup(found=CITATIONS),
    )


async def type_filter(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one(FilterBox).value = ""
    await pilot.press("slash", *text, "enter")
    await pilot.app.workers.wait_for_complete()
    await settle(pilot)


async def test_has_pdf_and_p_open_the_local_copy(tmp_path: Path) -> None:
    papers_dir = tmp_path / "papers"
    papers_dir.mkdir()
    local = papers_dir / file_name(PAPERS[1])
    local.write_bytes(PDF)
    web, files = Recorder(), Recorder()
    app = make(papers_dir, web, files)
    async with app.run_test(size=SIZE) as pilot:
        await type_filter(pilot, "has:pdf")
        lines = [line.strip() for line in list_lines(app) if line.strip()]
        assert len(lines) == 1
        assert "Speech models" in lines[0]
        detail = str(app.screen.query_one("#detail-meta").render())
        assert f"pdf: {local}" in detail
        assert "cited 1,200 (80 influential)" in detail
        assert "venue: NeurIPS" in detail
        await pilot.press("p")
        assert files.opened == [local]
        assert web.opened == []

        # Deleted by hand: the next filter no longer finds it, and p falls back to the web PDF.
        local.unlink()
        await type_filter(pilot, "-has:pdf")
        assert len([line for line in list_lines(app) if line.strip()]) == 3
        await type_filter(pilot, "speech")
        await pilot.press("p")
        assert web.opened == ["https://arxiv.org/pdf/2401.00002"]
        assert files.opened == [local]
        assert "pdf:" not in str(app.screen.query_one("#detail-meta").render())


async def test_a_pdf_deleted_while_its_paper_shows_leaves_the_pane_and_the_view(tmp_path: Path) -> None:
    papers_dir = tmp_path / "papers"
    papers_dir.mkdir()
    local = papers_dir / file_name(PAPERS[1])
    local.write_bytes(PDF)
    app = make(papers_dir, Recorder(), Recorder())
    async with app.run_test(size=SIZE) as pilot:
        await type_filter(pilot, "has:pdf")
        screen = app.screen
        screen.follow_now()  # the reader looks at the files each second; here at once
        assert f"pdf: {local}" in str(screen.query_one("#detail-meta").render())
        local.unlink()  # by hand, with the paper on screen and no key pressed
        screen.follow_now()
        await settle(pilot)
        assert "pdf:" not in str(screen.query_one("#detail-meta").render())
        assert [line.strip() for line in list_lines(app) if line.strip()] == ["No papers match."]
        local.write_bytes(PDF)  # and back (papershelf download in another terminal)
        screen.follow_now()
        await settle(pilot)
        assert len([line for line in list_lines(app) if line.strip()]) == 1
        assert f"pdf: {local}" in str(screen.query_one("#detail-meta").render())


async def test_a_paper_without_a_date_shows_the_year_semantic_scholar_gave(tmp_path: Path) -> None:
    app = make(tmp_path / "papers", Recorder(), Recorder())
    async with app.run_test(size=SIZE) as pilot:
        await type_filter(pilot, "pasted")
        detail = str(app.screen.query_one("#detail-meta").render())
        assert "2019 (year from Semantic Scholar)" in detail
        assert "cited 3" in detail
        await type_filter(pilot, "speech")
        detail = str(app.screen.query_one("#detail-meta").render())
        assert "2024-01-03" in detail  # the paper's own date comes first
        assert "Semantic Scholar" not in detail


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FixtureServer]:
    with FixtureServer() as running:
        monkeypatch.setenv("PAPERSHELF_ARXIV_PDF_URL", running.url)
        monkeypatch.setenv("PAPERSHELF_ARXIV_INTERVAL", "0")
        monkeypatch.setenv("PAPERSHELF_BACKOFF", "0")
        yield running


async def test_d_downloads_in_a_worker_with_progress(tmp_path: Path, server: FixtureServer) -> None:
    big = PDF + b"%" + b"x" * 400_000 + b"\n"  # large enough to show progress on the way
    server.route("/pdf/2401.00001", Reply(200, big, {"Content-Type": "application/pdf"}, delay=0.3))
    papers_dir = tmp_path / "papers"
    app = make(papers_dir, Recorder(), Recorder())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        status = app.screen.query_one(FilterStatus)
        assert status.download.startswith("⇣ ")  # shown while the worker runs
        assert "Vision" in str(status.render())
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert status.download == ""
        target = papers_dir / file_name(PAPERS[0])
        assert target.read_bytes() == big
        assert "pdf:" in str(app.screen.query_one("#detail-meta").render())
        await type_filter(pilot, "has:pdf")
        assert "Vision" in list_lines(app)[0]
        await pilot.press("d")  # again: already there, nothing asked
        await pilot.pause()
        assert len(server.requests) == 1


async def test_d_failure_is_a_message(tmp_path: Path, server: FixtureServer) -> None:
    server.route("/pdf/2401.00001", Reply(200, b"<html>captcha</html>", {"Content-Type": "text/html"}))
    app = make(tmp_path / "papers", Recorder(), Recorder())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("not a PDF" in m for m in messages)
        assert not list((tmp_path / "papers").glob("*"))
        await pilot.press("j", "j", "d")  # the pasted paper has no PDF link
        await pilot.pause()
        assert any("no PDF link" in n.message for n in app._notifications)


async def test_citations_sort_and_query(tmp_path: Path) -> None:
    app = make(tmp_path / "papers", Recorder(), Recorder())
    async with app.run_test(size=SIZE) as pilot:
        await type_filter(pilot, "citations:>=100")
        shown = [line for line in list_lines(app) if line.strip()]
        assert len(shown) == 1
        assert "Speech" in shown[0]
        await type_filter(pilot, "")
        for _ in range(
            7
        ):  # loaded -> date -> upvotes -> title -> unread -> for you -> best match -> citations
            await pilot.press("S")
        await pilot.pause()
        assert "most cited" in str(app.screen.query_one(FilterStatus).render())
        order = [line for line in list_lines(app) if line.strip()]
        assert "Speech" in order[0]
        assert "Vision" in order[1]
        assert "pasted" in order[2]
