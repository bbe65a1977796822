"""Finding damage in a library, and repairing it.

- :func:`index_problems` (cheap: directories and file sizes against those listed in SQLite) runs
  whenever a library is opened; ``checksums=True`` (``papershelf library check``) also compares
  every segment file's CRC-32 and the structure of each segment.
- :func:`check` adds SQLite's own ``integrity_check``, the density of paper ids and each paper's
  content digest against the digest stored with it.
- :func:`repair` rebuilds the index from SQLite; a damaged SQLite file is first salvaged: what
  SQLite can still read is copied into a new file, the damaged one is moved aside.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path

from papershelf.library.rows import COLUMNS, digest, row_to_paper
from papershelf.library.store import LibraryError, LibraryStore
from papershelf.model import Paper
from papershelf.store.files import aside_path

BATCH = 10_000
# An index up to this size has its checksums verified whenever it is loaded (~30 ms); a larger
# one only by 'papershelf library check' (sizes are always checked).
CHECKSUM_BYTES = 64 * 1024 * 1024


def checksum_problems(
    index_dir: Path,
    names: list[str],
    listed: dict[str, dict[str, tuple[int, int]]],
    limit: int = CHECKSUM_BYTES,
) -> list[str]:
    """Segment files whose CRC-32 differs from the one listed (none checked above ``limit`` bytes)."""
    if sum(size for name in names for size, _ in listed.get(name, {}).values()) > limit:
        return []
    from papershelf.library.index import file_records  # noqa: PLC0415

    problems = []
    for name in names:
        expected = listed.get(name, {})
        try:
            records = file_records(index_dir / name)
        except FileNotFoundError:
            # A merge replaced the segment after the reader mapped its files (complete: a
            # segment is listed only once written): the maps stay valid, the paths are gone.
            continue
        for path, size, crc in records:
            if path in expected and expected[path] != (size, crc):
                problems.append(f"index file {name}/{path} is garbled (checksum differs)")
    return problems


def index_problems(store: LibraryStore, index_dir: Path, *, checksums: bool = False) -> list[str]:
    """What is wrong with the index files (empty when nothing is)."""
    listed = store.segment_files()
    problems: list[str] = []
    if checksums:
        from papershelf.library.index import file_records  # noqa: PLC0415 - numpy: not at start-up
    for name, _, postings in store.segments():
        directory = index_dir / name
        if not directory.is_dir():
            problems.append(f"index segment {name} is missing")
            continue
        files = listed.get(name, {})
        records = {path: (size, crc) for path, size, crc in file_records(directory)} if checksums else {}
        for path, (size, crc) in files.items():
            file = directory / path
            try:
                actual = file.stat().st_size
            except OSError:
                problems.append(f"index file {name}/{path} is missing")
                continue
            if actual != size:
                problems.append(f"index file {name}/{path} has {actual:,} bytes, not {size:,}")
            elif checksums and records.get(path, (size, crc))[1] != crc:
                problems.append(f"index file {name}/{path} is garbled (checksum differs)")
        if checksums and not problems:
            problems.extend(_structure(directory, name, postings))
    return problems


def _structure(directory: Path, name: str, postings: int) -> list[str]:
    import numpy as np  # noqa: PLC0415

    from papershelf.library.index import Segment  # noqa: PLC0415

    try:
        segment = Segment(directory)
        ptr = np.asarray(segment.ptr)
        if ptr.size != segment.size + 1 or int(ptr[0]) != 0 or int(ptr[-1]) != segment.postings.size:
            return [f"index segment {name} is inconsistent (word pointers)"]
        if int(segment.postings.size) != postings:
            return [f"index segment {name} holds {segment.postings.size:,} postings, not {postings:,}"]
        pairs = segment.pairs
        if pairs is not None:
            words, pair_ptr = pairs.words, np.asarray(pairs.ptr)
            firsts = int(np.count_nonzero(np.asarray(pairs.entries) >> 15))
            coded = (
                int((ptr[words.astype(np.int64) + 1] - ptr[words.astype(np.int64)]).sum())
                if words.size
                else 0
            )
            if (
                pair_ptr.size != words.size + 1
                or int(pair_ptr[0]) != 0
                or int(pair_ptr[-1]) != pairs.entries.size
                or (words.size and (int(words.max()) >= segment.size or np.any(np.diff(words) <= 0)))
                or firsts != coded
            ):
                return [f"index segment {name} is inconsistent (word pairs)"]
    except (OSError, ValueError, IndexError) as error:
        return [f"index segment {name} cannot be read ({error})"]
    return []


def sqlite_problems(path: Path) -> list[str]:
    """SQLite's integrity check, dense ids and content digests (reads every paper)."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.DatabaseError as error:
        return [f"{path}: {error}"]
    try:
        rows = [str(r[0]) for r in db.execute("PRAGMA integrity_check(20)")]
        if rows != ["ok"]:
            lines = [line for row in rows for line in row.splitlines() if not line.startswith("***")]
            return [f"{path}: {line}" for line in lines[:3]]
        count, top = db.execute("SELECT count(*), coalesce(max(id), 0) FROM papers").fetchone()
        problems = [] if count == top else [f"{path}: {count:,} papers but ids up to {top:,}"]
        bad = 0
        for row in db.execute(f"SELECT digest, {COLUMNS} FROM papers ORDER BY id"):
            if digest(row_to_paper(row[1:])) != row[0]:
                bad += 1
        if bad:
            problems.append(f"{path}: {bad:,} papers differ from their stored digest (garbled text)")
        return problems
    except (sqlite3.DatabaseError, ValueError, TypeError) as error:
        return [f"{path}: {error}"]
    finally:
        db.close()


def salvage(path: Path, say: Callable[[str], None]) -> None:
    """Copy what SQLite can read of ``path`` into a new file (ids renumbered densely, in order)
    and move the damaged file aside."""
    new = path.with_name(f"{path.name}.salvage-{uuid.uuid4().hex[:8]}")
    old = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    target = LibraryStore(new)
    kept = lost = 0
    try:
        try:
            top = int(old.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0])
        except sqlite3.DatabaseError:
            top = 50_000_000  # unknown: read on until a long run of nothing
        empty = 0
        query = f"SELECT id, {COLUMNS}, digest, title_key FROM papers WHERE id BETWEEN ? AND ? ORDER BY id"
        width = len(COLUMNS.split(",")) + 3  # id, the columns, digest, title_key
        insert = f"INSERT INTO papers (id, {COLUMNS}, digest, title_key) VALUES ({','.join('?' * width)})"
        target.db.execute("BEGIN")
        for first in range(1, top + 1, 1000):
            try:
                rows = old.execute(query, (first, first + 999)).fetchall()
            except sqlite3.DatabaseError:
                rows = []
                for one in range(first, first + 1000):
                    try:
                        rows.extend(old.execute(query, (one, one)).fetchall())
                    except sqlite3.DatabaseError:
                        lost += 1
            for row in rows:
                try:
                    target.db.execute(insert, (kept + 1, *row[1:]))
                except sqlite3.DatabaseError:  # a row read back as nonsense (no key, a key twice)
                    lost += 1
                    continue
                kept += 1
            empty = 0 if rows else empty + 1
            if empty > 200 and kept:
                break
        for table in ("fetches",):
            try:
                target.db.executemany(
                    f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", old.execute(f"SELECT * FROM {table}")
                )
            except sqlite3.DatabaseError:
                say(f"the list of fetches in {path.name} could not be read; 'papershelf fetch' rebuilds it")
        target.db.execute("COMMIT")
    finally:
        old.close()
        target.close()
    aside = aside_path(path)
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(new, path)
    say(f"salvaged {kept:,} papers into a new {path.name}; the damaged file is {aside.name}"
        + (f" ({lost:,} unreadable rows lost)" if lost else ""))  # fmt: skip


def rebuild_index(store: LibraryStore, index_dir: Path) -> int:
    """A new index from the papers in SQLite (the caller holds the library lock)."""
    from papershelf.library.index import file_records  # noqa: PLC0415
    from papershelf.library.prepare import _segments  # noqa: PLC0415

    store.db.execute("BEGIN IMMEDIATE")
    store.remove_segments([name for name, _, _ in store.segments()])
    store.db.execute("COMMIT")
    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)
    entries: list[tuple[int, Paper]] = []
    written = 0

    def flush() -> None:
        nonlocal written
        segment, fields = _segments(entries)
        name = f"seg-{uuid.uuid4().hex[:12]}"
        postings = segment.write(index_dir / name, (), fields)
        store.db.execute("BEGIN IMMEDIATE")
        store.add_segment(name, len(entries), postings, file_records(index_dir / name))
        store.db.execute("COMMIT")
        written += len(entries)
        entries.clear()

    for position, paper in enumerate(store.papers()):
        entries.append((position, paper))
        if len(entries) >= BATCH:
            flush()
    if entries:
        flush()
    return written


def repair(directory: Path, say: Callable[[str], None]) -> None:
    """Salvage a damaged SQLite file, then rebuild the index (the caller holds the lock)."""
    path = directory / "library.sqlite"
    problems = [p for p in sqlite_problems(path) if "stored digest" not in p]
    if problems:
        say(f"library.sqlite is damaged ({problems[0].removeprefix(f'{path}: ')})")
        salvage(path, say)
    store = LibraryStore(path)
    try:
        papers = rebuild_index(store, directory / "index")
    finally:
        store.close()
    say(f"index rebuilt from library.sqlite: {papers:,} papers")


def check_messages(directory: Path) -> list[str]:
    """Every problem found in the library in ``directory`` (empty: it is sound)."""
    path = directory / "library.sqlite"
    problems = sqlite_problems(path)
    if problems:
        return problems
    try:
        store = LibraryStore(path, readonly=True)
    except LibraryError as error:
        return [str(error)]
    try:
        return index_problems(store, directory / "index", checksums=True)
    finally:
        store.close()
