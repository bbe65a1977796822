"""Hugging Face's papers API in its 2024 and 2026 shapes (see fixtures/README.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from papershelf.sources import SourceError, load_file, parse_records
from papershelf.sources.hf_api import parse_hf_api

FIXTURES = Path(__file__).parents[2] / "fixtures"
SCRIPT = str(Path(sys.executable).parent / "papershelf")


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


def test_a_saved_api_answer_opens_as_a_paper_list() -> None:
    # curl https://huggingface.co/api/daily_papers > today.json: papershelf today.json, papershelf add
    (new,) = load_file(FIXTURES / "hf_daily_papers_2026.json")
    assert new == parse_hf_api((FIXTURES / "hf_daily_papers_2026.json").read_bytes()).papers[0]
    assert new.ai_summary is not None
    assert "context refinement" in new.ai_keywords
    (old,) = load_file(FIXTURES / "hf_daily_papers_2024.json")
    assert old.title == "SciCode: A Research Coding Benchmark Curated by Scientists"
    text = (FIXTURES / "hf_daily_papers_2026.json").read_text()
    good, bad = parse_records(text.replace("[", '[{"paper": {"title": "no id"}},', 1), "today.json")
    assert isinstance(good, SourceError)
    assert str(good) == "today.json: Hugging Face item 1: missing 'id' or 'title'"
    assert bad == new
    with pytest.raises(SourceError, match="no usable Hugging Face item"):
        parse_records('[{"paper": {"id": "2602.23229"}}]', "x.json")


def test_add_a_saved_api_answer_and_find_it_by_an_ai_keyword(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([SCRIPT, *args], check=False, capture_output=True, text=True, timeout=120)

    added = run(
        "add", str(FIXTURES / "hf_daily_papers_2026.json"), str(FIXTURES / "hf_daily_papers_2024.json")
    )
    assert added.returncode == 0, added.stderr
    found = run("list", '"context refinement"', "--format", "jsonl")  # an AI keyword, not in the abstract
    assert [json.loads(line)["key"] for line in found.stdout.splitlines()] == ["arxiv:2602.23229"]
    coded = run("list", "has:code", "--format", "jsonl")
    assert [json.loads(line)["github_stars"] for line in coded.stdout.splitlines()] == [9]
    out = tmp_path / "o.jsonl"
    assert run(str(FIXTURES / "hf_daily_papers_2026.json"), "-o", str(out)).returncode == 0
    assert json.loads(out.read_text())["project_page"] == "https://circle-lmm.github.io/"
