"""Importing papers into the library: streaming, in committed batches, deduplicated by key.

The work is split in two:

- *preparing* a chunk of records (parse, clean, key, digest, index words, a chunk-local index
  segment) is pure CPU work on its own input, so it runs in worker processes for large files;
- *committing* it (deciding new / updated / unchanged against the database, giving new papers
  their positions, one SQLite transaction) runs in the importing process, in input order.

Each chunk is one transaction that adds the new papers, updates changed ones and registers the
chunk's index segments: a chunk is wholly in the library or not at all. Ctrl-C (or a crash)
loses at most the chunk in progress, and the library stays consistent.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

import numpy as np

from papershelf.library.deferred_indexes import MemoryLookup, indexes_deferred, worth_deferring
from papershelf.library.heap import freed_memory_kept, gc_paused
from papershelf.library.index import SegmentData, file_records
from papershelf.library.prepare import (
    CHUNK_SIZE,
    Prepared,
    Record,
    _segments,
    block_jobs,
    drained,
    prepare_papers,
    prepared_in_order,
    read_blocks,
)
from papershelf.library.ranking import segment_written
from papershelf.library.rows import INSERT, UPDATE, digest, paper_to_row, row_to_paper
from papershelf.library.store import LibraryStore
from papershelf.model import Paper, title_key
from papershelf.sources import reading
from papershelf.sources.errors import SourceError

MAX_REPORTED_ERRORS = 20
# Files smaller than this are prepared in-process: starting workers costs more than it saves.
PARALLEL_MIN_BYTES = 32 * 1024 * 1024
UPDATED_COLUMN = 8  # position of "updated" in paper_to_row()

Progress = Callable[[int, int], None]  # (records done, bytes done)


@dataclass
class ImportReport:
    """What an import did. ``errors`` keeps the first few malformed lines; ``malformed`` counts all."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    malformed: int = 0
    errors: list[SourceError] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def records(self) -> int:
        return self.new + self.updated + self.unchanged + self.malformed

    def summary(self) -> str:
        text = f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged"
        if self.malformed:
            text += f", {self.malformed} malformed"
        return text


def merge(stored: Paper, incoming: Paper) -> Paper:
    """A newer record of a known paper: its fields win, except where it has none."""
    return replace(
        stored,
        title=incoming.title or stored.title,
        abstract=incoming.abstract or stored.abstract,
        authors=incoming.authors or stored.authors,
        author_count=incoming.author_count if incoming.author_count is not None else stored.author_count,
        organization=incoming.organization or stored.organization,
        published=incoming.published or stored.published,
        updated=incoming.updated or stored.updated,
        upvotes=incoming.upvotes or stored.upvotes,
        arxiv_id=incoming.arxiv_id or stored.arxiv_id,
        url=incoming.url or stored.url,
        source=incoming.source or stored.source,
        categories=incoming.categories or stored.categories,
        github=incoming.github or stored.github,
        comments=incoming.comments if incoming.comments is not None else stored.comments,
        note=incoming.note or stored.note,
        doi=incoming.doi or stored.doi,
        venue=incoming.venue or stored.venue,
        announce=incoming.announce or stored.announce,
        version=incoming.version if incoming.version is not None else stored.version,
        ai_summary=incoming.ai_summary or stored.ai_summary,
        ai_keywords=incoming.ai_keywords or stored.ai_keywords,
        project_page=incoming.project_page or stored.project_page,
        github_stars=incoming.github_stars if incoming.github_stars is not None else stored.github_stars,
    )


def _older(incoming: str | None, stored: str | None) -> bool:
    return bool(incoming and stored and incoming < stored)


# -- committing ------------------------------------------------------------------------------


class Importer:
    """Writes papers into a library (store + index directory)."""

    def __init__(self, store: LibraryStore, index_dir: Path) -> None:
        self.store = store
        self.index_dir = index_dir
        self._lookup: MemoryLookup | None = None  # while a large import defers two indexes
        index_dir.mkdir(parents=True, exist_ok=True)
        self._remove_orphans()

    def _remove_orphans(self) -> None:
        """Segments written by an import that was stopped before its commit are not in the library."""
        from papershelf.library.merge import remove_orphans  # noqa: PLC0415

        remove_orphans(self.store, self.index_dir)

    def import_papers(
        self, papers: Iterable[Paper | SourceError], chunk_size: int = CHUNK_SIZE
    ) -> ImportReport:
        """Import records already parsed (a page, a small list), in chunks, in this process."""
        report = ImportReport()
        start = time.perf_counter()
        chunk: list[Paper | SourceError] = []
        try:
            for item in papers:
                chunk.append(item)
                if len(chunk) >= chunk_size:
                    self.commit(prepare_papers(chunk), report)
                    chunk = []
            if chunk:
                self.commit(prepare_papers(chunk), report)
        except KeyboardInterrupt:
            report.interrupted = True
        report.seconds = time.perf_counter() - start
        return report

    def import_jsonl(
        self,
        path: Path,
        progress: Progress | None = None,
        *,
        workers: int | None = None,
        chunk_size: int = CHUNK_SIZE,
        parallel_min_bytes: int = PARALLEL_MIN_BYTES,
    ) -> ImportReport:
        """Stream a JSON Lines file (papershelf's or the arXiv snapshot) into the library."""
        with reading(path):
            handle = path.open("rb")
            size = path.stat().st_size if path.is_file() else None
        with handle:
            return self.import_stream(
                handle,
                str(path),
                progress,
                size=size,
                workers=workers,
                chunk_size=chunk_size,
                parallel_min_bytes=parallel_min_bytes,
            )

    def import_stream(
        self,
        handle: BinaryIO,
        source: str,
        progress: Progress | None = None,
        *,
        size: int | None = None,
        workers: int | None = None,
        chunk_size: int = CHUNK_SIZE,
        parallel_min_bytes: int = PARALLEL_MIN_BYTES,
    ) -> ImportReport:
        """Stream JSON Lines from ``handle`` (a file or a pipe: read once, front to back) into
        the library; ``source`` names it in errors, ``size`` is its length when known.

        Memory stays flat: at most a few chunks are in flight. Large input (``size`` at least
        ``parallel_min_bytes``, or of unknown size and more than one chunk) is prepared by
        worker processes (one per core by default).
        """
        report = ImportReport()
        start = time.perf_counter()
        try:  # (Ctrl-C while the deferred indexes are built, at the end, is an interruption too)
            with contextlib.ExitStack() as stack:
                blocks = read_blocks(handle, chunk_size)
                if size is None:  # a stream: large (for workers) when it has a second chunk
                    ahead = list(itertools.islice(blocks, 2))
                    blocks, large = itertools.chain(drained(ahead), blocks), len(ahead) > 1
                else:  # (the workers start before a block is read: they do not inherit one)
                    large = size >= parallel_min_bytes
                jobs = block_jobs(blocks, source)
                workers = workers if workers is not None else (os.cpu_count() or 1)
                if workers > 1 and large:
                    stack.enter_context(self.store.bulk_writes())
                    stack.enter_context(freed_memory_kept())
                    if worth_deferring(self.store, size):
                        self._lookup = stack.enter_context(indexes_deferred(self.store))
                        stack.callback(setattr, self, "_lookup", None)
                with contextlib.closing(prepared_in_order(jobs, workers if large else 1)) as chunks:
                    for chunk in chunks:
                        self.commit(chunk, report)
                        if progress:
                            progress(chunk.lines, chunk.size)
                        del chunk  # not held while the next one is unpickled (tens of MB)
        except KeyboardInterrupt:
            report.interrupted = True
        report.seconds = time.perf_counter() - start
        return report

    def commit(self, prepared: Prepared, report: ImportReport) -> None:
        """Decide new / updated / unchanged for a prepared chunk and write it in one transaction."""
        with gc_paused():
            self._commit(prepared, report)

    def _commit(self, prepared: Prepared, report: ImportReport) -> None:
        for error in prepared.errors:
            report.malformed += 1
            if len(report.errors) < MAX_REPORTED_ERRORS:
                report.errors.append(error)
        records = prepared.records
        if not records:
            return
        store = self.store
        chosen = _latest_of_each_key(records)
        duplicates = len(records) - len(chosen)
        existing = store.existing(list(chosen))
        existing.update(self._same_paper_elsewhere(chosen, records, existing))
        next_id = store.max_id() + 1
        mapping = np.full(len(records), -1, dtype=np.int64)
        inserts: list[tuple[object, ...]] = []
        updates: list[tuple[object, ...]] = []
        reindexed: list[tuple[int, Paper]] = []
        new = updated = 0
        unchanged = duplicates
        for key, local in chosen.items():
            row, record_digest, row_title_key = records[local]
            known = existing.get(key)
            if known is None:
                inserts.append((next_id, *row, record_digest, row_title_key))
                mapping[local] = next_id - 1
                next_id += 1
                new += 1
                continue
            paper_id, stored_digest, stored = known
            incoming = row_to_paper(row)
            merged = merge(stored, incoming)
            merged_digest = digest(merged)
            if _older(incoming.updated, stored.updated) or merged_digest == stored_digest:
                unchanged += 1
                continue
            updates.append((*paper_to_row(merged)[1:], merged_digest, title_key(merged.title), paper_id))
            reindexed.append((paper_id - 1, merged))
            updated += 1

        new_segment = None
        if inserts:
            fields = {name: segment.remap(mapping) for name, segment in prepared.fields.items()}
            new_segment = (prepared.segment.remap(mapping), fields)
        # Ctrl-C is held off while the batch is written and counted (a few milliseconds):
        # arriving right after the COMMIT, it would otherwise make the clean-up delete the
        # segment files of a batch that is already in the library.
        with _interrupts_deferred():
            self._write(new_segment, inserts, updates, reindexed)
            report.new += new
            report.updated += updated
            report.unchanged += unchanged

    def _write(
        self,
        new_segment: tuple[SegmentData, dict[str, SegmentData]] | None,
        inserts: list[tuple[object, ...]],
        updates: list[tuple[object, ...]],
        reindexed: list[tuple[int, Paper]],
    ) -> None:
        """Segment files first, then one transaction; on any failure nothing remains."""
        store = self.store
        written: list[tuple[str, int, int]] = []
        try:
            if new_segment is not None:
                written.append(self._write_segment(*new_segment, len(inserts)))
            if reindexed:
                segment, fields = _segments(reindexed)
                written.append(
                    self._write_segment(segment, fields, len(reindexed), [p for p, _ in reindexed])
                )
            if written:
                with _transaction(store):
                    store.db.executemany(INSERT, inserts)
                    store.db.executemany(UPDATE, updates)
                    for name, docs, postings in written:
                        store.add_segment(name, docs, postings, file_records(self.index_dir / name))
        except BaseException:
            for name, _, _ in written:
                shutil.rmtree(self.index_dir / name, ignore_errors=True)
            raise
        if self._lookup is not None:
            self._lookup.written(inserts, updates)

    def _same_paper_elsewhere(
        self,
        chosen: dict[str, int],
        records: list[Record],
        existing: dict[str, tuple[int, bytes, Paper]],
    ) -> dict[str, tuple[int, bytes, Paper]]:
        """Incoming keys not in the library that name a stored paper all the same: the same arXiv
        id, or the same normalised title (a page-text paper, keyed by title, fetched later from
        arXiv). They update that paper, which keeps its key and so its reading state. Titles only
        match where at most one side has an arXiv id."""
        unmatched = {key: records[local] for key, local in chosen.items() if key not in existing}
        if not unmatched:
            return {}
        ids = {str(row[1]): key for key, (row, _, _) in unmatched.items() if row[1]}
        titles = {row_title_key: key for key, (_, _, row_title_key) in unmatched.items()}
        by_id, by_title = (self._lookup or self.store).same_paper(list(ids), list(titles))
        found: dict[str, tuple[int, bytes, Paper]] = {}
        taken = {known[0] for known in existing.values()}
        for key, (row, _, row_title_key) in unmatched.items():
            match = by_id.get(str(row[1])) if row[1] else None
            if match is None:
                match = by_title.get(row_title_key)
                # Two different arXiv ids are two papers, whatever their titles.
                if match is not None and row[1] and match[2].arxiv_id and match[2].arxiv_id != row[1]:
                    match = None
            if match is not None and match[0] not in taken:
                found[key] = match
                taken.add(match[0])
        return found

    def _write_segment(
        self, segment: SegmentData, fields: dict[str, SegmentData], docs: int, reindexed: Iterable[int] = ()
    ) -> tuple[str, int, int]:
        name = f"seg-{uuid.uuid4().hex[:12]}"
        postings = segment.write(self.index_dir / name, reindexed, fields)
        segment_written(self.index_dir, name, segment, fields)  # ranking features, built at import
        return name, docs, postings


def _latest_of_each_key(records: list[Record]) -> dict[str, int]:
    """key -> index of its record. The same key twice in a chunk: the later wins unless older."""
    chosen: dict[str, int] = {}
    for local, (row, _, _) in enumerate(records):
        key = str(row[0])
        earlier = chosen.get(key)
        if earlier is not None and _older(
            row[UPDATED_COLUMN],  # type: ignore[arg-type]
            records[earlier][0][UPDATED_COLUMN],  # type: ignore[arg-type]
        ):
            continue
        chosen[key] = local
    return chosen


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Ctrl-C during the block is remembered and raised when the block is done.

    (Blocking the signal would not do: a process-directed signal may land on another thread,
    and Python then runs its handler in the main thread anyway.)
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: pending.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pending:
        raise KeyboardInterrupt


@contextlib.contextmanager
def _transaction(store: LibraryStore) -> Iterator[None]:
    store.db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        store.db.execute("ROLLBACK")
        raise
    store.db.execute("COMMIT")
