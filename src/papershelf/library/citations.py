"""Citation counts kept beside the papers (table ``citations`` of the library database).

Keyed by paper key, like the reading state: a paper re-imported or updated keeps its count.
A library written before this table existed simply has no counts (reads return nothing).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Mapping

from papershelf.library.store import LibraryStore
from papershelf.sources.s2_batch import Citations


def save_citations(store: LibraryStore, found: Mapping[str, Citations], when: float) -> None:
    rows = [(key, c.count, c.influential, c.venue, c.year, when) for key, c in found.items()]
    store.db.execute("BEGIN IMMEDIATE")
    try:
        store.db.executemany(
            "INSERT INTO citations (key, count, influential, venue, year, fetched) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET count = excluded.count, influential = excluded.influential, "
            "venue = coalesce(excluded.venue, venue), year = coalesce(excluded.year, year), "
            "fetched = excluded.fetched",
            rows,
        )
    except BaseException:
        store.db.execute("ROLLBACK")
        raise
    store.db.execute("COMMIT")


def load_citations(store: LibraryStore, keys: Iterable[str] | None = None) -> dict[str, Citations]:
    """Counts by paper key: all of them, or those of ``keys``."""
    query = "SELECT key, count, influential, venue, year FROM citations"
    out: dict[str, Citations] = {}
    try:
        if keys is None:
            rows = list(store.db.execute(query))
        else:
            wanted = list(keys)
            rows = []
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows.extend(store.db.execute(f"{query} WHERE key IN ({marks})", chunk))
    except sqlite3.OperationalError:  # a library from before citation counts
        return out
    for key, count, influential, venue, year in rows:
        out[str(key)] = Citations(int(count), influential, venue, year)
    return out


def load_counts(store: LibraryStore) -> dict[str, int]:
    """Citation counts by paper key, nothing else (what queries and the sort need; fast)."""
    try:
        return {str(key): int(count) for key, count in store.db.execute("SELECT key, count FROM citations")}
    except sqlite3.OperationalError:  # a library from before citation counts
        return {}


class CitationLookup:
    """The reader's view of the counts: all counts (for queries and the sort) read once when
    first asked, one paper's details (for the detail pane) when shown."""

    def __init__(
        self, store: LibraryStore | None = None, found: Mapping[str, Citations] | None = None
    ) -> None:
        self._store = store
        self._found = dict(found or {})
        self._counts: dict[str, int] | None = None
        self._lock = threading.Lock()

    def counts(self) -> dict[str, int]:
        with self._lock:
            if self._counts is None:
                if self._store is not None:
                    self._counts = load_counts(self._store)
                else:
                    self._counts = {key: c.count for key, c in self._found.items()}
            return self._counts

    def get(self, key: str) -> Citations | None:
        if self._store is None:
            return self._found.get(key)
        with self._lock:
            return load_citations(self._store, [key]).get(key)
