"""Citation counts kept beside the papers (table ``citations`` of the library database).

Keyed by paper key, like the reading state: a paper re-imported or updated keeps its count.
A library written before this table existed simply has no counts (reads return nothing).
"""

from __future__ import annotations

import sqlite3
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
