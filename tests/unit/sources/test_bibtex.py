"""BibTeX import and export."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string

from fixture_server import FIXTURES
from papershelf.model import Paper
from papershelf.sources import SourceError, load_file, parse_text
from papershelf.sources.bibtex import dump_bibtex

FIXTURE = FIXTURES / "refs.bib"


def test_bibtex_import() -> None:
    kaplan, unit, knuth = load_file(FIXTURE)
    assert kaplan.title == "Scaling Laws for Neural Language Models"
    assert kaplan.authors == ("Jared Kaplan", "Sam McCandlish", "Tom Henighan")
    assert kaplan.key == "arxiv:2001.08361"
    assert kaplan.categories == ("cs.LG",)
    assert kaplan.abstract.startswith("We study")
    assert unit.key == "arxiv:2409.04095"  # from the arxiv.org URL, version dropped
    assert unit.title.startswith("UNIT: Unifying")
    assert unit.published == "2024-09-06"
    assert knuth.arxiv_id is None
    assert knuth.key == "title:the art of computer programming"
    assert knuth.url == "https://doi.org/10.5555/1234"


def test_entry_without_title_names_its_line() -> None:
    with pytest.raises(SourceError) as info:
        parse_text("@misc{a, title={Fine}}\n\n@misc{b,\n  author = {X}\n}\n", "refs.bib")
    assert info.value.line == 3
    assert "'b' has no title" in str(info.value)


def test_export_parses_back(sample_papers: list[Paper]) -> None:
    odd = Paper(
        "Braces {in} a title",
        "An abstract.",
        authors=("Zoë Müller",),
        arxiv_id="2401.00001",
        published="2024-01-02",
    )
    text = dump_bibtex([*sample_papers, odd])
    library = parse_string(text)
    assert not library.failed_blocks
    assert len(library.entries) == 55
    assert len({e.key for e in library.entries}) == 55  # citation keys are unique
    entry = library.entries[-1]
    assert entry["eprint"] == "2401.00001"
    assert entry["archivePrefix"] == "arXiv"
    assert entry["year"] == "2024"
    back = parse_text(text, "export.bib")
    assert [p.key for p in back] == [p.key for p in [*sample_papers, odd]]
    assert back[-1].authors == ("Zoë Müller",)


def test_output_bib_from_the_command_line(tmp_path: Path, sample_path: Path) -> None:
    out = tmp_path / "list.bib"
    script = Path(sys.executable).parent / "papershelf"
    result = subprocess.run(
        [script, str(sample_path), "-o", str(out)], check=False, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert len(parse_string(out.read_text()).entries) == 54
