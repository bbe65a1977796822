"""Exports write only http(s) links as links, and CSV cells are never spreadsheet formulas."""

from __future__ import annotations

import csv
import io

import pytest

from papershelf.model import Paper
from papershelf.output.export import export_text
from papershelf.store.reading import PaperState

BAD_LINKS = ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,<b>x</b>", "vbscript:x", "//evil")


@pytest.mark.parametrize("url", BAD_LINKS)
@pytest.mark.parametrize("fmt", ["markdown", "bibtex", "csv"])
def test_only_web_links_are_written_as_links(url: str, fmt: str) -> None:
    text = export_text([Paper("A paper", url=url)], [PaperState()], fmt)
    assert url not in text
    assert "A paper" in text


def test_an_arxiv_paper_keeps_its_arxiv_link_when_its_url_is_bad() -> None:
    paper = Paper("A paper", arxiv_id="2401.00001", url="javascript:alert(1)")
    for fmt in ("markdown", "bibtex", "csv"):
        text = export_text([paper], [PaperState()], fmt)
        assert "https://arxiv.org/abs/2401.00001" in text
        assert "javascript" not in text


def test_a_markdown_link_cannot_break_out_of_its_brackets() -> None:
    text = export_text([Paper("T", url="https://x.org/a>b)[c](javascript:y)<")], [PaperState()], "markdown")
    assert "(<https://x.org/a%3Eb)[c](javascript:y)%3C>)" in text


def test_csv_cells_that_would_be_formulas_are_quoted_as_text() -> None:
    paper = Paper('=HYPERLINK("http://evil","x")', authors=("+1 Author", "@me"))
    state = PaperState(tags=("-tag",), note="=cmd|' /C calc'!A0")
    rows = list(csv.reader(io.StringIO(export_text([paper], [state], "csv"))))
    header, row = rows
    values = dict(zip(header, row, strict=True))
    assert values["title"] == '\'=HYPERLINK("http://evil","x")'
    assert values["authors"] == "'+1 Author; @me"
    assert values["tags"] == "'-tag"
    assert values["note"].startswith("'=")
    assert values["upvotes"] == "0"  # numbers stay numbers
