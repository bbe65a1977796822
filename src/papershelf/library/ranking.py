"""The rankings of a library, fed from its search index.

Features are built from index segments (their words per field are every paper's distinct words
already): no text is read again. The importer and the merge call :func:`segment_written` for
each segment they write (the one hook of the library's writers), which builds that segment's
features from its postings still in memory, or, for a merge, joins those of the merged
segments, and caches them in ``rank/parts/v2-<segment>/``. After an import (``Library.merge``,
which add and fetch call), :func:`refresh` brings the weighted matrix saved in ``rank/`` (see
:mod:`papershelf.rank.matrix_files`) up to date: the new papers' rows are appended as a block,
or the matrix is built again when the library grew by more than :data:`GROWTH`. A reader then
memory-maps it: opening "for you" costs one training and one pass. A reader finding it stale
(an older papershelf wrote the library) builds what is missing the same way, and saves it.
Only writers remove caches of segments that are gone.
"""

from __future__ import annotations

import contextlib
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from papershelf.library.index import SearchIndex, Segment, SegmentData
from papershelf.library.postings import PackedPostings, in_blocks, low_pages
from papershelf.model import Paper
from papershelf.rank import matrix_files
from papershelf.rank.features import MAX_COUNT, FeatureRows, column, paper_word_counts
from papershelf.rank.matrix import TF, FeatureMatrix, FloatArray
from papershelf.rank.model_store import ModelStore
from papershelf.rank.pages import release
from papershelf.rank.ranker import Ranker
from papershelf.rank.relevance import BoolArray, WordHits

FEATURE_VERSION = "3"  # 3: term counts (sublinear tf)
GROWTH = 0.1  # papers added since the idf was counted, as a share, before the matrix is rebuilt
MAX_BLOCKS = 16
SPILL_AGE = 3600.0  # seconds: a build's spill directory older than this was left by a killed build


def segment_rows(segment: Segment | SegmentData, fields: Mapping[str, Segment | SegmentData]) -> FeatureRows:
    """A segment's feature rows from its postings (written to disk, or still in memory)."""
    sources = [("text", segment)] + [(name, fields[name]) for name in ("title", "author") if name in fields]
    return FeatureRows.from_postings(
        [
            (name, _vocabulary(s), np.asarray(s.ptr), _indexed(s), getattr(s, "counts", None))
            for name, s in sources
        ]
    )


def _indexed(segment: Segment | SegmentData) -> PackedPostings | npt.NDArray[np.uint32]:
    """A segment's postings, indexable (a written segment's, or an import's in memory)."""
    postings = segment.postings
    if not isinstance(postings, PackedPostings | np.ndarray):
        raise TypeError("a merge's postings are read once written")
    return postings


def _vocabulary(segment: Segment | SegmentData) -> Sequence[bytes]:
    if isinstance(segment, SegmentData):
        return segment.vocab
    return [segment.word(i) for i in range(segment.size)]


def segment_written(
    index_dir: Path,
    name: str,
    segment: SegmentData | None = None,
    fields: Mapping[str, SegmentData] | None = None,
    replaces: Sequence[str] = (),
) -> None:
    """The hook of the library's writers (import, merge): an index segment ``name`` was just
    written (not yet committed). Its features are built from its postings in memory and cached;
    for a merge (``replaces``: the segments merged; ``segment`` may be None, the segment is read
    from its files where the parts' features are missing), the saved matrix covers the merged
    segment as it covered the old ones. Failing to write only costs a rebuild later."""
    directory = index_dir.parent / "rank"
    target = directory / "parts" / f"v{FEATURE_VERSION}-{name}"
    joined = False
    if replaces:  # the merged segment's rows are those of its parts (several times cheaper)
        with contextlib.suppress(OSError, ValueError):
            parts = [FeatureRows.load(directory / "parts" / f"v{FEATURE_VERSION}-{old}") for old in replaces]
            FeatureRows.save_concatenated(parts, target)
            joined = True
    with contextlib.suppress(OSError, ValueError):
        if not joined:  # a new segment, or a part's features are missing: from the postings
            if replaces or segment is None:
                source = Segment(index_dir / name)
                built = segment_rows(source, source.fields)
            else:
                built = segment_rows(segment, fields or {})
            built.save(target)
        if replaces:
            matrix_files.replace_sources(directory, list(replaces), name)


def cached_parts(index: SearchIndex, directory: Path, *, writer: bool = False) -> list[FeatureRows]:
    """Every segment's feature rows, oldest first, built where missing and cached. A ``writer``
    (who holds the library lock) also removes the caches of segments that are gone; a reader
    leaves them, as they may be a writer's next segment, not yet committed."""
    parts = []
    wanted = set()
    for segment in index.segments:
        name = f"v{FEATURE_VERSION}-{segment.directory.name}"
        wanted.add(name)
        target = directory / "parts" / name
        rows = None
        if target.is_dir():
            try:
                rows = FeatureRows.load(target)
            except (OSError, ValueError):
                shutil.rmtree(target, ignore_errors=True)  # derived data: built again below
        if rows is None:
            rows = segment_rows(segment, segment.fields)
            with contextlib.suppress(OSError):  # a read-only library ranks all the same
                rows.save(target)
        parts.append(rows)
    if writer:
        remove_stale(directory, wanted)
    return parts


def remove_stale(directory: Path, wanted: set[str]) -> None:
    """Feature caches of segments that are gone (merged, or an import stopped before its commit)."""
    if (directory / "parts").is_dir():
        for stale in (directory / "parts").iterdir():
            if stale.name not in wanted:
                shutil.rmtree(stale, ignore_errors=True)
    if directory.is_dir():
        for old in directory.glob("v1-*"):  # the caches of feature version 1
            shutil.rmtree(old, ignore_errors=True)
        for old in directory.glob("build-*.tmp"):  # a build killed before it was saved
            with contextlib.suppress(OSError):
                if time.time() - old.stat().st_mtime > SPILL_AGE:  # not another's running build
                    shutil.rmtree(old, ignore_errors=True)


def library_matrix(index: SearchIndex, directory: Path, size: int, *, writer: bool = False) -> FeatureMatrix:
    """The library's weighted matrix: the saved one, extended by segments added since (their
    rows weighted with its idf), or built anew when it covers segments that are gone, the
    papers added since exceed :data:`GROWTH` of those it counted, or it has many blocks. Saved
    for the next start when it changed (a read-only library builds it in memory)."""
    names = [segment.directory.name for segment in index.segments]
    loaded = matrix_files.load(directory)
    if loaded is not None:
        matrix, meta = loaded
        covered = [str(s) for s in meta["sources"]]
        if names[: len(covered)] == covered and matrix.size <= size:
            new = index.segments[len(covered) :]
            added = size - matrix.size + sum(int(s.reindexed.size) for s in new)
            if not new and matrix.size == size:
                return matrix
            if added <= GROWTH * matrix.basis and len(matrix.blocks) < MAX_BLOCKS:
                extra = [_part(directory, s) for s in new]
                matrix = matrix.extend(extra, size)
                _save(directory, matrix, names, meta)
                return matrix
    parts = cached_parts(index, directory, writer=writer)
    spill = _spill_directory(directory)
    try:
        matrix = FeatureMatrix.build(parts, size, spill=spill)
        _save(directory, matrix, names, None)
    finally:
        if spill is not None:
            shutil.rmtree(spill, ignore_errors=True)
    return matrix


def _spill_directory(directory: Path) -> Path | None:
    """Where a build puts its block's entries while it fills them (None: a read-only library
    builds in memory). What a killed build left is removed by the next writer."""
    spill = directory / f"build-{uuid.uuid4().hex[:12]}.tmp"
    try:
        spill.mkdir(parents=True)
    except OSError:
        return None
    return spill


def _part(directory: Path, segment: Segment) -> FeatureRows:
    target = directory / "parts" / f"v{FEATURE_VERSION}-{segment.directory.name}"
    with contextlib.suppress(OSError, ValueError):
        return FeatureRows.load(target)
    rows = segment_rows(segment, segment.fields)
    with contextlib.suppress(OSError):
        rows.save(target)
    return rows


def _save(directory: Path, matrix: FeatureMatrix, names: list[str], meta: dict[str, Any] | None) -> None:
    with contextlib.suppress(OSError):  # a read-only library ranks all the same
        matrix_files.save(directory, matrix, names, meta)


def refresh(index: SearchIndex, directory: Path, size: int) -> None:
    """After an import (and its merges), by the writer: the saved matrix brought up to date, so
    the next reader opens "for you" without building it."""
    library_matrix(index, directory, size, writer=True)
    remove_stale(directory, {f"v{FEATURE_VERSION}-{s.directory.name}" for s in index.segments})


def doc_lengths(index: SearchIndex) -> npt.NDArray[np.int64]:
    """Per paper, how many distinct words it has (BM25's document length)."""
    lengths = np.zeros(index.size, dtype=np.int64)
    for segment in index.segments:
        if segment.reindexed.size:
            lengths[segment.reindexed] = 0
        postings = segment.postings
        for block in in_blocks(postings):
            lengths += np.bincount(block, minlength=index.size)[: index.size]
        pages = low_pages(postings)
        if pages is not None:
            release(pages)  # one pass over every posting: not kept resident for it
    return lengths


EXACT_LIKE = 2_000  # candidates of "more like this" scored exactly


def like_scores(index: SearchIndex, matrix: FeatureMatrix, paper: Paper, position: int) -> FloatArray:
    """Cosine likeness of every paper to ``paper`` (at ``position``) from the index's posting
    lists of the paper's own words: a few hundred thousand additions instead of a pass over
    every feature of every paper (a paper updated since its first import may also count the
    words of its older record). The index keeps no term counts, so that is an estimate; the
    :data:`EXACT_LIKE` best by it are then scored exactly from the matrix, as the in-memory
    collection scores every paper."""
    scores = np.zeros(index.size, dtype=np.float32)
    for field, counts in paper_word_counts(paper).items():
        name = "any" if field == "text" else field
        if name != "any" and not index.has_field(name):
            continue
        ordered = sorted(counts)
        local = matrix.local_ids(np.asarray([column(field, w) for w in ordered], dtype=np.int32))
        for word, found in zip(ordered, local.tolist(), strict=True):
            if found < 0:
                continue
            # The paper's own term frequency; the index keeps no counts, so the other papers'
            # words weigh as if once (their row scale still has their counts).
            weight = float(matrix.weight[found]) ** 2 * float(TF[min(counts[word], MAX_COUNT)])
            for segment in index.segments:
                source = segment if name == "any" else segment.fields[name]
                postings = source.word_postings(word)
                if postings.size:
                    scores[postings] += np.float32(weight)
    row_scale = matrix.row_scales()
    scores *= row_scale[: index.size] * row_scale[position]
    # The best candidates scored exactly, with every paper's own counts, from the matrix.
    best = (
        np.argpartition(-scores, EXACT_LIKE)[:EXACT_LIKE]
        if scores.size > EXACT_LIKE
        else np.arange(scores.size)
    )
    exact = matrix.scores_of(best.astype(np.int64), matrix.row_query(position))
    if exact.size:
        np.minimum(scores, float(exact.min()), out=scores)  # the rest stays below them
        scores[best] = exact
    return scores


def library_ranker(
    index: Callable[[], SearchIndex],
    size: int,
    directory: Path,
    positions_of: Callable[[Iterable[str]], dict[str, int]],
    paper: Callable[[int], Paper],
) -> Ranker:
    def word_hits() -> WordHits:
        search = index()

        def hits(word: str, field: str) -> BoolArray | None:
            if field == "any":
                return search.word_hits(word)
            return search.word_hits(word, field) if search.has_field(field) else None

        return hits

    lengths: list[npt.NDArray[np.int64]] = []

    def lengths_once() -> npt.NDArray[np.int64]:
        if not lengths:
            lengths.append(doc_lengths(index()))
        return lengths[0]

    def like(matrix: FeatureMatrix, position: int) -> FloatArray:
        return like_scores(index(), matrix, paper(position), position)

    return Ranker(
        size,
        lambda: library_matrix(index(), directory, size),
        positions_of,
        word_hits,
        lengths_once,
        like=like,
        models=ModelStore(directory / "models"),
    )
