"""Hugging Face's papers API in its 2024 and 2026 shapes (see fixtures/README.md)."""

from __future__ import annotations

from pathlib import Path

from papershelf.sources.hf_api import parse_hf_api

FIXTURES = Path(__file__).parents[2] / "fixtures"


def test_2024_shape_title_reflowed_and_abstract_from_the_paper() -> None:
    parsed = parse_hf_api((FIXTURES / "hf_daily_papers_2024.json").read_bytes())
    (paper,) = parsed.papers
    assert paper.title == "SciCode: A Research Coding Benchmark Curated by Scientists"
    assert paper.abstract.startswith(
        "Since language models (LMs) now outperform average humans on many challenging tasks"
    )
    assert "\n" not in paper.abstract
    assert (paper.upvotes, paper.comments, paper.published) == (17, 2, "2024-07-18")
    assert paper.authors[:2] == ("Minyang Tian", "Luyu Gao")
    assert paper.ai_summary is None
    assert paper.ai_keywords == ()
    assert paper.github_stars is None


def test_2026_shape_keeps_organization_ai_summary_keywords_stars_and_project_page() -> None:
    (paper,) = parse_hf_api((FIXTURES / "hf_daily_papers_2026.json").read_bytes()).papers
    assert paper.key == "arxiv:2602.23229"
    assert paper.organization == "Multimedia and Human Understanding Group"
    assert paper.ai_summary is not None
    assert paper.ai_summary.startswith("Large Multimodal Models demonstrate")
    assert paper.abstract.startswith(
        "Which multimodal model should we use"
    )  # the abstract stays the abstract
    assert "CIRCLE" in paper.ai_keywords
    assert len(paper.ai_keywords) == 9
    assert paper.github == "https://github.com/marco-garosi/CIRCLE"
    assert paper.github_stars == 9
    assert paper.project_page == "https://circle-lmm.github.io/"
    assert "zero-shot classification" in paper.search_text  # its keywords are searchable
