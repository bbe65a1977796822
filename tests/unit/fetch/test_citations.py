"""Citation counts against Semantic Scholar's recorded batch answer (tests/fixtures/s2_batch.json),
served from 127.0.0.1: unknown ids, throttling (429), batches, the API key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixture_server import FixtureServer, Reply
from papershelf.fetch.citations import fetch_citations, s2_id
from papershelf.fetch.client import Fetcher, FetchError, SourceConfig
from papershelf.library.citations import CitationLookup, load_citations, load_counts, save_citations
from papershelf.library.library import Library
from papershelf.model import Paper
from papershelf.sources import SourceError
from papershelf.sources.s2_batch import Citations, parse_s2_batch

BATCH = "/graph/v1/paper/batch"
# The recorded answer was for [unknown CorpusId, DOI 10.2139/ssrn.288970, DOI 10.2139/ssrn.2250500,
# DOI 10.1257/rct.1355]: the same order here.
PAPERS = [
    Paper("Not known to Semantic Scholar", arxiv_id="2599.99999"),
    Paper("How Much Should We Trust Differences-in-Differences Estimates?", doi="10.2139/ssrn.288970"),
    Paper("The Miracle of Microfinance?", doi="10.2139/ssrn.2250500"),
    Paper("Improving Third-Party Audits", doi="10.1257/rct.1355"),
]


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with FixtureServer() as running:
        yield running


def fetcher(server: FixtureServer, sleeps: list[float], key: str | None = None) -> Fetcher:
    return Fetcher(SourceConfig(s2_url=server.url, s2_api_key=key, backoff=2.0), sleep=sleeps.append)


def test_parse_recorded_answer() -> None:
    body = (Path(__file__).parents[2] / "fixtures" / "s2_batch.json").read_bytes()
    unknown, dd, micro, audits = parse_s2_batch(body, 4)
    assert unknown is None
    assert dd == Citations(10670, 578, "Experimental & Empirical Studies eJournal", 2001)
    assert micro == Citations(2185, 245, "ERN: Credit Risk (Topic)", 2013)
    assert audits == Citations(0, 0, None, 2023)


@pytest.mark.parametrize(
    ("body", "problem"),
    [(b"<html>", "not JSON"), (b'{"message": "oops"}', "oops"), (b"[null]", "has 1")],
)
def test_bad_answers(body: bytes, problem: str) -> None:
    with pytest.raises(SourceError, match=problem):
        parse_s2_batch(body, 4)


def test_ids() -> None:
    assert s2_id(PAPERS[0]) == "ARXIV:2599.99999"
    assert s2_id(PAPERS[1]) == "DOI:10.2139/ssrn.288970"
    assert s2_id(Paper("nothing")) is None


def test_fetch_with_unknown_ids_and_429(server: FixtureServer) -> None:
    server.route(
        BATCH,
        Reply.fixture("s2_429.json", 429, headers={"Content-Type": "application/json"}),
        Reply.fixture("s2_batch.json", headers={"Content-Type": "application/json"}),
    )
    sleeps: list[float] = []
    result = fetch_citations(fetcher(server, sleeps, key="k-123"), [*PAPERS, Paper("No ids")])
    assert sleeps == [2.0]  # backed off once after the 429
    assert result.unknown == [PAPERS[0].key]
    assert result.no_id == 1
    assert result.found[PAPERS[1].key].count == 10670
    assert len(server.bodies) == 2
    assert json.loads(server.bodies[-1]) == {"ids": [s2_id(p) for p in PAPERS]}
    assert server.requests[-1][1]["fields"] == [
        "externalIds,citationCount,influentialCitationCount,venue,year,journal"
    ]
    assert server.headers[-1]["x-api-key"] == "k-123"


def test_still_throttled_is_a_fetch_error(server: FixtureServer) -> None:
    server.route(BATCH, Reply.fixture("s2_429.json", 429))
    with pytest.raises(FetchError, match="still throttled"):
        fetch_citations(fetcher(server, []), PAPERS)


def test_batches_are_spaced(server: FixtureServer) -> None:
    one = json.dumps([{"citationCount": 7}]).encode()
    server.route(BATCH, Reply(200, one))
    sleeps: list[float] = []
    result = fetch_citations(fetcher(server, sleeps), PAPERS[1:3], batch=1)
    assert result.requests == 2
    assert sleeps == [1.0]
    assert "x-api-key" not in server.headers[-1]


def test_counts_are_kept_in_the_library(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib")
    library.importer().import_papers(PAPERS)
    save_citations(library.store, {PAPERS[1].key: Citations(10, 2, "Venue", 2001)}, 1.0)
    save_citations(library.store, {PAPERS[1].key: Citations(12, None, None, None)}, 2.0)
    assert load_citations(library.store) == {PAPERS[1].key: Citations(12, None, "Venue", 2001)}
    assert load_citations(library.store, [PAPERS[0].key]) == {}
    library.close()


def test_the_readers_lookup(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib")
    library.importer().import_papers(PAPERS)
    save_citations(library.store, {PAPERS[2].key: Citations(2185, 245, "ERN", 2013)}, 1.0)
    lookup = CitationLookup(library.store)
    assert lookup.counts() == {PAPERS[2].key: 2185}
    assert lookup.get(PAPERS[2].key) == Citations(2185, 245, "ERN", 2013)
    assert lookup.get(PAPERS[0].key) is None
    assert load_counts(library.store) == {PAPERS[2].key: 2185}
    assert CitationLookup().counts() == {}
    library.close()
