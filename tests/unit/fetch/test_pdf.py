"""PDF downloads through the local fixture server: a real PDF body, an HTML error page, a
connection dropped in the middle of the body, resuming and retrying."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fixture_server import FIXTURES, FixtureServer, Reply
from papershelf.fetch.client import Fetcher, FetchError, SourceConfig
from papershelf.fetch.pdf import download
from papershelf.model import Paper
from papershelf.store.pdfs import PdfShelf, file_name, ident, pdf_link

PDF = (FIXTURES / "paper.pdf").read_bytes()
PAPER = Paper("Attention Is All You Need: the Transformer / revisited", arxiv_id="1706.03762")
HTML_ERROR = b"<!DOCTYPE html><html><head><title>Not found</title></head><body>No such paper</body></html>"


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as running:
        yield running


def fetcher_for(server: FixtureServer, sleeps: list[float], **overrides: float) -> Fetcher:
    config = SourceConfig(
        arxiv_pdf_url=server.url, arxiv_interval=overrides.get("interval", 0.0), retries=2, backoff=0.5
    )
    return Fetcher(config, sleep=sleeps.append)


def test_names() -> None:
    assert file_name(PAPER) == "1706.03762 attention is all you need the.pdf"
    assert ident(Paper("Old", arxiv_id="hep-th/9901001")) == "hep-th_9901001"
    assert ident(Paper("X", doi="10.1000/a b")).startswith("key-")
    assert ident(Paper("No ids at all")).startswith("key-")
    assert " " not in ident(Paper("No ids at all"))
    assert pdf_link(Paper("Y", url="https://example.org/y.pdf")) == "https://example.org/y.pdf"
    assert pdf_link(Paper("Z", url="https://example.org/z.html")) is None


def test_downloads_a_real_pdf(server: FixtureServer, tmp_path: Path) -> None:
    tmp_path = tmp_path / "papers"
    tmp_path.mkdir()
    server.route("/pdf/1706.03762", Reply(200, PDF, {"Content-Type": "application/pdf"}))
    shelf = PdfShelf(tmp_path / "papers")
    progress: list[tuple[int, int | None]] = []
    path = download(fetcher_for(server, []), PAPER, shelf, on_progress=lambda n, t: progress.append((n, t)))
    assert path.read_bytes() == PDF
    assert path.parent == shelf.directory
    assert progress[-1] == (len(PDF), len(PDF))
    assert not list(shelf.directory.glob("*.part"))
    assert shelf.find(PAPER) == path
    assert shelf.present() == {"1706.03762": path}
    assert shelf.keys(lambda: ()) == {"arxiv:1706.03762"}
    # Deleted by hand: noticed.
    before = shelf.version()
    path.unlink()
    assert shelf.find(PAPER) is None
    assert shelf.present() == {}
    assert shelf.version() != before or not shelf.present()
    assert shelf.keys(lambda: ()) == frozenset()


def test_keys_of_papers_without_arxiv_id(tmp_path: Path) -> None:
    shelf = PdfShelf(tmp_path)
    other = Paper("A journal paper", doi="10.1/x")
    (tmp_path / file_name(other)).write_bytes(PDF)
    (tmp_path / file_name(Paper("Old", arxiv_id="hep-th/9901001"))).write_bytes(PDF)
    (tmp_path / "notes.txt").write_text("not a pdf")
    asked: list[int] = []

    def all_keys() -> list[str]:
        asked.append(1)
        return ["arxiv:1", other.key, "title:something else"]

    assert shelf.keys(all_keys) == {other.key, "arxiv:hep-th/9901001"}
    assert asked == [1]


def test_an_html_error_page_is_refused(server: FixtureServer, tmp_path: Path) -> None:
    tmp_path = tmp_path / "papers"
    tmp_path.mkdir()
    server.route("/pdf/1706.03762", Reply(200, HTML_ERROR, {"Content-Type": "text/html; charset=utf-8"}))
    shelf = PdfShelf(tmp_path)
    with pytest.raises(FetchError, match=r"not a PDF \(text/html\)"):
        download(fetcher_for(server, []), PAPER, shelf)
    assert list(tmp_path.iterdir()) == []  # neither a .pdf nor a .part


def test_http_error_is_one_line(server: FixtureServer, tmp_path: Path) -> None:
    tmp_path = tmp_path / "papers"
    tmp_path.mkdir()
    server.route("/pdf/1706.03762", Reply(404, b"not found"))
    with pytest.raises(FetchError, match="HTTP 404"):
        download(fetcher_for(server, []), PAPER, PdfShelf(tmp_path))


def test_dropped_connection_leaves_only_the_part_then_resumes(server: FixtureServer, tmp_path: Path) -> None:
    tmp_path = tmp_path / "papers"
    tmp_path.mkdir()
    half = len(PDF) // 2
    server.route("/pdf/1706.03762", Reply(200, PDF, cut_after=half))  # no ranges yet: each try restarts
    shelf = PdfShelf(tmp_path)
    sleeps: list[float] = []
    with pytest.raises(FetchError, match="connection lost"):
        download(fetcher_for(server, sleeps), PAPER, shelf)
    assert sleeps == [0.5, 1.0]  # backed off between the tries
    (part,) = tmp_path.iterdir()
    assert part.name.endswith(".pdf.part")
    assert part.read_bytes() == PDF[:half]
    assert shelf.find(PAPER) is None  # a .part is not a download

    # The server now sends the rest: the next download asks for a range and completes.
    server.route("/pdf/1706.03762", Reply(200, PDF, ranges=True))
    path = download(fetcher_for(server, []), PAPER, shelf)
    assert path.read_bytes() == PDF
    assert server.headers[-1].get("Range") == f"bytes={half}-"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_retry_after_a_drop_within_one_download(server: FixtureServer, tmp_path: Path) -> None:
    tmp_path = tmp_path / "papers"
    tmp_path.mkdir()
    # First answer drops mid-body; the server does not offer ranges, so the retry starts again.
    server.route("/pdf/1706.03762", Reply(200, PDF, cut_after=100), Reply(200, PDF))
    sleeps: list[float] = []
    path = download(fetcher_for(server, sleeps), PAPER, PdfShelf(tmp_path))
    assert path.read_bytes() == PDF
    assert sleeps == [0.5]
    assert len(server.requests) == 2


def test_throttled_then_served(server: FixtureServer, tmp_path: Path) -> None:
    tmp_path = tmp_path / "papers"
    tmp_path.mkdir()
    server.route("/pdf/1706.03762", Reply(503, b"busy"), Reply(200, PDF))
    sleeps: list[float] = []
    assert download(fetcher_for(server, sleeps), PAPER, PdfShelf(tmp_path)).read_bytes() == PDF
    assert sleeps == [0.5]


def test_arxiv_spacing_is_respected(server: FixtureServer, tmp_path: Path) -> None:
    tmp_path = tmp_path / "papers"
    tmp_path.mkdir()
    server.route("/pdf/1706.03762", Reply(200, PDF))
    server.route("/pdf/2401.00001", Reply(200, PDF))
    sleeps: list[float] = []
    fetcher = fetcher_for(server, sleeps, interval=3.0)
    shelf = PdfShelf(tmp_path)
    download(fetcher, PAPER, shelf)
    download(fetcher, Paper("Second", arxiv_id="2401.00001"), shelf)
    assert len(sleeps) == 1
    assert 2.0 < sleeps[0] <= 3.0
