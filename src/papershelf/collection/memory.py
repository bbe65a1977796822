"""The in-memory collection: a list of papers, scanned with the compiled query matcher."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from papershelf.collection import Positions, Row
from papershelf.model import Paper, date_number, title_key
from papershelf.query.compiled import Doc, compile_matcher
from papershelf.query.context import Context, StateLookup
from papershelf.query.search import Query
from papershelf.query.tree import positive_words
from papershelf.rank import is_ranked

if TYPE_CHECKING:
    from papershelf.rank.ranker import Ranker

# The in-memory collection scans; up to this size a scan takes a few milliseconds.
QUICK_SCAN_LIMIT = 20_000


class InMemoryCollection:
    """Papers held in a list, with their searchable text indexed on first use."""

    def __init__(self, papers: Sequence[Paper], *, cache_dir: Path | None = None) -> None:
        self._papers = list(papers)
        self._rows = [Row(p.key, p.title, p.published, p.upvotes) for p in self._papers]
        self._docs: list[Doc] | None = None
        self._by_key: dict[str, int] | None = None
        self._cache_dir = cache_dir
        self._ranker: Ranker | None = None

    @property
    def ranker(self) -> Ranker:
        """The rankings ("for you", "like", relevance); features built (or read) on first use."""
        if self._ranker is None:
            from papershelf.rank.papers import memory_ranker  # noqa: PLC0415 - numpy, features

            self._ranker = memory_ranker(self._papers, self.indices_of, self._cache_dir)
        return self._ranker

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

    def dates(self) -> Positions:
        import numpy as np  # noqa: PLC0415

        return np.fromiter((date_number(row.published) or 0 for row in self._rows), dtype=np.int64)

    def is_quick(self, query: Query, state: StateLookup | None = None) -> bool:
        if is_ranked(query.sort) and (state is None or not self.ranker.is_ready(query.sort, state)):
            return False  # training a model or scoring every paper: in a worker
        return len(self._papers) <= QUICK_SCAN_LIMIT

    def why(self, index: int, sort: str, state: StateLookup) -> tuple[float, list[tuple[str, float]]] | None:
        if self._ranker is None:
            return None
        return self._ranker.why(index, self.paper(index), sort, state)

    def warm_up(self, stop: Callable[[], bool]) -> None:
        self._prepared()

    def _prepared(self) -> list[Doc]:
        if self._docs is None:
            self._docs = [Doc.of(p) for p in self._papers]
        return self._docs

    def filter(self, query: Query, context: Context) -> Positions:
        import numpy as np  # noqa: PLC0415 - not needed to show the list unfiltered

        hits = self._matching(query, context)
        if is_ranked(query.sort):
            words = positive_words(query.text_tree)
            return self.ranker.order(np.asarray(hits, dtype=np.int64), query.sort, context.state, words)
        hits = self._sorted(hits, query.sort, context)
        return np.fromiter(hits, dtype=np.int64, count=len(hits))

    def preview(self, query: Query, context: Context) -> Positions | None:
        return None  # a scan of papers in memory has no faster first part

    def _sorted(self, hits: Sequence[int], sort: str, context: Context) -> Sequence[int]:
        """``hits`` in the ``sort`` order; Python's sort is stable, so ties keep loaded order."""
        rows = self._rows
        if sort == "date":
            return sorted(hits, key=lambda i: rows[i].published or "", reverse=True)
        if sort == "upvotes":
            return sorted(hits, key=lambda i: rows[i].upvotes, reverse=True)
        if sort == "title":
            return sorted(hits, key=lambda i: title_key(rows[i].title))
        if sort == "unread":
            return sorted(hits, key=lambda i: context.state.read(rows[i].key))
        if sort == "citations":  # most cited first; papers without a count last
            counts = context.citations
            return sorted(hits, key=lambda i: counts.get(rows[i].key, -1), reverse=True)
        return hits

    def _matching(self, query: Query, context: Context) -> Sequence[int]:
        """Indices of the papers matching ``query`` (raises QueryError when it does not parse)."""
        tree = context.resolve(query.tree)
        if query.is_empty:
            return range(len(self._papers))
        matches = compile_matcher(tree, context.state)
        found = []
        for i, doc in enumerate(self._prepared()):
            if not i % 2048:
                context.check()  # a cancelled query stops here
            if matches(doc):
                found.append(i)
        return found


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
