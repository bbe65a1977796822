"""The collection interface the paper list talks to, and its in-memory implementation.

Widgets only use :class:`PaperCollection`: a count, a light :class:`Row` for drawing, the full
:class:`Paper` for the detail view, and ``filter`` returning an array of indices. A database-backed
library can replace :class:`InMemoryCollection` without touching a widget.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from papershelf.model import Paper, date_number, title_key
from papershelf.query import Query, StateLookup
from papershelf.query_eval import Doc, compile_matcher


@dataclass(frozen=True, slots=True)
class Row:
    """What one line of the paper list shows."""

    key: str
    title: str
    published: str | None
    upvotes: int


class PaperCollection(Protocol):
    def __len__(self) -> int: ...
    def row(self, index: int) -> Row: ...
    def paper(self, index: int) -> Paper: ...
    def index_of(self, key: str) -> int | None: ...
    def indices_of(self, keys: Iterable[str]) -> dict[str, int]:
        """Positions of those keys that are in the collection."""
        ...

    def dates(self) -> Sequence[int]:
        """Per position, the publication date as ``YYYYMMDD`` (0: none)."""
        ...

    def filter(self, query: Query, state: StateLookup) -> Sequence[int]: ...
    def is_quick(self, query: Query) -> bool:
        """Whether ``filter(query)`` is fast enough to run between two keystrokes (a few ms)."""
        ...

    def warm_up(self, stop: Callable[[], bool]) -> None:
        """Prepare for filtering in the background (``stop()`` says when to give up)."""
        ...

    def preview(self, query: Query, state: StateLookup) -> Sequence[int] | None:
        """The first rows of a slow ``filter(query)`` quickly, or None (no preview needed)."""
        ...


@dataclass(frozen=True, slots=True)
class PaperView:
    """One filtered view of a collection: the indices shown, in order, out of ``total``."""

    indices: Sequence[int]
    total: int
    partial: bool = False  # the first rows only: the rest is still being checked

    def __len__(self) -> int:
        return len(self.indices)

    def position_of(self, index: int) -> int | None:
        """Where collection index ``index`` is in this view, or None if it is not shown."""
        indices = self.indices
        if isinstance(indices, range | array | list | tuple):
            try:
                return indices.index(index)
            except ValueError:
                return None
        found = _where(indices, index)
        return found

    @classmethod
    def everything(cls, total: int) -> PaperView:
        return cls(range(total), total)

    @property
    def count_label(self) -> str:
        return f"{len(self.indices)}+/{self.total}" if self.partial else f"{len(self.indices)}/{self.total}"


def _where(indices: Sequence[int], index: int) -> int | None:
    """Position of ``index`` in any other sequence (a numpy array) without a Python loop."""
    import numpy as np  # noqa: PLC0415 - only views from the library are numpy arrays

    hits = np.flatnonzero(np.asarray(indices) == index)
    return int(hits[0]) if hits.size else None


# The in-memory collection scans; up to this size a scan takes a few milliseconds.
QUICK_SCAN_LIMIT = 20_000


class InMemoryCollection:
    """Papers held in a list, with their searchable text indexed on first use."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        self._papers = list(papers)
        self._rows = [Row(p.key, p.title, p.published, p.upvotes) for p in self._papers]
        self._docs: list[Doc] | None = None
        self._by_key: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._papers)

    def row(self, index: int) -> Row:
        return self._rows[index]

    def paper(self, index: int) -> Paper:
        return self._papers[index]

    def index_of(self, key: str) -> int | None:
        return self._positions().get(key)

    def indices_of(self, keys: Iterable[str]) -> dict[str, int]:
        positions = self._positions()
        return {key: positions[key] for key in keys if key in positions}

    def _positions(self) -> dict[str, int]:
        if self._by_key is None:
            self._by_key = {}
            for i, row in enumerate(self._rows):
                self._by_key.setdefault(row.key, i)
        return self._by_key

    def dates(self) -> Sequence[int]:
        return [date_number(row.published) or 0 for row in self._rows]

    def is_quick(self, query: Query) -> bool:
        return len(self._papers) <= QUICK_SCAN_LIMIT

    def warm_up(self, stop: Callable[[], bool]) -> None:
        self._prepared()

    def _prepared(self) -> list[Doc]:
        if self._docs is None:
            self._docs = [Doc.of(p) for p in self._papers]
        return self._docs

    def filter(self, query: Query, state: StateLookup) -> Sequence[int]:
        return self._sorted(self._matching(query, state), query.sort, state)

    def preview(self, query: Query, state: StateLookup) -> Sequence[int] | None:
        return None  # a scan of papers in memory has no faster first part

    def _sorted(self, hits: Sequence[int], sort: str, state: StateLookup) -> Sequence[int]:
        """``hits`` in the ``sort`` order; Python's sort is stable, so ties keep loaded order."""
        rows = self._rows
        if sort == "date":
            return sorted(hits, key=lambda i: rows[i].published or "", reverse=True)
        if sort == "upvotes":
            return sorted(hits, key=lambda i: rows[i].upvotes, reverse=True)
        if sort == "title":
            return sorted(hits, key=lambda i: title_key(rows[i].title))
        if sort == "unread":
            return sorted(hits, key=lambda i: state.read(rows[i].key))
        return hits

    def _matching(self, query: Query, state: StateLookup) -> Sequence[int]:
        """Indices of the papers matching ``query`` (raises QueryError when it does not parse)."""
        tree = query.tree
        if query.is_empty:
            return range(len(self._papers))
        matches = compile_matcher(tree, state)
        return array("l", (i for i, doc in enumerate(self._prepared()) if matches(doc)))


def merge_papers(groups: Sequence[Sequence[Paper]]) -> list[Paper]:
    """Concatenate lists, keeping the first paper of each key (two files may hold the same paper)."""
    seen: set[str] = set()
    merged = []
    for group in groups:
        for paper in group:
            if paper.key not in seen:
                seen.add(paper.key)
                merged.append(paper)
    return merged
