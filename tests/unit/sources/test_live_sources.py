"""Parsers of the live sources, against recorded responses in tests/fixtures/."""

from __future__ import annotations

import pytest

from fixture_server import FIXTURES
from papershelf.sources import SourceError
from papershelf.sources.arxiv_atom import parse_arxiv_atom
from papershelf.sources.arxiv_rss import parse_arxiv_rss
from papershelf.sources.hf_api import parse_hf_api


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_hf_daily_papers() -> None:
    parsed = parse_hf_api(fixture("hf_daily_papers.json"), "daily_papers")
    assert parsed.skipped == 2  # no id; not an object
    assert len(parsed.papers) == 3
    minimax, unit, odd = parsed.papers
    assert minimax.key == "arxiv:2512.13687"
    assert minimax.authors == ("Ada Lovelace", "Zoë Müller")  # the hidden author is left out
    assert minimax.organization == "MiniMax"
    assert minimax.upvotes == 4  # upvotes live inside "paper"
    assert minimax.published == "2025-12-15"
    assert minimax.abstract == "Visual tokenizers are the backbone of generation. We scale them."
    assert minimax.url == "https://huggingface.co/papers/2512.13687"
    # Optional fields missing: still a paper.
    assert (unit.title[:4], unit.authors, unit.upvotes, unit.published) == ("UNIT", (), 0, None)
    # Wrong types are ignored, control characters removed.
    assert odd.title == "Wrong types everywhere"
    assert (odd.abstract, odd.authors, odd.upvotes, odd.organization, odd.published) == (
        "",
        (),
        0,
        None,
        None,
    )


def test_hf_search() -> None:
    (paper,) = parse_hf_api(fixture("hf_search.json")).papers
    assert paper.title == "Scaling Laws for Neural Language Models"
    assert paper.upvotes == 12


@pytest.mark.parametrize("body", [fixture("malformed.json"), b'{"error": "x"}', b"Rate exceeded."])
def test_hf_malformed_body_is_an_error(body: bytes) -> None:
    with pytest.raises(SourceError, match="daily_papers"):
        parse_hf_api(body, "daily_papers")


def test_arxiv_atom() -> None:
    feed = parse_arxiv_atom(fixture("arxiv_query.xml"), "arxiv")
    assert feed.total == 3
    kaplan, unit = feed.papers
    assert kaplan.key == "arxiv:2001.08361"  # version suffix dropped
    assert kaplan.title == "Scaling Laws for Neural Language Models"  # hard wrap re-flowed
    assert kaplan.abstract.startswith(
        "We study empirical scaling laws for language model performance on the cross"
    )
    assert kaplan.authors == ("Jared Kaplan", "Sam McCandlish")
    assert kaplan.categories == ("cs.LG", "stat.ML")
    assert (kaplan.published, kaplan.updated) == ("2020-01-23", "2020-01-23")
    assert unit.categories == ("cs.CV",)
    assert unit.updated == "2024-09-10"


def test_arxiv_error_entry_is_an_error() -> None:
    with pytest.raises(SourceError, match=r"incorrect id format for 1234\.12345"):
        parse_arxiv_atom(fixture("arxiv_error.xml"), "arxiv")


@pytest.mark.parametrize("body", [b"Rate exceeded.", b"<feed><entry>", b"<rss/>"])
def test_arxiv_malformed_body_is_an_error(body: bytes) -> None:
    with pytest.raises(SourceError):
        parse_arxiv_atom(body, "arxiv")


def test_xml_bombs_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;">]><feed>&b;</feed>'
    )
    with pytest.raises(SourceError, match="malformed XML"):
        parse_arxiv_atom(bomb, "arxiv")


def test_arxiv_rss() -> None:
    papers, skipped = parse_arxiv_rss(fixture("arxiv_rss_cs_LG.xml"), "rss")
    assert skipped == 0
    sparse, kaplan = papers
    assert sparse.key == "arxiv:2512.00001"
    assert sparse.abstract == "We study how sparse mixtures scale with compute and data."
    assert sparse.authors == ("Ada Lovelace", "Alan Turing", "Grace Hopper")
    assert sparse.categories == ("cs.LG", "cs.AI")
    assert sparse.published == "2025-12-01"
    assert kaplan.key == "arxiv:2001.08361"


def test_empty_weekend_feed() -> None:
    assert parse_arxiv_rss(fixture("arxiv_rss_empty.xml"), "rss") == ([], 0)


def test_richer_fields_are_kept() -> None:
    minimax = parse_hf_api(fixture("hf_daily_papers.json")).papers[0]
    assert minimax.github == "https://github.com/example/vtp"
    assert minimax.comments == 2
    kaplan, unit = parse_arxiv_atom(fixture("arxiv_query.xml")).papers
    assert kaplan.note == "19 pages, 15 figures"
    assert unit.doi == "10.1000/example"
    assert unit.pdf_url == "https://arxiv.org/pdf/2409.04095"
