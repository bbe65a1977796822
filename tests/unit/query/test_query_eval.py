"""The query language on a small fixed corpus: every construct, answered the same by the
reference evaluator, the in-memory list and the library."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from papershelf.collection.memory import InMemoryCollection
from papershelf.library.collection import LibraryCollection
from papershelf.library.library import Library
from papershelf.model import Paper
from papershelf.query.context import Context
from papershelf.query.reference import reference_match
from papershelf.query.search import Query
from papershelf.query.syntax import parse
from papershelf.store.reading import ReadingState

PAPERS = [
    Paper(
        "Scaling Laws for Vision Transformers",
        "We study how vision transformers scale with data. Diffusion is not used.",
        authors=("Ada Lovelace", "Zoë Müller"),
        arxiv_id="2401.00001",
        published="2024-01-15",
        upvotes=12,
        categories=("cs.CV", "cs.LG"),
    ),
    Paper(
        "Text to Image Diffusion at Scale",
        "A diffusion model that maps text to image.",
        authors=("Grace Hopper",),
        arxiv_id="2406.00002",
        published="2024-06-01",
        upvotes=3,
        categories=("cs.CV",),
    ),
    Paper(
        "Language Models are Few-Shot Learners",
        "Large language models learn from a few examples. Image text pairs are not studied.",
        authors=("Alan Turing",),
        organization="OpenAI",
        arxiv_id="2005.14165",
        published="2020-05-28",
        upvotes=40,
        categories=("cs.CL",),
    ),
    Paper(
        "OCR-free Document Understanding",
        "Reading documents without OCR: a vision language model.",
        organization="Müller Lab",
        published="2025-01-10",
        upvotes=0,
    ),
    Paper("A survey of graph networks", "Graph neural networks, surveyed.", upvotes=1),
]


@pytest.fixture(scope="module")
def state() -> ReadingState:
    state = ReadingState()
    state.update(PAPERS[0].key, starred=True, read=True, tags=("to read later", "vision"))
    state.update(PAPERS[1].key, read=True, note="Check the FID numbers.")
    state.update(PAPERS[3].key, starred=True, tags=("ocr",))
    return state


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> tuple[InMemoryCollection, LibraryCollection]:
    library = Library(Path(tmp_path_factory.mktemp("lib")))
    library.importer().import_papers(PAPERS, chunk_size=2)
    return InMemoryCollection(PAPERS), library.collection()


CASES = {
    # words: prefixes of words anywhere, tags included
    "vision": [0, 3],
    "scal": [0, 1],
    "vision transformer": [0],
    "later": [0],  # a tag's word
    "müller": [0, 3],  # an author and an organisation, accents folded
    "muller": [0, 3],
    # phrases: adjacent, in order, each word a prefix; never across fields, authors or tags
    '"text to image"': [1],
    '"image text"': [2],
    '"text image"': [],
    '"vision trans"': [0],
    '"read later"': [0],  # inside one tag
    '"later vision"': [],  # would span two tags
    '"lovelace zoe"': [],  # would span two authors
    '"transformers we"': [],  # would span the title and the abstract
    '"language model"': [2, 3],
    # negation, OR, groups
    "-diffusion": [2, 3, 4],
    '-"text to image"': [0, 2, 3, 4],
    "-tag:vision": [1, 2, 3, 4],
    "ocr OR graph": [3, 4],
    "ocr | graph": [3, 4],
    "(ocr | graph) -survey": [3],
    "vision OR diffusion -text": [0, 3],
    "NOT vision": [1, 2, 4],
    # fields
    "title:diffusion": [1],
    "abstract:diffusion": [0, 1],
    "title:vision": [0],
    'title:"few shot"': [2],
    "title:(ocr | graph)": [3, 4],
    "author:grace": [1],
    "author:openai": [2],
    "author:mull": [0, 3],
    "author:vision": [],
    "tag:vis": [0],
    'tag:"to read"': [0],
    "tag:ocr": [3],
    "cat:cs": [0, 1, 2],
    "cat:cs.cv": [0, 1],
    "cat:cs.CL": [2],
    "cat:lg": [],  # a prefix of the category, not any part of it
    "id:2401": [0],
    "id:2": [0, 1, 2],
    "id:14165": [],
    # reading state
    "is:starred": [0, 3],
    "is:read": [0, 1],
    "is:unread": [2, 3, 4],
    "is:tagged": [0, 3],
    "has:note": [1],
    "is:watched": [],  # no watch list
    # dates and numbers
    "year:2024": [0, 1],
    "year:2020..2024": [0, 1, 2],
    "year:>2024": [3],
    "after:2024-06-01": [1, 3],
    "after:2024-06-02": [3],
    "before:2024-06": [0, 2],
    "before:2024-06-02": [0, 1, 2],
    "upvotes:>=3": [0, 1, 2],
    "upvotes:>3": [0, 2],
    "upvotes:1..12": [0, 1, 4],
    "upvotes:0": [3],
    "-year:2024": [2, 3, 4],  # no date (paper 4) is outside every date range, so NOT keeps it
    # the sentence: unread vision papers from this year with 3+ upvotes, not diffusion
    "is:unread vision year:2025 upvotes:>=0 -diffusion": [3],
}


@pytest.mark.parametrize(("text", "expected"), CASES.items())
def test_each_construct(
    engines: tuple[InMemoryCollection, LibraryCollection], state: ReadingState, text: str, expected: list[int]
) -> None:
    memory, library = engines
    tree = parse(text)
    assert [i for i, p in enumerate(PAPERS) if reference_match(tree, p, state)] == expected
    assert list(memory.filter(Query(text), Context(state))) == expected
    assert list(library.filter(Query(text), Context(state))) == expected


def test_watch_list(engines: tuple[InMemoryCollection, LibraryCollection], state: ReadingState) -> None:
    watch = parse('author:hopper | "graph net"')
    for engine in engines:
        assert list(engine.filter(Query("is:watched"), Context(state, watch))) == [1, 4]
        assert list(engine.filter(Query("-is:watched scal"), Context(state, watch))) == [0]


def test_sorting_applies_after_the_query(
    engines: tuple[InMemoryCollection, LibraryCollection], state: ReadingState
) -> None:
    for engine in engines:
        assert list(engine.filter(Query("cat:cs", sort="upvotes"), Context(state))) == [2, 0, 1]
        assert list(engine.filter(Query("year:2020..", sort="date"), Context(state))) == [3, 1, 0, 2]


def test_library_tells_slow_queries_apart(engines: tuple[InMemoryCollection, LibraryCollection]) -> None:
    _, library = engines
    library.column("date")
    library.column("upvotes")
    assert library.is_quick(Query("vision -diffusion is:starred year:2024"))
    assert not library.is_quick(Query('"text to image"'))  # phrases read candidates' text
    assert library.is_quick(Query("title:x author:y"))  # the title and author field segments
    assert not library.is_quick(Query("abstract:x"))  # checks the papers with x in title/authors
    assert library.is_quick(Query('"open'))  # an error: nothing to run


def test_a_library_without_field_segments_reads_the_text(tmp_path: Path, state: ReadingState) -> None:
    """Libraries written before the title/author segments existed answer the same, by reading."""
    library = Library(tmp_path / "old")
    library.importer().import_papers(PAPERS, chunk_size=2)
    for field_dir in (tmp_path / "old" / "index").glob("*/*"):
        if field_dir.is_dir():
            shutil.rmtree(field_dir)
    old = library.collection()
    assert not old.index.has_field("title")
    assert not old.is_quick(Query("title:x"))
    for text, expected in CASES.items():
        assert list(old.filter(Query(text), Context(state))) == expected, text
