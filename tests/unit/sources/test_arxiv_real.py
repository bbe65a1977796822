"""arXiv as it answers: recorded snapshot lines, API answers and RSS feeds (see fixtures/README.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixture_server import FixtureServer, Reply
from papershelf.fetch.client import Fetcher, FetchError, SourceConfig
from papershelf.sources import SourceError, load_file
from papershelf.sources.arxiv_atom import parse_arxiv_atom
from papershelf.sources.arxiv_rss import parse_arxiv_rss

FIXTURES = Path(__file__).parents[2] / "fixtures"
SCRIPT = str(Path(sys.executable).parent / "papershelf")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_snapshot_keeps_doi_journal_reference_and_comments() -> None:
    papers = load_file(FIXTURES / "arxiv_snapshot_sample.jsonl")
    assert len(papers) == 40
    assert sum(1 for p in papers if p.doi) == 22
    assert sum(1 for p in papers if p.venue) == 23
    assert sum(1 for p in papers if p.note) == 35
    first = papers[0]
    assert first.key == "arxiv:0704.0001"
    assert first.doi == "10.1103/PhysRevD.76.013009"
    assert first.venue == "Phys.Rev.D76:013009,2007"
    assert first.note == "37 pages, 15 figures; published version"
    assert (
        first.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )


def test_api_keeps_doi_journal_reference_and_comment() -> None:
    feed = parse_arxiv_atom(fixture("arxiv_api_testing.xml"), "arXiv API")
    assert feed.total == 214881
    assert len(feed.papers) == 10
    first = feed.papers[0]
    assert first.doi == "10.1109/ICSTW55395.2022.00035"
    assert first.venue is not None
    assert first.venue.startswith("Artificial Intelligence in Software Testing @ 2022")
    assert first.note == "Artificial Intelligence in Software Testing 2022 workshop @ ICST 2022"


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as running:
        yield running


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
        [SCRIPT, "fetch", *args], check=False, capture_output=True, text=True, timeout=60, env=env
    )


def test_api_http_400_error_entry_is_the_error_message(server: FixtureServer) -> None:
    server.route("/api/query", Reply.fixture("arxiv_api_error_400.xml", status=400))
    config = SourceConfig(server.url, server.url, server.url, arxiv_interval=0.0)
    with pytest.raises(FetchError, match=r"^arXiv API error: incorrect id format for abc \(HTTP 400\)$"):
        Fetcher(config).arxiv_query("id:abc")
    result = run_fetch(server, "arxiv", "id:abc")
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert "incorrect id format for abc" in line


def test_rss_announce_types_versions_doi_and_journal_reference() -> None:
    papers, skipped = parse_arxiv_rss(fixture("arxiv_rss_quant_ph.xml"), "quant-ph")
    assert skipped == 0
    assert [p.announce for p in papers].count("new") == 3
    assert {p.announce for p in papers} == {"new", "cross", "replace", "replace-cross"}
    by_id = {p.arxiv_id: p for p in papers}
    replaced = by_id["2112.14988"]
    assert (replaced.announce, replaced.version, replaced.announce_label) == ("replace", 4, "replaced (v4)")
    assert by_id["2504.16299"].announce_label == "cross-list"
    assert by_id["2504.17830"].announce_label == "new"
    assert by_id["2312.01259"].announce_label == "replaced, cross-list (v3)"
    prb = by_id["2403.13790"]
    assert prb.doi == "10.1103/PhysRevB.111.144313"
    assert prb.venue == "Phys. Rev. B 111, 144313 (2025)"
    assert "Klaus Mølmer" in prb.authors  # the feed writes "Klaus M{\\o}lmer"


def test_rss_error_feed_is_an_error_with_its_reason(server: FixtureServer) -> None:
    with pytest.raises(SourceError, match="Bad archive 'astroph'"):
        parse_arxiv_rss(fixture("arxiv_rss_feed_error.xml"), "arXiv feed astroph")
    server.route("/rss/astroph", Reply.fixture("arxiv_rss_feed_error.xml"))
    result = run_fetch(server, "arxiv-rss", "astroph")
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert "Bad archive 'astroph'" in line
    assert result.stdout == ""
    # arXiv's feed code sends the error channel with HTTP 400: the reason is said all the same.
    server.route("/rss/astroph", Reply.fixture("arxiv_rss_feed_error.xml", status=400))
    config = SourceConfig(server.url, server.url, server.url, arxiv_interval=0.0)
    with pytest.raises(FetchError, match=r"^arXiv feed error: Bad archive 'astroph'\..*\(HTTP 400\)$"):
        Fetcher(config).arxiv_rss(["astroph"])
