"""Hostile and broken records: every parser raises only SourceError, and a bad record in a file
is counted and reported with its line, never fatal (issue 13, robustness)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from papershelf.model import Paper
from papershelf.sources import SourceError, parse_text
from papershelf.sources.arxiv_atom import parse_arxiv_atom
from papershelf.sources.arxiv_snapshot import paper_from_arxiv_record
from papershelf.sources.hf_api import parse_hf_api
from papershelf.sources.hf_page import parse_hf_page
from papershelf.sources.jsonl import paper_from_dict, parse_jsonl

FIXTURES = Path(__file__).parents[2] / "fixtures"
SCRIPT = str(Path(sys.executable).parent / "papershelf")
SNAPSHOT_LINE = (FIXTURES / "arxiv_snapshot_sample.jsonl").read_text().split("\n")[0]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, *args], check=False, capture_output=True, text=True, timeout=120, env=os.environ.copy()
    )


def test_a_page_date_the_calendar_lacks_keeps_the_paper_without_a_date() -> None:
    text = "A Title\n\nAn abstract.\n\n  • 3 authors\n·\nFeb 30, 2024 5\n"
    (paper,) = parse_hf_page(text, "page.txt")
    assert (paper.title, paper.published, paper.upvotes, paper.author_count) == ("A Title", None, 5, 3)


@pytest.mark.parametrize("depth", [990, 100_000])
def test_deeply_nested_json_is_a_source_error(depth: int) -> None:
    nested = "[" * depth + "]" * depth
    with pytest.raises(SourceError, match=r"nested too deeply|expected|invalid JSON"):
        parse_jsonl(nested, "deep.json")
    with pytest.raises(SourceError):
        parse_text('{"title": "ok"}\n' + "[" * depth + "\n", "deep.jsonl")
    try:  # nested lists may decode (then the item is skipped) or be too deep: never RecursionError
        outcome = str(parse_hf_api(nested, "daily_papers").papers)
    except SourceError as error:
        outcome = str(error)
    assert outcome == "[]" or "nested too deeply" in outcome


def test_a_version_date_with_a_20_digit_year_is_no_date() -> None:
    record = json.loads(SNAPSHOT_LINE)
    record["versions"][0]["created"] = "Mon, 2 Apr 99999999999999999999 19:18:42 GMT"
    record["update_date"] = "99999999999999999999-01-01"
    paper = paper_from_arxiv_record(record, "snapshot.jsonl", 1)
    assert paper.published is None
    assert paper.updated is None


def test_hf_authors_of_the_wrong_type_and_huge_counts() -> None:
    body = json.dumps(
        [{"paper": {"id": "2401.00001", "title": "T", "authors": 5, "upvotes": 10**23, "githubStars": -1}}]
    )
    (paper,) = parse_hf_api(body).papers
    assert (paper.authors, paper.upvotes, paper.github_stars) == ((), 0, None)


@pytest.mark.parametrize("total", ["lots", "²", "-3", "9" * 5000, ""])
def test_a_non_numeric_total_results_is_no_total(total: str) -> None:
    body = (FIXTURES / "arxiv_api_testing.xml").read_text()
    start = body.index("<opensearch:totalResults>") + len("<opensearch:totalResults>")
    end = body.index("</opensearch:totalResults>")
    feed = parse_arxiv_atom(body[:start] + total + body[end:])
    assert feed.total is None
    assert len(feed.papers) == 10


def test_upvotes_beyond_what_the_library_stores_is_a_bad_record() -> None:
    with pytest.raises(SourceError, match="'upvotes' must be a whole number"):
        paper_from_dict({"title": "T", "upvotes": 10**23}, "mine.jsonl", 3)


def test_add_counts_bad_records_with_their_line_and_imports_the_rest(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "First"}),
        json.dumps({"title": "Too many upvotes", "upvotes": 10**23}),
        "[" * 990 + "]" * 990,
        json.dumps({"title": "Last"}),
    ]
    mine = tmp_path / "mine.jsonl"
    mine.write_text("\n".join(lines) + "\n")
    result = run("add", str(mine))
    assert result.returncode == 0, result.stderr
    assert "2 new, 0 updated, 0 unchanged, 2 malformed" in result.stdout
    assert f"{mine}:2: 'upvotes' must be a whole number" in result.stderr
    assert f"{mine}:3:" in result.stderr
    assert "Traceback" not in result.stderr


def test_add_survives_a_20_digit_year_in_the_snapshot(tmp_path: Path) -> None:
    record = json.loads(SNAPSHOT_LINE)
    record["versions"][0]["created"] = "Mon, 2 Apr 99999999999999999999 19:18:42 GMT"
    snapshot = tmp_path / "snapshot.jsonl"
    snapshot.write_text(json.dumps(record) + "\n" + (FIXTURES / "arxiv_snapshot_sample.jsonl").read_text())
    result = run("add", str(snapshot))
    assert result.returncode == 0, result.stderr
    assert "40 new, 1 updated" in result.stdout or "40 new, 0 updated, 1 unchanged" in result.stdout
    assert "Traceback" not in result.stderr


def test_json_lines_are_split_on_newline_only_in_both_paths(tmp_path: Path) -> None:
    """U+2028 (and U+0085, U+2029) may stand raw inside a JSON string: not a line break."""
    abstract = "First part.\u2028Second part.\u0085Third\u2029part."
    mine = tmp_path / "mine.jsonl"
    mine.write_text(
        json.dumps({"title": "One paper", "abstract": abstract}, ensure_ascii=False)
        + "\r\n"
        + json.dumps({"title": "Another"})
        + "\n",
        encoding="utf-8",
    )
    assert "\u2028" in mine.read_text(encoding="utf-8")
    papers = parse_text(mine.read_text(encoding="utf-8"), str(mine))
    assert [p.title for p in papers] == ["One paper", "Another"]
    converted = tmp_path / "out.jsonl"
    result = run(str(mine), "-o", str(converted))
    assert result.returncode == 0, result.stderr
    assert "wrote 2 papers" in result.stdout
    added = run("add", str(mine))
    assert added.returncode == 0, added.stderr
    assert "2 new, 0 updated, 0 unchanged" in added.stdout


def test_papers_built_from_hostile_text_are_clean() -> None:
    record = json.loads(SNAPSHOT_LINE)
    record["title"] = "\x1b]0;owned\x07Title\x1b[2J"
    record["journal-ref"] = "Phys.\x1b[31mRev"
    paper: Paper = paper_from_arxiv_record(record, "s.jsonl", 1)
    assert paper.title == "Title"
    assert paper.venue == "Phys.Rev"
