"""The fields the sources now keep survive papershelf's JSON Lines (export and re-import)."""

from __future__ import annotations

from pathlib import Path

import pytest

from papershelf.sources import SourceError
from papershelf.sources.arxiv_rss import parse_arxiv_rss
from papershelf.sources.hf_api import parse_hf_api
from papershelf.sources.jsonl import dump_jsonl, parse_jsonl

FIXTURES = Path(__file__).parents[2] / "fixtures"


def test_round_trip_keeps_every_field() -> None:
    rss, _ = parse_arxiv_rss((FIXTURES / "arxiv_rss_quant_ph.xml").read_bytes())
    hf = parse_hf_api((FIXTURES / "hf_daily_papers_2026.json").read_bytes()).papers
    papers = [*rss, *hf]
    back = parse_jsonl(dump_jsonl(papers), "export.jsonl")
    assert [p.key for p in back] == [p.key for p in papers]
    for before, after in zip(papers, back, strict=True):
        for name in ("venue", "doi", "announce", "version", "ai_summary", "ai_keywords", "project_page"):
            assert getattr(after, name) == getattr(before, name), name
        assert after.github_stars == before.github_stars


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"title": "T", "published": "2017"}', None),
        ('{"title": "T", "published": "2017-02"}', None),
        ('{"title": "T", "published": "2017-02-30"}', "'published' must be a date"),
        ('{"title": "T", "announce": "maybe"}', "'announce' must be one of"),
        ('{"title": "T", "github_stars": -1}', "'github_stars' must be a whole number"),
        ('{"title": "T", "ai_keywords": "x"}', "'ai_keywords' must be a list of strings"),
    ],
)
def test_new_fields_are_checked(line: str, message: str | None) -> None:
    if message is None:
        (paper,) = parse_jsonl(line, "mine.jsonl")
        assert paper.published is not None
        assert paper.date_precision in ("year", "month")
    else:
        with pytest.raises(SourceError, match=message):
            parse_jsonl(line, "mine.jsonl")
