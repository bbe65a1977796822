"""``papershelf download``, ``papershelf fetch citations`` and ``export --format ris`` end to end,
against the local fixture server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import rispy
from rich.progress import Progress

from fixture_server import FIXTURES, FixtureServer, Reply
from papershelf.cli import main
from papershelf.cli.download import SizeOrCount
from papershelf.library.citations import load_citations
from papershelf.library.library import Library
from papershelf.store.paths import library_dir, pdf_dir

PDF = (FIXTURES / "paper.pdf").read_bytes()
PAPERS = [
    {"title": "Unknown to them", "arxiv_id": "2599.99999"},
    {"title": "How Much Should We Trust Differences-in-Differences Estimates?", "doi": "10.2139/ssrn.288970"},
    {"title": "The Miracle of Microfinance?", "doi": "10.2139/ssrn.2250500"},
    {"title": "Improving Third-Party Audits", "doi": "10.1257/rct.1355"},
    {"title": "Attention is all you need", "arxiv_id": "1706.03762"},
]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FixtureServer]:
    path = tmp_path / "papers.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in PAPERS))
    assert main(["add", str(path)]) == 0
    with FixtureServer() as running:
        for name, value in {
            "PAPERSHELF_ARXIV_PDF_URL": running.url,
            "PAPERSHELF_S2_URL": running.url,
            "PAPERSHELF_ARXIV_INTERVAL": "0",
            "PAPERSHELF_BACKOFF": "0",
            "PAPERSHELF_RETRIES": "1",
        }.items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("S2_API_KEY", raising=False)
        yield running


def test_download_then_skip(server: FixtureServer, capsys: pytest.CaptureFixture[str]) -> None:
    server.route("/pdf/2599.99999", Reply(200, PDF))
    server.route("/pdf/1706.03762", Reply(200, PDF))
    capsys.readouterr()
    assert main(["download"]) == 0
    assert capsys.readouterr().out == (
        f"papershelf: {pdf_dir()}: 2 downloaded, 0 already there, 3 without a PDF link\n"
    )
    assert sorted(p.name for p in pdf_dir().iterdir()) == [
        "1706.03762 attention is all you need.pdf",
        "2599.99999 unknown to them.pdf",
    ]
    assert main(["download", "attention"]) == 0
    assert "0 downloaded, 1 already there" in capsys.readouterr().out
    assert len(server.requests) == 2
    assert main(["list", "has:pdf", "--format", "jsonl"]) == 0
    listed = [json.loads(line)["title"] for line in capsys.readouterr().out.splitlines()]
    assert listed == ["Unknown to them", "Attention is all you need"]


def test_download_network_error_is_exit_1(server: FixtureServer, capsys: pytest.CaptureFixture[str]) -> None:
    server.route("/pdf/1706.03762", Reply(200, b"<html>Not found</html>", {"Content-Type": "text/html"}))
    capsys.readouterr()
    assert main(["download", "attention"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "download failed after 0 of 1" in err
    assert "not a PDF (text/html)" in err
    assert list(pdf_dir().iterdir()) == []


def test_fetch_citations(server: FixtureServer, capsys: pytest.CaptureFixture[str]) -> None:
    server.route(
        BATCH := "/graph/v1/paper/batch", Reply.fixture("s2_429.json", 429), Reply.fixture("s2_batch.json")
    )
    capsys.readouterr()
    assert main(["fetch", "citations", "--", "-attention"]) == 0
    assert capsys.readouterr().out == "papershelf: citations: 3 counted, 1 unknown to Semantic Scholar\n"
    assert [path for path, _, _ in server.requests] == [BATCH, BATCH]
    library = Library(library_dir(), readonly=True)
    counts = load_citations(library.store)
    library.close()
    assert counts["title:how much should we trust differencesindifferences estimates"].count == 10670
    assert len(counts) == 3
    capsys.readouterr()
    assert main(["list", "citations:>=1000", "--sort", "citations", "--format", "jsonl"]) == 0
    listed = [json.loads(line)["doi"] for line in capsys.readouterr().out.splitlines()]
    assert listed == ["10.2139/ssrn.288970", "10.2139/ssrn.2250500"]  # 10,670 then 2,185


def test_fetch_citations_network_error(server: FixtureServer, capsys: pytest.CaptureFixture[str]) -> None:
    server.route("/graph/v1/paper/batch", Reply.fixture("s2_429.json", 429))
    capsys.readouterr()
    assert main(["fetch", "citations"]) == 1
    assert "still throttled" in capsys.readouterr().err


def test_export_ris(server: FixtureServer, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["export", "--format", "ris"]) == 0
    records = rispy.loads(capsys.readouterr().out)
    assert len(records) == len(PAPERS)
    assert records[1]["doi"] == "10.2139/ssrn.288970"


def test_fetch_citations_sees_pdfs_and_counts(
    server: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """``has:pdf`` and ``citations:`` choose the papers to count as they do in ``list``."""
    server.route("/pdf/1706.03762", Reply(200, PDF))
    server.route("/graph/v1/paper/batch", Reply(200, json.dumps([{"citationCount": 5}]).encode()))
    assert main(["download", "attention"]) == 0
    capsys.readouterr()
    assert main(["fetch", "citations", "has:pdf"]) == 0
    assert capsys.readouterr().out == "papershelf: citations: 1 counted, 0 unknown to Semantic Scholar\n"
    assert json.loads(server.bodies[-1]) == {"ids": ["ARXIV:1706.03762"]}
    assert main(["fetch", "citations", "citations:>=5"]) == 0
    assert "1 counted" in capsys.readouterr().out
    assert json.loads(server.bodies[-1]) == {"ids": ["ARXIV:1706.03762"]}


def test_the_overall_bar_counts_pdfs_not_bytes() -> None:
    column = SizeOrCount()
    with Progress(column, disable=True) as progress:
        overall = progress.add_task("all", total=3, files=True)
        progress.advance(overall, 2)
        one = progress.add_task("a paper", total=300_602)
        progress.update(one, completed=150_000)
        by_id = {task.id: task for task in progress.tasks}
        assert column.render(by_id[overall]).plain == "2/3 PDFs"
        assert column.render(by_id[one]).plain == "150.0/300.6 kB"
