"""RIS import (tests/fixtures/refs.ris is rispy's own example file) and the round trip."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rispy

from papershelf.cli import main
from papershelf.library.library import Library
from papershelf.model import Paper
from papershelf.output.export import export_text
from papershelf.output.ris import dump_ris, ris_author
from papershelf.sources import SourceError, detect_format, load_file, parse_text
from papershelf.sources.ris import parse_ris
from papershelf.store.paths import library_dir
from papershelf.store.reading import PaperState

FIXTURE = Path(__file__).parents[2] / "fixtures" / "refs.ris"

PAPERS = [
    Paper(
        "Attention Is All You Need",
        abstract="The dominant sequence models.\n\nWe propose the Transformer.",
        authors=("Ashish Vaswani", "Noam Shazeer"),
        published="2017-06-12",
        arxiv_id="1706.03762",
        categories=("cs.CL",),
    ),
    Paper(
        "A journal paper", authors=("Zoë Müller",), doi="10.1000/xyz.1", url="https://doi.org/10.1000/xyz.1"
    ),
    Paper("Only a title here"),
]


def test_reads_a_real_ris_file() -> None:
    assert detect_format(FIXTURE.read_text()) == "ris"
    first, second = load_file(FIXTURE)
    assert first.title == "Title of reference"
    assert first.authors == ("Karl Marx", "Astrid Lindgren")
    assert first.abstract.startswith("BACKGROUND: Lorem ipsum")
    assert first.url == "http://example_url.com"
    assert first.published is None  # "2014//" is a year, not a date
    assert first.source == "ris"
    assert second.title == "The title of the reference"


def test_round_trip_through_rispy() -> None:
    states = [
        PaperState(tags=("transformers", "to read")),
        PaperState(note="line one\nline two"),
        PaperState(),
    ]
    text = export_text(PAPERS, states, "ris")
    lines = text.splitlines()
    assert lines[0] == "TY  - GEN"  # each record starts with TY: no numbered lines between them
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*|", line) for line in lines), lines
    assert sum(line.startswith("TY  - ") for line in lines) == sum(line == "ER  - " for line in lines) == 3
    records = rispy.loads(text)  # a well-kept reader parses what we write
    assert [r["type_of_reference"] for r in records] == ["GEN", "JOUR", "GEN"]
    assert records[0]["authors"] == ["Vaswani, Ashish", "Shazeer, Noam"]
    assert records[0]["keywords"] == ["transformers", "to read"]
    assert records[0]["urls"] == ["https://arxiv.org/abs/1706.03762"]
    assert records[1]["notes"] == ["line one line two"]
    back = parse_ris(text)
    for original, read in zip(PAPERS, back, strict=True):
        assert read.key == original.key
        assert read.title == original.title
        assert read.authors == original.authors
        assert read.published == original.published
        assert read.doi == original.doi
    assert back[0].arxiv_id == "1706.03762"
    assert back[0].abstract == "The dominant sequence models. We propose the Transformer."


def test_control_characters_are_removed() -> None:
    (paper,) = parse_ris("TY  - GEN\nTI  - Evil \x1b[31mred\x07 title\nUR  - javascript:alert(1)\nER  - \n")
    assert paper.title == "Evil red title"  # the escape sequence goes whole
    assert paper.url is None  # only http(s) links are kept


def test_author_names() -> None:
    assert ris_author("Ada King Lovelace") == "Lovelace, Ada King"
    assert ris_author("Plato") == "Plato"


@pytest.mark.parametrize(
    ("text", "problem"),
    [("TY  - JOUR\nTI  - unterminated\n", "not closed"), ("TY  - JOUR\nAU  - X, Y\nER  - \n", "no title")],
)
def test_bad_ris_is_one_message(text: str, problem: str) -> None:
    with pytest.raises(SourceError, match=problem):
        parse_text(text, "refs.ris")


def test_add_imports_ris(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mine.ris"
    path.write_text(dump_ris(PAPERS))
    assert main(["add", str(path)]) == 0
    assert "3 new" in capsys.readouterr().out
    library = Library(library_dir(), readonly=True)
    assert {p.key for p in library.store.papers()} == {p.key for p in PAPERS}
    library.close()
