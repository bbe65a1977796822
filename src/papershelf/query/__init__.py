"""The query language: text -> tree (syntax, tree), what it means (reference), fast evaluation
(compiled), the evaluation context (reading state, watch list), and the list's :class:`Query`.

- :mod:`~papershelf.query.syntax` — the parser (:func:`parse`, :class:`QueryError`).
- :mod:`~papershelf.query.tree` — the nodes and what a tree asks for.
- :mod:`~papershelf.query.reference` — the definition, one paper at a time.
- :mod:`~papershelf.query.compiled` — the in-memory evaluator and the raw-text matcher.
- :mod:`~papershelf.query.context` — :class:`Context`: reading state and watch list.
- :mod:`~papershelf.query.search` — :class:`Query` (text, toggles, sort) and the sort orders.
- :mod:`~papershelf.query.highlight` — the spans a query found a text by.
"""

from papershelf.query.context import Context, StateLookup
from papershelf.query.search import SORTS, Query, next_sort
from papershelf.query.tree import QueryError

__all__ = ["SORTS", "Context", "Query", "QueryError", "StateLookup", "next_sort"]
