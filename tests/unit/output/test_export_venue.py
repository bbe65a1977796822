"""The venue a source kept is exported back: BibTeX ``journal`` and the Markdown reading list."""

from __future__ import annotations

from pathlib import Path

from papershelf.output.export import export_text
from papershelf.sources import load_file
from papershelf.store.reading import PaperState

FIXTURES = Path(__file__).parents[2] / "fixtures"


def test_venue_in_bibtex_and_markdown() -> None:
    papers = load_file(FIXTURES / "jabref_authors.bib")[:2]
    states = [PaperState() for _ in papers]
    bibtex = export_text(papers, states, "bibtex")
    assert "journal = {IEEE Trans. on Circuits and Systems}" in bibtex
    markdown = export_text(papers, states, "markdown")
    assert "IEEE Trans. on Circuits and Systems · 2016" in markdown
