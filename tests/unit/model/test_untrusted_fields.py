"""Every text field of a Paper is cleaned where the Paper is built, whatever built it."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papershelf.model import MAX_ABSTRACT, MAX_AUTHORS, MAX_LINE, Paper
from papershelf.text import is_clean_line, is_clean_text

# What a hostile source sends: set the terminal title, write the clipboard (OSC 52), clear the
# screen, an 8-bit CSI, a DCS string, a bidi override, a NUL, a bare CR and a line separator.
HOSTILE = (
    "\x1b]0;owned\x07",
    "\x1b]52;c;ZWNobyBvd25lZA==\x07",
    "\x1b[2J",
    "\x9b31m",
    "\x1bPq#0;2;0;0;0\x1b\\",
    "\u202e",
    "\x00",
    "\r",
    "\u2028",
)
FORBIDDEN = set("\x1b\x07\x9b\x00\r\u202e\u2028")

LINE_FIELDS = ("title", "organization", "published", "updated", "arxiv_id", "url", "source")
LINE_FIELDS += ("github", "note", "doi", "key")


def assert_clean(paper: Paper) -> None:
    for field in dataclasses.fields(paper):
        value = getattr(paper, field.name)
        values = value if isinstance(value, tuple) else (value,)
        for text in values:
            if isinstance(text, str):
                assert not FORBIDDEN & set(text), (field.name, text)
                for residue in ("[2J", "owned", "52;c"):
                    assert residue not in text, (field.name, text)


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("name", LINE_FIELDS)
def test_every_line_field_is_cleaned(name: str, hostile: str) -> None:
    paper = Paper(**{"title": "A title", name: f"left{hostile}right"})  # type: ignore[arg-type]
    assert_clean(paper)
    assert getattr(paper, name) in ("leftright", "left right")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_abstract_authors_and_categories_are_cleaned(hostile: str) -> None:
    paper = Paper(
        "T",
        abstract=f"one{hostile}\n\ntwo",
        authors=(f"Ada{hostile}", hostile),
        categories=(f"cs.LG{hostile}", "cs.CL"),
    )
    assert_clean(paper)
    assert paper.abstract.split("\n\n")[-1] == "two"
    assert paper.authors[0] in ("Ada", "Ada ") or paper.authors[0].startswith("Ada")
    assert hostile.strip() == "" or len(paper.authors) == 1  # a name of escapes only is dropped
    assert paper.categories[0] == "cs.LG"
    assert paper.categories[-1] == "cs.CL"


def test_a_key_of_escapes_falls_back_to_the_computed_key() -> None:
    assert Paper("Plain title", key="\x1b[2J").key == "title:plain title"
    assert Paper("T", arxiv_id="2401.00001", key="hf:2401\x1b]0;x\x07.1").key == "hf:2401.1"


def test_a_category_holding_spaces_is_split_into_words() -> None:
    """Categories are stored space-separated, so one with a space must not become two later."""
    assert Paper("T", categories=("cs.LG cs.CL", "math.OC")).categories == ("cs.LG", "cs.CL", "math.OC")


def test_clean_papers_pass_unchanged() -> None:
    paper = Paper(
        "Scaling laws",
        abstract="First paragraph.\n\nSecond — with ünïcode and [bold]markup[/].",
        authors=("Zoë Müller", "Ada Lovelace"),
        categories=("cs.LG",),
        url="https://arxiv.org/abs/2401.00001",
    )
    again = Paper(**{f.name: getattr(paper, f.name) for f in dataclasses.fields(paper)})
    assert again == paper
    assert again.key == paper.key
    assert paper.abstract == "First paragraph.\n\nSecond — with ünïcode and [bold]markup[/]."


def test_absurd_fields_are_bounded_with_a_note() -> None:
    paper = Paper(
        "x" * 10_000_000,
        abstract="word " * 10_000_000,
        authors=tuple(f"Name {i}" for i in range(MAX_AUTHORS + 50)),
        note="n" * 100_000,
    )
    assert len(paper.title) == MAX_LINE
    assert paper.title.endswith("…")
    assert len(paper.abstract) <= MAX_ABSTRACT
    assert paper.abstract.endswith("(cut at 100,000 of 50,000,000 characters)")
    assert len(paper.authors) == MAX_AUTHORS
    assert paper.note is not None
    assert len(paper.note) == MAX_LINE
    assert len(paper.key) <= MAX_LINE + len("title:")
    assert Paper(**{f.name: getattr(paper, f.name) for f in dataclasses.fields(paper)}).key == paper.key


TEXT = st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(HOSTILE).map(lambda h: f"a{h}b")


@settings(max_examples=300, deadline=None)
@given(
    title=TEXT,
    abstract=TEXT,
    authors=st.lists(TEXT, max_size=4),
    categories=st.lists(TEXT, max_size=4),
    others=st.fixed_dictionaries({name: TEXT for name in LINE_FIELDS if name != "title"}),
)
def test_any_text_in_any_field_comes_out_clean_and_stable(
    title: str, abstract: str, authors: list[str], categories: list[str], others: dict[str, str]
) -> None:
    paper = Paper(title, abstract=abstract, authors=tuple(authors), categories=tuple(categories), **others)  # type: ignore[arg-type]
    for field in dataclasses.fields(paper):
        value = getattr(paper, field.name)
        for text in value if isinstance(value, tuple) else (value,):
            if isinstance(text, str):
                assert is_clean_text(text) if field.name == "abstract" else is_clean_line(text)
    again = Paper(**{f.name: getattr(paper, f.name) for f in dataclasses.fields(paper)})
    assert again == paper
    assert again.key == paper.key
    assert all(c and " " not in c for c in paper.categories)


def test_list_rows_are_cleaned_too() -> None:
    """A library written before papers were cleaned may hold escapes: its rows are cleaned."""
    from papershelf.collection import Row  # noqa: PLC0415

    row = Row("hf:evil\x1b]0;owned\x07", "Title\x1b[2J", "2024-01-01\x9b", 3)
    assert (row.key, row.title, row.published) == ("hf:evil", "Title", "2024-01-01")
    clean = Row("arxiv:2401.00001", "Title", None, 0)
    assert (clean.key, clean.title, clean.published) == ("arxiv:2401.00001", "Title", None)
