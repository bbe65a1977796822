"""The library database: one row per paper, ids dense from 1 in library (import) order."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from papershelf.model import Paper

SCHEMA_VERSION = 1

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
    title_key TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS papers_arxiv_id ON papers (arxiv_id);
CREATE INDEX IF NOT EXISTS papers_title_key ON papers (title_key);
CREATE TABLE IF NOT EXISTS segments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    docs INTEGER NOT NULL,
    postings INTEGER NOT NULL
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

COLUMNS = (
    "key, arxiv_id, title, abstract, authors, author_count, organization, published, updated, "
    "upvotes, url, source, categories, github, comments, note, doi"
)


class LibraryError(Exception):
    """The library cannot be opened or written; the message says which file and why."""


def digest(paper: Paper) -> bytes:
    """A fingerprint of a paper's content: re-importing an unchanged record changes nothing."""
    parts = (
        paper.title,
        paper.abstract,
        "\x1f".join(paper.authors),
        str(paper.author_count),
        paper.organization or "",
        paper.published or "",
        paper.updated or "",
        str(paper.upvotes),
        paper.arxiv_id or "",
        paper.url or "",
        " ".join(paper.categories),
        paper.github or "",
        str(paper.comments),
        paper.note or "",
        paper.doi or "",
    )
    return hashlib.blake2b("\x1e".join(parts).encode(), digest_size=16).digest()


def paper_to_row(paper: Paper) -> tuple[object, ...]:
    return (
        paper.key,
        paper.arxiv_id,
        paper.title,
        paper.abstract,
        json.dumps(list(paper.authors), ensure_ascii=False),
        paper.author_count,
        paper.organization,
        paper.published,
        paper.updated,
        paper.upvotes,
        paper.url,
        paper.source,
        " ".join(paper.categories),
        paper.github,
        paper.comments,
        paper.note,
        paper.doi,
    )


def row_to_paper(row: Sequence[object]) -> Paper:
    (key, arxiv_id, title, abstract, authors, author_count, organization, published, updated,
     upvotes, url, source, categories, github, comments, note, doi) = row  # fmt: skip
    return Paper(
        title=str(title),
        abstract=str(abstract),
        authors=tuple(json.loads(str(authors))),
        author_count=author_count if isinstance(author_count, int) else None,
        organization=organization if isinstance(organization, str) else None,
        published=published if isinstance(published, str) else None,
        updated=updated if isinstance(updated, str) else None,
        upvotes=int(upvotes) if isinstance(upvotes, int) else 0,
        arxiv_id=arxiv_id if isinstance(arxiv_id, str) else None,
        url=url if isinstance(url, str) else None,
        source=str(source),
        categories=tuple(str(categories).split()),
        github=github if isinstance(github, str) else None,
        comments=comments if isinstance(comments, int) else None,
        note=note if isinstance(note, str) else None,
        doi=doi if isinstance(doi, str) else None,
        key=str(key),
    )


class LibraryStore:
    """The SQLite file. Reads are plain queries; writes go through :meth:`transaction`."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        try:
            if readonly:
                self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                if self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'papers'").fetchone():
                    self._check_columns()
                self.db.executescript(_SCHEMA)
                self._check_version()
            self._check_columns()
        except sqlite3.DatabaseError as error:
            raise LibraryError(f"{path}: {error}") from None

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

    def count(self) -> int:
        row = self.db.execute("SELECT count(*) FROM papers").fetchone()
        return int(row[0])

    def rows(self, first_id: int, last_id: int) -> list[tuple[int, str, str, str | None, int]]:
        """(id, key, title, published, upvotes) for ids in ``[first_id, last_id]``."""
        return self.db.execute(
            "SELECT id, key, title, published, upvotes FROM papers WHERE id BETWEEN ? AND ? ORDER BY id",
            (first_id, last_id),
        ).fetchall()

    def paper(self, paper_id: int) -> Paper:
        row = self.db.execute(f"SELECT {COLUMNS} FROM papers WHERE id = ?", (paper_id,)).fetchone()
        if row is None:
            raise KeyError(paper_id)
        return row_to_paper(row)

    def papers(self) -> Iterator[Paper]:
        for row in self.db.execute(f"SELECT {COLUMNS} FROM papers ORDER BY id"):
            yield row_to_paper(row)

    def ids_for_keys(self, keys: Iterable[str]) -> dict[str, int]:
        """Paper ids of the given keys (keys not in the library are left out)."""
        found: dict[str, int] = {}
        batch: list[str] = []

        def flush() -> None:
            marks = ",".join("?" * len(batch))
            found.update(self.db.execute(f"SELECT key, id FROM papers WHERE key IN ({marks})", batch))
            batch.clear()

        for key in keys:
            batch.append(key)
            if len(batch) == 500:
                flush()
        if batch:
            flush()
        return found

    def existing(self, keys: Sequence[str]) -> dict[str, tuple[int, bytes, Paper]]:
        """For each known key: (id, digest, stored paper)."""
        out: dict[str, tuple[int, bytes, Paper]] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT id, digest, {COLUMNS} FROM papers WHERE key IN ({marks})"
            for row in self.db.execute(query, chunk):
                out[row[2]] = (row[0], row[1], row_to_paper(row[2:]))
        return out

    def same_paper(
        self, arxiv_ids: Sequence[str], title_keys: Sequence[str]
    ) -> tuple[dict[str, tuple[int, bytes, Paper]], dict[str, tuple[int, bytes, Paper]]]:
        """Stored papers known under another key: by arXiv id, and by normalised title."""
        by_id: dict[str, tuple[int, bytes, Paper]] = {}
        by_title: dict[str, tuple[int, bytes, Paper]] = {}
        for column, values, out in (("arxiv_id", arxiv_ids, by_id), ("title_key", title_keys, by_title)):
            for start in range(0, len(values), 500):
                chunk = list(values[start : start + 500])
                marks = ",".join("?" * len(chunk))
                query = f"SELECT id, digest, {column}, {COLUMNS} FROM papers WHERE {column} IN ({marks})"
                for row in self.db.execute(query, chunk):
                    out.setdefault(row[2], (row[0], row[1], row_to_paper(row[3:])))
        return by_id, by_title

    def record_fetch(self, spec: str, when: float) -> None:
        """Remember a fetch (a JSON spec: source and arguments) so the reader can repeat it."""
        self.db.execute(
            "INSERT INTO fetches (spec, last) VALUES (?, ?) "
            "ON CONFLICT(spec) DO UPDATE SET last = excluded.last",
            (spec, when),
        )

    def fetch_specs(self) -> list[str]:
        return [str(spec) for (spec,) in self.db.execute("SELECT spec FROM fetches ORDER BY last")]

    def max_id(self) -> int:
        row = self.db.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()
        return int(row[0])

    def segments(self) -> list[tuple[str, int, int]]:
        """(name, docs, postings) of the index segments, oldest first."""
        rows = self.db.execute("SELECT name, docs, postings FROM segments ORDER BY id").fetchall()
        return [(str(name), int(docs), int(postings)) for name, docs, postings in rows]
