"""Deeply nested queries are refused with one clear message, never a RecursionError."""

from __future__ import annotations

import pytest

from papershelf.collection.memory import InMemoryCollection
from papershelf.model import Paper
from papershelf.query.context import Context
from papershelf.query.reference import reference_match
from papershelf.query.search import Query
from papershelf.query.syntax import MAX_NESTING, parse
from papershelf.query.tree import QueryError
from papershelf.store.reading import ReadingState

DEEP = (
    "(" * 200 + "vision" + ")" * 200,
    "NOT " * 1000 + "vision",
    "-(" * 300 + "vision" + ")" * 300,
    "title:(" + "(" * 100 + "x" + ")" * 100 + ")",
)


@pytest.mark.parametrize("text", DEEP)
def test_deep_nesting_is_a_query_error_naming_the_limit(text: str) -> None:
    with pytest.raises(QueryError, match=f"nested too deeply: at most {MAX_NESTING} levels") as caught:
        parse(text)
    assert 0 <= caught.value.position < len(text)
    assert Query(text).problem is not None


def deepest(depth: int) -> str:
    """Parentheses and NOTs alternating, ``depth`` levels in all."""
    text = "vision"
    for level in range(depth):
        text = f"({text} OR x{level})" if level % 2 else f"NOT {text}"
    return text


def test_the_deepest_allowed_query_is_evaluated_everywhere() -> None:
    papers = [Paper("Vision transformers"), Paper("Language models"), Paper("x3 and vision")]
    query = Query(deepest(MAX_NESTING))
    assert query.problem is None
    state = ReadingState()
    want = [i for i, p in enumerate(papers) if reference_match(query.tree, p, state)]
    collection = InMemoryCollection(papers)
    assert list(collection.filter(query, Context(state))) == want
    with pytest.raises(QueryError):
        parse(deepest(MAX_NESTING + 1))


def test_long_flat_queries_are_fine() -> None:
    parse(" ".join(f"-w{i}" for i in range(5000)))
    parse(" OR ".join(f"w{i}" for i in range(5000)))
