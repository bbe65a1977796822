"""Export formats parsed back with their own parsers, and ``papershelf export`` from the shell."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import bibtexparser
import pytest

from papershelf.cli import main
from papershelf.model import Paper
from papershelf.output.export import CSV_COLUMNS, export_text
from papershelf.sources import dump_jsonl
from papershelf.sources.bibtex import parse_bibtex
from papershelf.sources.jsonl import parse_jsonl
from papershelf.store.paths import state_path
from papershelf.store.reading import PaperState, StateStore

AWKWARD = Paper(
    'Commas, "quotes" and [brackets] in a *title* with $\\alpha$',
    "An abstract\n\nin two paragraphs, with {braces}.",
    authors=("Zoë Müller", "Ada Lovelace"),
    arxiv_id="2401.00001",
    published="2024-01-15",
    upvotes=3,
    categories=("cs.CL",),
)
PLAIN = Paper("Second paper", "Short.", organization="Lab", url="https://example.org/p")
STATES = [
    PaperState(starred=True, read=True, tags=("a, b", "ocr"), note='line one\nline "two"'),
    PaperState(),
]


def test_bibtex_round_trip() -> None:
    text = export_text([AWKWARD, PLAIN], STATES, "bibtex")
    entries = bibtexparser.parse_string(text).entries
    assert len(entries) == 2
    assert entries[0]["eprint"] == "2401.00001"
    assert "annote" in entries[0].fields_dict
    assert "keywords" in entries[0].fields_dict
    assert "keywords" not in entries[1].fields_dict
    back = parse_bibtex(text)
    assert [p.title for p in back] == [AWKWARD.title.replace("{", "(").replace("}", ")"), PLAIN.title]
    assert back[0].arxiv_id == "2401.00001"
    assert back[0].authors == AWKWARD.authors


def test_csv_round_trip() -> None:
    rows = list(csv.DictReader(io.StringIO(export_text([AWKWARD, PLAIN], STATES, "csv"))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert rows[0]["title"] == AWKWARD.title
    assert rows[0]["authors"] == "Zoë Müller; Ada Lovelace"
    assert rows[0]["tags"] == "a, b; ocr"
    assert rows[0]["note"] == 'line one\nline "two"'
    assert (rows[0]["starred"], rows[0]["read"], rows[0]["link"]) == (
        "yes",
        "yes",
        "https://arxiv.org/abs/2401.00001",
    )
    assert (rows[1]["authors"], rows[1]["link"], rows[1]["starred"]) == ("Lab", "https://example.org/p", "no")


def test_jsonl_round_trip() -> None:
    text = export_text([AWKWARD, PLAIN], STATES, "jsonl")
    # papershelf reads its export back as the same papers
    assert parse_jsonl(text) == [replace(AWKWARD, source="jsonl"), replace(PLAIN, source="jsonl")]
    readings = [json.loads(line)["reading"] for line in text.splitlines()]
    assert readings[0] == {
        "starred": True,
        "read": True,
        "tags": ["a, b", "ocr"],
        "note": 'line one\nline "two"',
    }
    assert readings[1] == {"starred": False, "read": False, "tags": [], "note": ""}


def test_markdown_reading_list() -> None:
    text = export_text([AWKWARD, PLAIN], STATES, "markdown", title="my list")
    assert text.startswith("# my list\n\n2 papers.\n")
    assert "\\[brackets\\]" in text
    assert "\\*title\\*" in text
    assert "with α" in text  # LaTeX shown as Unicode
    assert "(<https://arxiv.org/abs/2401.00001>)" in text
    assert "Zoë Müller, Ada Lovelace · 2024-01-15" in text
    assert "tags: `a, b`, `ocr`" in text
    assert '  > line one\n  > line "two"\n' in text
    assert "(<https://example.org/p>)" in text


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export_text([PLAIN], [PaperState()], "docx")


@pytest.fixture
def library(tmp_path: Path, sample_papers: list[Paper]) -> list[Paper]:
    path = tmp_path / "papers.jsonl"
    path.write_text(dump_jsonl(sample_papers))
    assert main(["add", str(path)]) == 0
    store = StateStore(state_path())
    state = store.load().state
    state.update(sample_papers[3].key, starred=True, tags=("keep",))
    state.update(sample_papers[7].key, starred=True)
    store.save(state.snapshot())
    return sample_papers


def test_cli_export_a_query_to_a_file(
    library: list[Paper], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "starred.csv"
    assert main(["export", "is:starred", "--format", "csv", "-o", str(out)]) == 0
    assert "wrote 2 papers" in capsys.readouterr().err
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["key"] for r in rows] == [library[3].key, library[7].key]
    assert rows[0]["tags"] == "keep"


def test_cli_export_to_stdout_and_errors(library: list[Paper], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "tag:keep", "--format", "jsonl"]) == 0
    assert [p.key for p in parse_jsonl(capsys.readouterr().out)] == [library[3].key]
    assert main(["export", 'vision "open']) == 2
    err = capsys.readouterr().err
    assert "missing closing quote" in err
    assert "^" in err


def test_cli_export_without_a_library_uses_the_bundled_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--format", "bibtex"]) == 0
    assert len(bibtexparser.parse_string(capsys.readouterr().out).entries) == 54
