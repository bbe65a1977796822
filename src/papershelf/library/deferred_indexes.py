"""A large import without the arXiv id and title key indexes: they are dropped at its start and
built once at its end, and the cross-source match finds the library's papers in memory meanwhile.

Every insert touched both B-trees in random places; at 1M papers that was a third of SQLite's
part of the import (``bench/import_sqlite_probe.py``: 67.8 -> 46.3 µs a paper, the build at the
end included). The match still needs, for an arXiv id or a title key, the first paper (smallest
id) having it: :class:`ValueIds` keeps each value's 64-bit hash with the smallest id seen for
it, and every answer is checked against the stored row, so a stale entry (a paper whose title
changed) or two values of one hash fall back to asking SQLite. Nothing is lost when the process
dies: the indexes come back at the library's next writable open (its schema creates them).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, cast

import numpy as np
import numpy.typing as npt

from papershelf.library.store import LibraryStore

if TYPE_CHECKING:
    from papershelf.model import Paper

Found = dict[str, tuple[int, bytes, "Paper"]]
Ints = npt.NDArray[np.int64]
INDEXES = {"arxiv_id": "papers_arxiv_id", "title_key": "papers_title_key"}
WORTH_BYTES_A_PAPER = 4096  # deferred when the file has at least this many bytes per stored paper


class ValueIds:
    """value -> the smallest id given for it (or for another value of the same hash), as sorted
    runs of (hash, id) merged when a run is no bigger than twice the next (a handful of runs)."""

    def __init__(self, hash_of: Callable[[str], int] = hash) -> None:
        self._hash_of = hash_of
        self._runs: list[tuple[Ints, Ints]] = []

    def add(self, values: Sequence[str], ids: Sequence[int]) -> None:
        if not values:
            return
        self._runs.append(_first_of_each(self._hashes(values), np.asarray(ids, dtype=np.int64)))
        while len(self._runs) > 1 and self._runs[-2][0].size <= 2 * self._runs[-1][0].size:
            (h1, i1), (h2, i2) = self._runs.pop(), self._runs.pop()
            self._runs.append(_first_of_each(np.concatenate([h2, h1]), np.concatenate([i2, i1])))

    def candidates(self, values: Sequence[str]) -> Ints:
        """For each value the smallest id of its hash, or 0 for none."""
        hashes = self._hashes(values)
        best = np.zeros(hashes.size, dtype=np.int64)
        for run_hashes, run_ids in self._runs:
            at = np.minimum(np.searchsorted(run_hashes, hashes), run_hashes.size - 1)
            hit = run_hashes[at] == hashes
            ids = np.where(hit, run_ids[at], 0)
            best = np.where((best == 0) | ((ids != 0) & (ids < best)), ids, best)
        return best

    def _hashes(self, values: Sequence[str]) -> Ints:
        return np.fromiter((self._hash_of(v) for v in values), dtype=np.int64, count=len(values))


def _first_of_each(hashes: Ints, ids: Ints) -> tuple[Ints, Ints]:
    order = np.lexsort((ids, hashes))
    hashes, ids = hashes[order], ids[order]
    first = np.ones(hashes.size, dtype=np.bool_)
    np.not_equal(hashes[1:], hashes[:-1], out=first[1:])
    return hashes[first], ids[first]


class MemoryLookup:
    """The library's papers by arXiv id and by title key while their indexes are dropped: what
    :meth:`LibraryStore.same_paper` answers, from memory and the rows' primary key."""

    def __init__(self, store: LibraryStore, hash_of: Callable[[str], int] = hash) -> None:
        self.store = store
        self.columns = {column: ValueIds(hash_of) for column in INDEXES}
        for column, known in self.columns.items():
            rows = store.db.execute(f"SELECT {column}, id FROM papers WHERE {column} IS NOT NULL")
            while batch := rows.fetchmany(50_000):
                known.add([str(value) for value, _ in batch], [int(i) for _, i in batch])

    def written(self, inserts: Sequence[Sequence[object]], updates: Sequence[Sequence[object]]) -> None:
        """Papers committed: the parameters of :data:`~papershelf.library.rows.INSERT` (id, key,
        arXiv id, ..., title key) and of :data:`~papershelf.library.rows.UPDATE` (arXiv id, ...,
        title key, id)."""
        rows = [(r[0], r[2], r[-1]) for r in inserts] + [(r[-1], r[0], r[-2]) for r in updates]
        listed = [(cast(int, i), cast("str | None", a), cast(str, t)) for i, a, t in rows]
        with_id = [(i, a) for i, a, _ in listed if a is not None]
        self.columns["arxiv_id"].add([a for _, a in with_id], [i for i, _ in with_id])
        self.columns["title_key"].add([t for _, _, t in listed], [i for i, _, _ in listed])

    def same_paper(self, arxiv_ids: Sequence[str], title_keys: Sequence[str]) -> tuple[Found, Found]:
        return self._find("arxiv_id", arxiv_ids), self._find("title_key", title_keys)

    def _find(self, column: str, values: Sequence[str]) -> Found:
        ids = self.columns[column].candidates(values)
        asked = [(int(i), v) for i, v in zip(ids.tolist(), values, strict=True) if i]
        stored = self.store.rows_with_value(column, sorted({i for i, _ in asked}))
        found: Found = {}
        for paper_id, value in asked:
            row = stored.get(paper_id)
            if row is not None and row[0] == value:
                found[value] = (paper_id, row[1], row[2])
            elif (first := self.store.first_with(column, value)) is not None:
                found[value] = first  # a stale entry or a shared hash: SQLite scans (rarely)
        return found


def worth_deferring(store: LibraryStore, size: int | None) -> bool:
    """Deferred only for a file large against the library (the build at the end reads every
    paper): the first import of a snapshot, not a day's fetch into a big library."""
    return size is not None and store.max_id() * WORTH_BYTES_A_PAPER <= size


@contextlib.contextmanager
def indexes_deferred(store: LibraryStore) -> Iterator[MemoryLookup]:
    """The two indexes dropped for the block and built after it, whatever ends it."""
    db = store.db
    for name in INDEXES.values():
        db.execute(f"DROP INDEX IF EXISTS {name}")
    try:
        yield MemoryLookup(store)
    finally:
        with contextlib.suppress(Exception):  # else at the next writable open
            for column, name in INDEXES.items():
                db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON papers ({column})")
