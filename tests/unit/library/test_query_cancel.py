"""A cancelled filter stops inside its loops, for the library and for lists in memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from papershelf.collection.memory import InMemoryCollection
from papershelf.library.library import Library
from papershelf.model import Paper
from papershelf.query.context import Cancelled, Context
from papershelf.query.search import Query
from papershelf.store.reading import ReadingState

# Every paper has all the phrase's adjacent pairs, none the phrase: every candidate's text is read.
PAPERS = [
    Paper(f"Paper {i}", abstract=f"scaling model of run {i}; model training and training data scaling model")
    for i in range(20_000)
]
PHRASE = Query('"scaling model training data"')


class CallOff:
    """``cancelled`` that turns true after ``after`` questions, counting them."""

    def __init__(self, after: int) -> None:
        self.after = after
        self.asked = 0

    def __call__(self) -> bool:
        self.asked += 1
        return self.asked > self.after


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    library = Library(Path(tmp_path_factory.mktemp("lib")) / "library")
    library.importer().import_papers(PAPERS)
    return library


def test_a_library_phrase_query_stops_when_cancelled(library: Library) -> None:
    collection = library.collection()
    state = ReadingState()
    assert list(collection.filter(PHRASE, Context(state))) == []  # the full answer: nothing
    call_off = CallOff(after=2)
    with pytest.raises(Cancelled):
        collection.filter(PHRASE, Context(state, cancelled=call_off))
    assert call_off.asked == 3  # stopped at the first question after the call-off
    with pytest.raises(Cancelled):
        collection.preview(PHRASE, Context(state, cancelled=CallOff(after=0)))


def test_a_list_in_memory_stops_when_cancelled() -> None:
    collection = InMemoryCollection(PAPERS)
    call_off = CallOff(after=1)
    with pytest.raises(Cancelled):
        collection.filter(PHRASE, Context(ReadingState(), cancelled=call_off))
    assert call_off.asked == 2
    assert list(collection.filter(PHRASE, Context(ReadingState()))) == []
