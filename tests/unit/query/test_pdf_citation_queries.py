"""``has:pdf``, ``citations:`` and the ``citations`` sort: the same answers in memory, over the
library, and from the reference definition."""

from __future__ import annotations

import pytest

from papershelf.collection.memory import InMemoryCollection
from papershelf.library.library import Library
from papershelf.model import Paper
from papershelf.query.context import Context
from papershelf.query.reference import reference_match
from papershelf.query.search import Query
from papershelf.query.syntax import parse
from papershelf.query.tree import QueryError
from papershelf.store.reading import ReadingState

PAPERS = [
    Paper("Vision one", arxiv_id="2401.00001"),
    Paper("Vision two", arxiv_id="2401.00002"),
    Paper("Speech three", arxiv_id="2401.00003"),
    Paper("Speech four"),
]
KEYS = [p.key for p in PAPERS]
CONTEXT = Context(
    ReadingState(),
    pdfs=frozenset({KEYS[1], KEYS[3]}),
    citations={KEYS[0]: 150, KEYS[1]: 99, KEYS[2]: 1200},
)
CASES = {
    "has:pdf": [1, 3],
    "-has:pdf": [0, 2],
    "vision has:pdf": [1],
    "citations:>=100": [0, 2],
    "citations:<100": [1],  # a paper without a count never matches
    "citations:100..1000": [0],
    "citations:>=100 | has:pdf": [0, 1, 2, 3],
}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    library = Library(tmp_path_factory.mktemp("lib") / "library")
    library.importer().import_papers(PAPERS)
    return library


@pytest.mark.parametrize(("text", "expected"), CASES.items())
def test_same_answers_everywhere(text: str, expected: list[int], library: Library) -> None:
    memory = InMemoryCollection(PAPERS)
    assert memory.filter(Query(text), CONTEXT).tolist() == expected
    assert library.collection().filter(Query(text), CONTEXT).tolist() == expected
    tree = CONTEXT.resolve(parse(text))
    assert [i for i, p in enumerate(PAPERS) if reference_match(tree, p, CONTEXT.state)] == expected


def test_citations_sort(library: Library) -> None:
    query = Query("", sort="citations")
    expected = [2, 0, 1, 3]  # most cited first, no count last
    assert InMemoryCollection(PAPERS).filter(query, CONTEXT).tolist() == expected
    assert library.collection().filter(query, CONTEXT).tolist() == expected


def test_an_empty_context_has_nothing() -> None:
    assert InMemoryCollection(PAPERS).filter(Query("has:pdf"), Context(ReadingState())).tolist() == []


@pytest.mark.parametrize(("text", "problem"), [("has:pdfs", "unknown 'has:pdfs'"), ("citations:x", "number")])
def test_errors(text: str, problem: str) -> None:
    with pytest.raises(QueryError, match=problem):
        parse(text)
