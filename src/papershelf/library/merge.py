"""Segment merging: the index does not age.

Every import batch adds a segment; without merging, a library fed by a daily ``fetch`` ends up
with hundreds, and every query word pays for each. The policy is Lucene's *log merge policy*:
segments are put in levels by their paper count (powers of :data:`FACTOR`; all segments under
:data:`FLOOR_DOCS` papers are one level), and whenever
:data:`FACTOR` adjacent segments share a level they are merged into one of a higher level,
together with the further adjacent segments of their level (up to :data:`MAX_MERGE_PARTS`
segments and :data:`MAX_MERGED_DOCS` papers). The segment count so stays logarithmic in the
library size (at most ``FACTOR - 1`` per level).

Only *adjacent* segments are merged, so the order in which segments void re-indexed papers is
kept: in a merged run, a paper's postings from a segment are dropped when a later segment of
the run re-indexes that paper, and the merged segment re-indexes (voids in older segments) every
paper any segment of the run re-indexed, unless the run starts at the oldest segment, where
there is nothing older to void.

Crash safety: the merged segment is written beside the old ones (complete or absent, see
:meth:`SegmentData.write`), then one SQLite transaction replaces the run's rows by the merged
segment's row, in the run's place. Only then are the old directories removed; a crash before
that leaves directories no row lists, which the next writer removes. A reader that listed the
old segments keeps its memory maps, or reloads the current list (see ``Library.collection``).

A large import leaves hundreds of batches, whose merges are independent runs of one plan: they
are built (the merged segment's files) by worker processes, one per core, and switched in by
the writer in order. A worker writes only its new directory; killed with the writer, it leaves
an unlisted directory like any merge stopped before its commit.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import multiprocessing.pool
import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from papershelf.library.index import FIELD_SEGMENTS, Segment, SegmentData, file_records
from papershelf.library.pairs import BLOCK, MergedPairs, Part
from papershelf.library.postings import PostingsFile, PostingsWriter, postings_file
from papershelf.library.ranking import segment_written
from papershelf.library.segfile import FileArray, Voids, word_blocks
from papershelf.library.store import LibraryStore

FACTOR = 4
MAX_MERGED_DOCS = 500_000  # bigger segments cost too much memory to merge; they stay apart
# At most this many segments merged at once: a merge holds each part's vocabulary and word
# numbering in memory (a 1M-paper import merged 100 parts at a time peaked at 599 MB; 16 at
# a time, 488 MB; 8 at a time, as the largest merges before, 4 x 80k, cost).
MAX_MERGE_PARTS = 8
# Segments below this count as one level (Lucene's minMergeSize): a day's 40 new papers and the
# few re-indexed beside them merge together, whatever their exact sizes. 4,000 rather than 1,000:
# after 1,100 daily adds of 40 on 100k papers, 3 segments instead of 9 (simulated with plan();
# the merges rewrite ~900 papers a day on average, milliseconds), so aged queries cost as fresh.
FLOOR_DOCS = 4_000
# A plan whose runs hold this many papers in all builds them in worker processes, several at
# once; a day's small merges (milliseconds) stay in the process.
PARALLEL_MIN_DOCS = 20_000


@dataclass(frozen=True)
class Listed:
    """A segment row: SQLite id, directory name, papers, postings."""

    id: int
    name: str
    docs: int
    postings: int


def level(docs: int) -> int:
    return int(math.log(max(docs, FLOOR_DOCS), FACTOR))


def plan(segments: Sequence[Listed], *, force: bool = False) -> list[tuple[int, int]]:
    """Runs ``(start, end)`` (end exclusive) of adjacent segments to merge, oldest first.

    Due: ``FACTOR`` adjacent segments of one level. Forced: every adjacent group that fits
    under :data:`MAX_MERGED_DOCS` (a library then has as few segments as that bound allows),
    merged :data:`MAX_MERGE_PARTS` segments at a time: the merged parts of a group are planned
    again into the same group (their papers add up to the same), until each group is one
    segment. A library of hundreds of batches is so compacted in bounded memory.
    """
    runs: list[tuple[int, int]] = []
    if force:
        groups, start, total = [], 0, 0
        for i, segment in enumerate(segments):
            if total and total + segment.docs > MAX_MERGED_DOCS:
                groups.append((start, i))
                start, total = i, 0
            total += segment.docs
        groups.append((start, len(segments)))
        for first, end in groups:
            for lo in range(first, end, MAX_MERGE_PARTS):
                hi = min(lo + MAX_MERGE_PARTS, end)
                if hi - lo > 1:
                    runs.append((lo, hi))
        return runs
    i = 0
    while i + FACTOR <= len(segments):
        window = segments[i : i + FACTOR]
        same = len({level(s.docs) for s in window}) == 1
        total = sum(s.docs for s in window)
        if same and total <= MAX_MERGED_DOCS:
            # The run takes the following segments of its level that fit: a large import's
            # batches (hundreds of one level) are merged 8 at a time, not 4 at a time and
            # again at every level above (at 1M papers each posting is rewritten twice, not
            # three times).
            end = i + FACTOR
            while (
                end < len(segments)
                and end - i < MAX_MERGE_PARTS
                and level(segments[end].docs) == level(window[0].docs)
                and total + segments[end].docs <= MAX_MERGED_DOCS
            ):
                total += segments[end].docs
                end += 1
            runs.append((i, end))
            i = end
        else:
            i += 1
    return runs


def merged_vocabulary(parts: Sequence[Segment]) -> tuple[list[bytes], list[npt.NDArray[np.int64]]]:
    """The sorted union of the parts' vocabularies, and each part's words as merged word ids.
    A segment's ``vocab.bin`` and ``vocab.idx`` are an Arrow binary array's data and offsets,
    so pyarrow unites, sorts (as bytes, like Python) and numbers them without a Python object
    per word of every part (at 100k papers that was a seventh of a merge)."""
    import pyarrow as pa  # noqa: PLC0415 - only when merging
    import pyarrow.compute as pc  # noqa: PLC0415

    arrays = [
        pa.LargeBinaryArray.from_buffers(
            pa.large_binary(), part.size, [None, pa.py_buffer(part.offsets), pa.py_buffer(part.vocab)]
        )
        for part in parts
    ]
    unique = pc.unique(pa.concat_arrays(arrays)) if arrays else pa.array([], pa.large_binary())
    words = pc.take(unique, pc.sort_indices(unique))
    mapped = [
        np.asarray(pc.index_in(array, value_set=words).to_numpy(zero_copy_only=False), dtype=np.int64)
        for array in arrays
    ]
    return list(words.to_pylist()), mapped


def merge_data(parts: Sequence[Segment], drop_reindexed: bool) -> tuple[SegmentData, npt.NDArray[np.uint32]]:
    """The merged segment of adjacent ``parts`` (oldest first) and the papers it re-indexes."""
    reindexed = [np.asarray(p.reindexed, dtype=np.int64) for p in parts]
    voids = Voids(reindexed)  # the last part of the run re-indexing each paper
    postings = [postings_file(p.directory) for p in parts]
    words, mapped = merged_vocabulary(parts)

    def kept(number: int) -> Iterator[tuple[npt.NDArray[np.int64], npt.NDArray[np.uint32]]]:
        """Part ``number``'s postings that survive, (merged word id, paper) grouped by word, a
        block of about :data:`BLOCK` postings at a time (memory stays bounded)."""
        part = parts[number]
        ptr: npt.NDArray[np.int64] = np.asarray(part.ptr, dtype=np.int64)
        start = 0
        while start < part.size:
            end = min(
                max(int(np.searchsorted(ptr, ptr[start] + BLOCK, side="right")) - 1, start + 1), part.size
            )
            docs = postings[number].read(int(ptr[start]), int(ptr[end])).astype(np.uint32, copy=False)
            word_of = np.repeat(mapped[number][start:end], ptr[start + 1 : end + 1] - ptr[start:end])
            keep = voids.survives(docs, number)
            yield word_of[keep], docs[keep]
            start = end

    def runs(word_of: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Where each word's run starts in ``word_of`` (grouped by word), and its word."""
        first = np.ones(word_of.size, dtype=np.bool_)
        first[1:] = word_of[1:] != word_of[:-1]
        starts = np.flatnonzero(first)
        return starts, word_of[starts]

    # Two passes, a block at a time (memory: a block, not the output nor a sort of it all):
    # count the postings each word keeps, then (MergedPostings, when the segment is written)
    # place them. The word order within a part is the merged order (both vocabularies are
    # sorted), so each part's postings of a word go, in order, after those of the older parts.
    total = np.zeros(len(words), dtype=np.int64)
    for number in range(len(parts)):
        for word_of, _ in kept(number):
            starts, present = runs(word_of)
            total[present] += np.diff(np.append(starts, word_of.size))
    ptr = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(total, out=ptr[1:])
    merged = MergedPostings(
        [(np.asarray(part.ptr, dtype=np.int64), mapped[n], postings[n]) for n, part in enumerate(parts)],
        voids,
        ptr,
    )
    voided = np.empty(0, dtype=np.uint32)
    if not drop_reindexed:
        voided = np.unique(np.concatenate(reindexed)).astype(np.uint32) if reindexed else voided
    pairs = None
    if all(part.pairs is not None for part in parts):
        pairs = MergedPairs(
            [
                Part(
                    part.pairs,
                    mapped[n],
                    np.asarray(part.ptr),
                    postings[n],
                    FileArray(part.directory / "pairs.bin", "<u2"),
                    n,
                )
                for n, part in enumerate(parts)
                if part.pairs is not None
            ],
            voids,
            ptr,
        )
    return SegmentData(words, ptr, merged, pairs), voided


class MergedPostings:
    """The postings of a merged segment, written a block of words at a time: per word, the
    surviving postings of each part (CSR pointers, merged word ids, postings file) in run order."""

    def __init__(
        self,
        parts: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], PostingsFile]],
        voids: Voids,
        ptr: npt.NDArray[np.int64],
    ) -> None:
        self.parts, self.voids, self.ptr = parts, voids, ptr
        self.size = int(ptr[-1])

    def save(self, directory: Path) -> None:
        writer = PostingsWriter(directory)
        try:
            for lo, hi in word_blocks(self.ptr, BLOCK):
                writer.add(self._block(lo, hi))
        finally:
            writer.close()

    def _block(self, lo: int, hi: int) -> npt.NDArray[np.uint32]:
        words, docs = [], []
        for number, (ptr, mapped, reader) in enumerate(self.parts):
            r_lo, r_hi = (int(i) for i in np.searchsorted(mapped, [lo, hi]))
            found = reader.read(int(ptr[r_lo]), int(ptr[r_hi])).astype(np.uint32, copy=False)
            keep = self.voids.survives(found, number)
            words.append(np.repeat(mapped[r_lo:r_hi] - lo, ptr[r_lo + 1 : r_hi + 1] - ptr[r_lo:r_hi])[keep])
            docs.append(found[keep])
        order = np.argsort(np.concatenate(words), kind="stable")
        return np.concatenate(docs)[order]


def build_run(index_dir: Path, run: Sequence[Listed], first: bool) -> tuple[str, int]:
    """Write the merged segment of one run of adjacent segments beside them, listed nowhere
    yet (``first``: the run starts at the oldest segment). Returns its name and postings. Runs
    in a worker process when a plan has several (see :func:`merge_segments`)."""
    parts = [Segment(index_dir / s.name) for s in run]
    merged, voided = merge_data(parts, drop_reindexed=first)
    fields: dict[str, SegmentData] = {}
    if all(set(FIELD_SEGMENTS) <= set(p.fields) for p in parts):
        for field in FIELD_SEGMENTS:
            fields[field] = merge_data([p.fields[field] for p in parts], drop_reindexed=first)[0]
    name = f"seg-{uuid.uuid4().hex[:12]}"
    return name, merged.write(index_dir / name, voided.tolist(), fields)


def switch_run(store: LibraryStore, index_dir: Path, run: Sequence[Listed], name: str, postings: int) -> None:
    """One transaction replaces the run's rows by the merged segment ``name`` in the run's
    place; then the old directories go."""
    docs = sum(s.docs for s in run)
    try:
        store.db.execute("BEGIN IMMEDIATE")
        try:
            marks, ids = ",".join("?" * len(run)), [s.id for s in run]
            present = store.db.execute(f"SELECT count(*) FROM segments WHERE id IN ({marks})", ids)
            if present.fetchone()[0] != len(run):
                raise RuntimeError("the segment list changed during the merge")  # never under the lock
            store.remove_segments([s.name for s in run])
            store.add_segment(name, docs, postings, file_records(index_dir / name), at=run[0].id)
        except BaseException:
            store.db.execute("ROLLBACK")
            raise
        store.db.execute("COMMIT")
    except BaseException:
        shutil.rmtree(index_dir / name, ignore_errors=True)
        raise
    segment_written(index_dir, name, replaces=[s.name for s in run])  # ranking features
    for segment in run:
        shutil.rmtree(index_dir / segment.name, ignore_errors=True)


def remove_orphans(store: LibraryStore, index_dir: Path) -> None:
    """Segment directories no row lists: left by an import or a merge stopped before its commit,
    or by a merge stopped after it. (Only under the library lock: another writer's segment is
    unlisted until its commit.)"""
    known = {name for name, _, _ in store.segments()}
    if index_dir.is_dir():
        for path in index_dir.iterdir():
            if path.name not in known:
                shutil.rmtree(path, ignore_errors=True)


def listed(store: LibraryStore) -> list[Listed]:
    rows = store.db.execute("SELECT id, name, docs, postings FROM segments ORDER BY id").fetchall()
    return [Listed(int(i), str(n), int(d), int(p)) for i, n, d, p in rows]


def merge_segments(
    store: LibraryStore,
    index_dir: Path,
    *,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
    parallel_min_docs: int = PARALLEL_MIN_DOCS,
) -> int:
    """Merge what is due (or, forced, everything that fits); returns the merges done.

    The caller holds the library lock. Merges cascade: four merged level-2 segments make a
    level-3 one at once. When a plan has several runs holding together ``parallel_min_docs``
    papers or more (a large import's batches), its runs are built by ``workers`` processes
    (one per core by default) and switched in here, in order, as each is ready: one merge
    alone keeps one core busy.
    """
    remove_orphans(store, index_dir)
    done = 0
    count = workers if workers is not None else (os.cpu_count() or 1)
    with contextlib.ExitStack() as stack:
        pool = None
        while True:
            segments = listed(store)
            runs = [(segments[start:end], start == 0) for start, end in plan(segments, force=force)]
            if not runs:
                return done
            papers = sum(s.docs for run, _ in runs for s in run)
            if pool is None and count > 1 and len(runs) > 1 and papers >= parallel_min_docs:
                pool = stack.enter_context(_merge_pool(count))
            if pool is None:
                runs = runs[:1]
            built = [pool.apply_async(build_run, (index_dir, *run)) for run in runs] if pool else []
            try:
                for number, (run, first) in enumerate(runs):
                    if progress is not None:
                        docs = sum(s.docs for s in run)
                        progress(f"merging {len(run)} index segments ({docs:,} papers)")
                    name, postings = built[number].get() if pool else build_run(index_dir, run, first)
                    switch_run(store, index_dir, run, name, postings)
                    done += 1
            except BaseException:
                if pool is not None:  # the runs still being built: stopped, their files removed
                    pool.terminate()
                    pool.join()
                    remove_orphans(store, index_dir)
                raise


@contextlib.contextmanager
def _merge_pool(workers: int) -> Iterator[multiprocessing.pool.Pool]:
    """Worker processes for merges, started afresh (``spawn``): a child forked from an importer
    would carry its memory. They end with this process (see ``prepare._worker_start``)."""
    from papershelf.library.prepare import _worker_start  # noqa: PLC0415

    # A spawned worker reads its start-up data from this process; killed (kill -9) before it
    # has sent them, the worker would print an EOFError traceback on the terminal. The workers
    # are started with standard error on /dev/null: they report failures through the pool.
    saved, quiet = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(quiet, 2)
        pool = multiprocessing.get_context("spawn").Pool(
            workers, initializer=_worker_start, initargs=(os.getpid(), False)
        )
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(quiet)
    try:
        yield pool
    finally:
        pool.terminate()
        pool.join()
