"""The library database: one row per paper, ids dense from 1 in library (import) order."""

from __future__ import annotations

import contextlib
import functools
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from papershelf.collection.guarded import CollectionDamaged
from papershelf.library.rows import COLUMNS, row_to_paper
from papershelf.model import Paper

SCHEMA_VERSION = 1
BULK_CACHE_KIB = 32 * 1024  # SQLite page cache of a large import (see bulk_writes)
BULK_CHECKPOINT_PAGES = 10_000  # WAL pages (~40 MB) before they are copied into the database
T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS papers (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    arxiv_id TEXT,
    title TEXT NOT NULL,
    abstract TEXT NOT NULL DEFAULT '',
    authors TEXT NOT NULL DEFAULT '[]',
    author_count INTEGER,
    organization TEXT,
    published TEXT,
    updated TEXT,
    upvotes INTEGER NOT NULL DEFAULT 0,
    url TEXT,
    source TEXT NOT NULL DEFAULT '',
    categories TEXT NOT NULL DEFAULT '',
    github TEXT,
    comments INTEGER,
    note TEXT,
    doi TEXT,
    digest BLOB NOT NULL,
    title_key TEXT NOT NULL DEFAULT '',
    venue TEXT,
    announce TEXT,
    version INTEGER,
    ai_summary TEXT,
    ai_keywords TEXT NOT NULL DEFAULT '[]',
    project_page TEXT,
    github_stars INTEGER
);
CREATE INDEX IF NOT EXISTS papers_arxiv_id ON papers (arxiv_id);
CREATE INDEX IF NOT EXISTS papers_title_key ON papers (title_key);
CREATE TABLE IF NOT EXISTS segments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    docs INTEGER NOT NULL,
    postings INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS segment_files (
    segment TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    crc INTEGER NOT NULL,
    PRIMARY KEY (segment, path)
);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS citations (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    influential INTEGER,
    venue TEXT,
    year INTEGER,
    fetched REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS fetches (
    spec TEXT PRIMARY KEY,
    last REAL NOT NULL
);
"""

# Columns added after the first libraries were written: added to an older library on opening.
ADDED_COLUMNS = (
    ("venue", "TEXT"),
    ("announce", "TEXT"),
    ("version", "INTEGER"),
    ("ai_summary", "TEXT"),
    ("ai_keywords", "TEXT NOT NULL DEFAULT '[]'"),
    ("project_page", "TEXT"),
    ("github_stars", "INTEGER"),
)


class LibraryError(Exception):
    """The library cannot be opened or written; the message says which file and why."""


class LibraryDamaged(LibraryError, CollectionDamaged):
    """A library file is damaged; the message names it and the fix. The reader's guarded
    collection (:mod:`papershelf.collection.guarded`) reports it without stopping."""


REPAIR = "run 'papershelf library repair'"


def _guarded(method: Callable[..., T]) -> Callable[..., T]:
    """SQLite errors leave the library layer as one line naming the file and the fix."""

    @functools.wraps(method)
    def guarded(self: LibraryStore, *args: object, **kwargs: object) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as error:
            raise LibraryDamaged(f"{self.path}: {error}; {REPAIR}") from None

    return guarded


def _add_columns(db: sqlite3.Connection) -> None:
    present = {row[1] for row in db.execute("PRAGMA table_info(papers)")}
    if "title" not in present:
        return  # not a papers table of ours: _check_columns says so
    for name, kind in ADDED_COLUMNS:
        if name not in present:
            db.execute(f"ALTER TABLE papers ADD COLUMN {name} {kind}")


def has_schema(path: Path) -> bool:
    """Whether the SQLite file at ``path`` exists and has tables (or cannot be read)."""
    try:
        if path.stat().st_size == 0 and not path.with_name(path.name + "-wal").exists():
            return False
    except OSError:
        return False
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return bool(db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return True


class LibraryStore:
    """The SQLite file. Reads are plain queries; writes go through :meth:`transaction`.

    Every public method turns SQLite errors (a damaged file) into :class:`LibraryDamaged`.
    """

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        try:
            if readonly:
                self._add_columns_if_missing(path)
                self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
                if self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
                    raise LibraryError(f"{path}: the library is being created; try again in a moment")
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                if self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'papers'").fetchone():
                    _add_columns(self.db)
                    self._check_columns()
                # One transaction: a reader sees no tables or all of them.
                self.db.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} COMMIT;")
                self._check_version()
            self._check_columns()
        except sqlite3.DatabaseError as error:
            raise LibraryError(f"{path}: {error}") from None

    @staticmethod
    def _add_columns_if_missing(path: Path) -> None:
        """A library written before the newer columns existed gets them (one quick ALTER each)."""
        probe = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            present = {row[1] for row in probe.execute("PRAGMA table_info(papers)")}
        finally:
            probe.close()
        if present and any(name not in present for name, _ in ADDED_COLUMNS):
            db = sqlite3.connect(path, isolation_level=None)
            try:
                _add_columns(db)
            finally:
                db.close()

    def _check_columns(self) -> None:
        """A library written by another papershelf (or not one at all) is refused with a reason."""
        present = {row[1] for row in self.db.execute("PRAGMA table_info(papers)")}
        wanted = {c.strip() for c in COLUMNS.split(",")} | {"id", "digest", "title_key"}
        missing = sorted(wanted - present)
        if missing:
            raise LibraryError(
                f"{self.path}: not a library of this papershelf (no column {missing[0]!r}); "
                "move it aside and import again with 'papershelf add'"
            )

    def _check_version(self) -> None:
        row = self.db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        elif row[0] != str(SCHEMA_VERSION):
            raise LibraryError(
                f"{self.path}: library schema {row[0]}, this papershelf reads {SCHEMA_VERSION}"
            )

    def close(self) -> None:
        self.db.close()

    @_guarded
    def count(self) -> int:
        row = self.db.execute("SELECT count(*) FROM papers").fetchone()
        return int(row[0])

    @_guarded
    def rows(self, first_id: int, last_id: int) -> list[tuple[int, str, str, str | None, int]]:
        """(id, key, title, published, upvotes) for ids in ``[first_id, last_id]``."""
        return self.db.execute(
            "SELECT id, key, title, published, upvotes FROM papers WHERE id BETWEEN ? AND ? ORDER BY id",
            (first_id, last_id),
        ).fetchall()

    @_guarded
    def paper(self, paper_id: int) -> Paper:
        row = self.db.execute(f"SELECT {COLUMNS} FROM papers WHERE id = ?", (paper_id,)).fetchone()
        if row is None:  # ids are dense: a missing one is a damaged file
            raise LibraryDamaged(f"{self.path}: paper {paper_id} cannot be read; {REPAIR}")
        return row_to_paper(row)

    def papers(self) -> Iterator[Paper]:
        try:
            for row in self.db.execute(f"SELECT {COLUMNS} FROM papers ORDER BY id"):
                yield row_to_paper(row)
        except sqlite3.DatabaseError as error:
            raise LibraryDamaged(f"{self.path}: {error}; {REPAIR}") from None

    @_guarded
    def ids_for_keys(self, keys: Iterable[str]) -> dict[str, int]:
        """Paper ids of the given keys (keys not in the library are left out)."""
        return dict(self._where_in("SELECT key, id FROM papers", "key", list(keys)))

    def _where_in(self, select: str, column: str, values: Sequence[object]) -> Iterator[tuple[Any, ...]]:
        """The rows of ``select`` whose ``column`` is one of ``values`` (asked 500 at a time)."""
        for start in range(0, len(values), 500):
            chunk = list(values[start : start + 500])
            yield from self.db.execute(f"{select} WHERE {column} IN ({','.join('?' * len(chunk))})", chunk)

    @_guarded
    def existing(self, keys: Sequence[str]) -> dict[str, tuple[int, bytes, Paper]]:
        """For each known key: (id, digest, stored paper)."""
        rows = self._where_in(f"SELECT id, digest, {COLUMNS} FROM papers", "key", keys)
        return {row[2]: (row[0], row[1], row_to_paper(row[2:])) for row in rows}

    @_guarded
    def same_paper(
        self, arxiv_ids: Sequence[str], title_keys: Sequence[str]
    ) -> tuple[dict[str, tuple[int, bytes, Paper]], dict[str, tuple[int, bytes, Paper]]]:
        """Stored papers known under another key: by arXiv id, and by normalised title."""
        by_id: dict[str, tuple[int, bytes, Paper]] = {}
        by_title: dict[str, tuple[int, bytes, Paper]] = {}
        for column, values, out in (("arxiv_id", arxiv_ids, by_id), ("title_key", title_keys, by_title)):
            for row in self._where_in(f"SELECT id, digest, {column}, {COLUMNS} FROM papers", column, values):
                out.setdefault(row[2], (row[0], row[1], row_to_paper(row[3:])))
        return by_id, by_title

    @_guarded
    def rows_with_value(self, column: str, ids: Sequence[int]) -> dict[int, tuple[str | None, bytes, Paper]]:
        """id -> (its ``column``, digest, paper) of the given ids (by the primary key)."""
        rows = self._where_in(f"SELECT id, digest, {column}, {COLUMNS} FROM papers", "id", ids)
        return {row[0]: (row[2], row[1], row_to_paper(row[3:])) for row in rows}

    @_guarded
    def first_with(self, column: str, value: str) -> tuple[int, bytes, Paper] | None:
        """(id, digest, paper) of the first paper whose ``column`` is ``value``."""
        query = f"SELECT id, digest, {COLUMNS} FROM papers WHERE {column} = ? ORDER BY id LIMIT 1"
        row = self.db.execute(query, (value,)).fetchone()
        return None if row is None else (row[0], row[1], row_to_paper(row[2:]))

    @_guarded
    def record_fetch(self, spec: str, when: float) -> None:
        """Remember a fetch (a JSON spec: source and arguments) so the reader can repeat it."""
        self.db.execute(
            "INSERT INTO fetches (spec, last) VALUES (?, ?) "
            "ON CONFLICT(spec) DO UPDATE SET last = excluded.last",
            (spec, when),
        )

    @_guarded
    def fetch_specs(self) -> list[str]:
        return [str(spec) for (spec,) in self.db.execute("SELECT spec FROM fetches ORDER BY last")]

    @contextlib.contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """A large import's connection: a bigger page cache and rarer WAL checkpoints.

        Inserts touch four B-trees (rows, key, arXiv id, title key) in random places: with
        SQLite's default 2 MB cache their pages were read back again and again, and the WAL was
        copied into the database every 1,000 pages (40k papers into a new library, one process:
        SQLite's part of a commit 59 -> 43 µs a paper). Both are given back afterwards, before
        the merges that follow.
        """
        db = self.db
        cache = db.execute("PRAGMA cache_size").fetchone()[0]
        checkpoint = db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        db.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        db.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
        try:
            yield
        finally:
            with contextlib.suppress(sqlite3.Error):  # a failing import's own error is the one to tell
                db.execute(f"PRAGMA cache_size = {int(cache)}")
                db.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")
                db.execute("PRAGMA shrink_memory")

    @_guarded
    def max_id(self) -> int:
        row = self.db.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()
        return int(row[0])

    @_guarded
    def segments(self) -> list[tuple[str, int, int]]:
        """(name, docs, postings) of the index segments, oldest first."""
        rows = self.db.execute("SELECT name, docs, postings FROM segments ORDER BY id").fetchall()
        return [(str(name), int(docs), int(postings)) for name, docs, postings in rows]

    def add_segment(
        self,
        name: str,
        docs: int,
        postings: int,
        files: Sequence[tuple[str, int, int]],
        at: int | None = None,
    ) -> None:
        """List a segment (inside the caller's transaction), with its files' sizes and checksums;
        ``at``: its place in the order (a merge puts its segment where the merged ones were)."""
        self.db.execute(
            "INSERT INTO segments (id, name, docs, postings) VALUES (?, ?, ?, ?)", (at, name, docs, postings)
        )
        self.db.executemany(
            "INSERT INTO segment_files (segment, path, size, crc) VALUES (?, ?, ?, ?)",
            [(name, *file) for file in files],
        )

    def remove_segments(self, names: Sequence[str]) -> None:
        for name in names:
            self.db.execute("DELETE FROM segments WHERE name = ?", (name,))
            self.db.execute("DELETE FROM segment_files WHERE segment = ?", (name,))

    @_guarded
    def segment_files(self) -> dict[str, dict[str, tuple[int, int]]]:
        """segment name -> {relative path: (size, crc32)} (segments written before checksums: absent)."""
        out: dict[str, dict[str, tuple[int, int]]] = {}
        for name, path, size, crc in self.db.execute("SELECT segment, path, size, crc FROM segment_files"):
            out.setdefault(str(name), {})[str(path)] = (int(size), int(crc))
        return out

    @_guarded
    def snapshot(self) -> tuple[list[str], int]:
        """The segment names and the paper count, read in one transaction (so they agree even
        while another process is writing)."""
        self.db.execute("BEGIN")
        try:
            names = [str(name) for (name,) in self.db.execute("SELECT name FROM segments ORDER BY id")]
            size = self.count()
        finally:
            self.db.execute("COMMIT")
        return names, size
