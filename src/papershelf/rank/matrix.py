"""The weighted feature matrix of a whole collection, ready for scoring: compact, append-only.

Built from :class:`~papershelf.rank.features.FeatureRows` parts (import batches; a later part's
row replaces an earlier row of the same position). Entries are weighted as tf-idf with
sublinear tf: ``(1 + ln tf) * idf(column) * field weight``, each row scaled to unit length.
Columns in fewer than
``min_df`` papers or in more than ``max_df`` of them (the "the", "we", "model" of every
abstract) are dropped, and of the rest at most :data:`MAX_COLUMNS` are kept, those in most
papers first (arxiv-sanity-lite keeps 20,000): a kept column is then a 16-bit *local* id, so
the matrix costs two bytes per entry and a score pass gathers from a table that fits in the
CPU cache.

The rows are held in *blocks* (each: positions, CSR pointers, local column ids, row scales).
A full build gives one block; papers added later are appended as new blocks weighted with the
same columns and idf (:meth:`FeatureMatrix.extend`), so adding a day's papers costs only their
own rows. A later block's row of a position replaces an earlier one (a re-indexed paper).

Scores are one pass over the entries: ``sum(v[col] * TF[tf] for (col, tf) in row) * row_scale``
with a dense vector ``v`` over the local columns, in numpy (an entry is its 2-byte column and
its 1-byte count; ``TF`` is the table of ``1 + ln tf``).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from papershelf.arrays import ranges
from papershelf.rank.features import AUTHOR_OFFSET, N_FEATURES, TITLE_OFFSET, FeatureRows
from papershelf.rank.pages import release, spilled
from papershelf.rank.svm import Rows

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
LocalArray = npt.NDArray[np.uint16]

# Field weights (text, title, author); tuned on real abstracts (bench/rank_quality.py).
FIELD_WEIGHTS = (1.0, 1.0, 0.5)
MIN_DF = 2
MAX_DF = 0.1
SMALL = 500  # papers: below 5,000 the df cut-off is this many papers, up to half of them
MAX_COLUMNS = 65_535  # local ids are uint16
CHUNK = 1 << 20  # entries per step of a pass over feature parts (bounded memory: ~40 MB a step)
# Entries per step of a scoring pass: its temporaries (a few arrays of 4 bytes an entry) stay in
# the CPU's cache; at 1M papers a pass takes ~480 ms in steps of 2^18 and ~800 ms in 2^20.
SCORE_CHUNK = 1 << 18
THREADS = 2  # threads of a large scoring pass
SPILL_STEP = 1 << 24  # entries filled (or read) between two drops of a spilled block's pages
PARALLEL_FROM = 1 << 22  # entries: a smaller pass is not worth a second thread
# Sublinear term frequency of a count (0 for 0).
TF = np.concatenate([[0.0], 1 + np.log(np.arange(1, 256))]).astype(np.float32)


@dataclass(frozen=True)
class Block:
    """Rows of some positions: ``cols[indptr[r]:indptr[r + 1]]`` are row ``r``'s local columns,
    ``tf[…]`` their term counts."""

    positions: IntArray
    indptr: IntArray
    cols: LocalArray
    tf: npt.NDArray[np.uint8]
    row_scale: FloatArray  # 1 / length of the weighted row (0 for an empty row)

    def __len__(self) -> int:
        return int(self.positions.size)


@dataclass(frozen=True)
class FeatureMatrix:
    """Every position ``0..size-1`` (one without a row scores 0)."""

    size: int
    columns: Int32Array  # local id -> hashed feature column, ascending
    weight: FloatArray  # per local id: idf * field weight
    blocks: tuple[Block, ...]
    basis: int  # papers the idf was counted over
    _where: list[tuple[npt.NDArray[np.int16], Int32Array]] = field(
        default_factory=list, compare=False, repr=False
    )

    @classmethod
    def build(
        cls,
        parts: Sequence[FeatureRows],
        size: int,
        *,
        min_df: int = MIN_DF,
        max_df: float = MAX_DF,
        field_weights: tuple[float, float, float] = FIELD_WEIGHTS,
        max_columns: int = MAX_COLUMNS,
        spill: Path | None = None,
    ) -> FeatureMatrix:
        """``spill``: a new directory for the block's entry arrays (``cols.npy``, ``tf.npy``),
        filled as memory-mapped files whose pages are written out and dropped as they fill: at
        a million papers the block is 330 MB the process need not hold (see :meth:`extend`)."""
        lives = _live(parts, size)
        df = np.zeros(N_FEATURES, dtype=np.int64)
        for part, live in zip(parts, lives, strict=True):
            for _, cols, _ in _chunks(part, live):
                df += np.bincount(cols, minlength=N_FEATURES)
        n_docs = max(sum(int(live.sum()) for live in lives), 1)
        # A small collection keeps words in up to half its papers (its topics' own words).
        keep = (df >= min_df) & (df <= max(max_df * n_docs, min(0.5 * n_docs, SMALL), min_df))
        columns = np.flatnonzero(keep)
        if columns.size > max_columns:  # the most frequent first; ties: the lower column
            columns = np.sort(columns[np.argsort(-df[columns], kind="stable")[:max_columns]])
        idf = (np.log((1 + n_docs) / (1 + df[columns])) + 1).astype(np.float32)
        fields = np.full(columns.size, field_weights[0], dtype=np.float32)
        fields[columns >= TITLE_OFFSET] = field_weights[1]
        fields[columns >= AUTHOR_OFFSET] = field_weights[2]
        weight = (idf * fields).astype(np.float32)
        empty = cls(size, columns.astype(np.int32), weight, (), n_docs)
        return empty.extend(parts, size, lives, spill=spill)

    def extend(
        self,
        parts: Sequence[FeatureRows],
        size: int,
        lives: list[npt.NDArray[np.bool_]] | None = None,
        *,
        spill: Path | None = None,
    ) -> FeatureMatrix:
        """This matrix with ``parts`` appended as one block, weighted with these columns (papers
        up to ``size``); ``spill``: the block's entries go to files there (see :meth:`build`)."""
        lives = _live(parts, size) if lives is None else lives
        local = np.full(N_FEATURES, -1, dtype=np.int32)
        local[self.columns] = np.arange(self.columns.size, dtype=np.int32)
        # Two passes over the parts (each a bounded chunk at a time): count each row's kept
        # entries, then fill arrays of exactly that size (no list of pieces to join: at 1M
        # papers that doubled a 330 MB block).
        positions, lengths = [], []
        for part, live in zip(parts, lives, strict=True):
            rows_live = np.flatnonzero(live)
            positions.append(part.positions[rows_live])
            counts = np.zeros(len(part), dtype=np.int64)
            for rows, chunk_cols, _ in _chunks(part, live):
                counts += np.bincount(rows[local[chunk_cols] >= 0], minlength=len(part))
            lengths.append(counts[rows_live])
        pos = np.concatenate(positions) if positions else np.zeros(0, dtype=np.int64)
        indptr = np.zeros(pos.size + 1, dtype=np.int64)
        if lengths:
            np.cumsum(np.concatenate(lengths), out=indptr[1:])
        cols = spilled(spill, "cols", np.uint16, int(indptr[-1]))
        tf = spilled(spill, "tf", np.uint8, int(indptr[-1]))
        filled = flushed = 0
        for part, live in zip(parts, lives, strict=True):
            for _, chunk_cols, chunk_tf in _chunks(part, live):
                ids = local[chunk_cols]
                kept = ids >= 0
                count = int(kept.sum())
                cols[filled : filled + count] = ids[kept]
                tf[filled : filled + count] = chunk_tf[kept]
                filled += count
                if filled - flushed >= SPILL_STEP:  # ~50 MB of pages at most before they go
                    release(cols, tf)
                    flushed = filled
        release(cols, tf)
        squares = _row_sums(indptr, cols, self.weight * self.weight, TF * TF, tf, drop=spill is not None)
        with np.errstate(divide="ignore"):
            scale = np.where(squares > 0, 1 / np.sqrt(squares), 0).astype(np.float32)
        block = Block(pos.astype(np.int64), indptr, cols.astype(np.uint16, copy=False), tf, scale)
        blocks = self.blocks + ((block,) if len(block) else ())
        return FeatureMatrix(max(size, self.size), self.columns, self.weight, blocks, self.basis)

    @property
    def entries(self) -> int:
        return sum(int(block.cols.size) for block in self.blocks)

    def local_ids(self, hashed: Int32Array) -> Int32Array:
        """Local ids of hashed feature columns (-1 for a column not kept)."""
        found = np.searchsorted(self.columns, hashed)
        found = np.minimum(found, max(self.columns.size - 1, 0))
        hit = self.columns[found] == hashed if self.columns.size else np.zeros(hashed.size, dtype=np.bool_)
        return np.where(hit, found, -1).astype(np.int32)

    def scores(self, column_values: FloatArray) -> FloatArray:
        """Per position: the dot product of the weighted, unit-length row with ``column_values``
        (one value per local column)."""
        values = (column_values * self.weight).astype(np.float32)
        out = np.zeros(self.size, dtype=np.float32)
        for block in self.blocks:  # in order: a later block's row wins
            out[block.positions] = _row_sums(block.indptr, block.cols, values, TF, block.tf) * block.row_scale
        return out

    def scores_of(self, positions: IntArray, column_values: FloatArray) -> FloatArray:
        """:meth:`scores` of ``positions`` only (a few thousand rows: no pass over the rest)."""
        values = (column_values * self.weight).astype(np.float32)
        owner, row_of = self._locate()
        out = np.zeros(positions.size, dtype=np.float32)
        blocks, rows = owner[positions], row_of[positions]
        for number, block in enumerate(self.blocks):
            sel = np.flatnonzero(blocks == number)
            if not sel.size:
                continue
            starts = np.asarray(block.indptr)[rows[sel]]
            lengths = np.asarray(block.indptr)[rows[sel] + 1] - starts
            entries = ranges(starts, lengths)
            gathered = values[np.asarray(block.cols)[entries]] * TF[np.asarray(block.tf)[entries]]
            ends = np.cumsum(lengths)
            sums = np.concatenate([[0.0], np.cumsum(gathered, dtype=np.float64)])
            out[sel] = (sums[ends] - sums[ends - lengths]) * np.asarray(block.row_scale)[rows[sel]]
        return out

    def row_scales(self) -> FloatArray:
        out = np.zeros(self.size, dtype=np.float32)
        for block in self.blocks:
            out[block.positions] = block.row_scale
        return out

    def _locate(self) -> tuple[npt.NDArray[np.int16], Int32Array]:
        """Per position: its block (-1: none) and row there."""
        if not self._where:
            owner = np.full(self.size, -1, dtype=np.int16)
            row_of = np.zeros(self.size, dtype=np.int32)
            for number, block in enumerate(self.blocks):
                owner[block.positions] = number
                row_of[block.positions] = np.arange(len(block), dtype=np.int32)
            self._where.append((owner, row_of))
        return self._where[0]

    def row(self, position: int) -> tuple[LocalArray, FloatArray]:
        """Local columns and values of one (weighted, unit-length) row."""
        owner, row_of = self._locate()
        if owner[position] < 0:
            return np.zeros(0, dtype=np.uint16), np.zeros(0, dtype=np.float32)
        block, r = self.blocks[int(owner[position])], int(row_of[position])
        entries = slice(int(block.indptr[r]), int(block.indptr[r + 1]))
        cols = np.asarray(block.cols[entries])
        return cols, self.weight[cols] * TF[np.asarray(block.tf[entries])] * block.row_scale[r]

    def row_query(self, position: int) -> FloatArray:
        """The row at ``position`` as a dense vector over the local columns: :meth:`scores` of
        it (which weighs each column once more and scales each row) is every row's cosine to it."""
        cols, values = self.row(position)
        query = np.zeros(self.columns.size, dtype=np.float32)
        query[cols] = values
        return query

    def rows_of(self, positions: IntArray) -> Rows:
        """The weighted rows of ``positions`` (training data), as CSR arrays."""
        owner, row_of = self._locate()
        blocks, rows = owner[positions], row_of[positions]
        starts = np.zeros(positions.size, dtype=np.int64)
        lengths = np.zeros(positions.size, dtype=np.int64)
        for number, block in enumerate(self.blocks):
            sel = blocks == number
            starts[sel] = block.indptr[rows[sel]]
            lengths[sel] = block.indptr[rows[sel] + 1] - starts[sel]
        indptr = np.zeros(positions.size + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        cols = np.empty(int(indptr[-1]), dtype=np.int32)
        data = np.empty(int(indptr[-1]), dtype=np.float32)
        for number, block in enumerate(self.blocks):
            sel = np.flatnonzero(blocks == number)
            src = ranges(starts[sel], lengths[sel])
            dst = ranges(indptr[sel], lengths[sel])
            cols[dst] = block.cols[src]
            data[dst] = (
                self.weight[cols[dst]]
                * TF[block.tf[src]]
                * np.repeat(block.row_scale[rows[sel]], lengths[sel])
            )
        return Rows(indptr, cols, data.astype(np.float64), int(self.columns.size))


def _live(parts: Sequence[FeatureRows], size: int) -> list[npt.NDArray[np.bool_]]:
    """Per part, which rows count: inside the collection and not replaced by a later part."""
    owner = np.full(size, -1, dtype=np.int32)
    for number, part in enumerate(parts):
        owner[part.positions[part.positions < size]] = number
    lives = []
    for number, part in enumerate(parts):
        within = part.positions < size
        live = np.zeros(len(part), dtype=np.bool_)
        live[within] = owner[part.positions[within]] == number
        lives.append(live)
    return lives


def _chunks(
    part: FeatureRows, live: npt.NDArray[np.bool_]
) -> Iterator[tuple[IntArray, Int32Array, npt.NDArray[np.uint8]]]:
    """(row, column, count) of the entries of the live rows of ``part``, a bounded number at a
    time."""
    size = len(part)
    first = 0
    while first < size:
        start = int(part.indptr[first])
        last = int(np.searchsorted(part.indptr, start + CHUNK, side="right")) - 1
        last = min(max(last, first + 1), size)
        end = int(part.indptr[last])
        bounds: IntArray = np.asarray(part.indptr[first : last + 1], dtype=np.int64)
        lengths = bounds[1:] - bounds[:-1]
        rows = np.repeat(np.arange(first, last, dtype=np.int64), lengths)
        cols = np.asarray(part.indices[start:end])
        counts = np.asarray(part.counts[start:end])
        keep = live[rows]
        if not keep.all():
            rows, cols, counts = rows[keep], cols[keep], counts[keep]
        yield rows, cols, counts
        release(part.indices, part.counts)  # the pages read (a part can be a gigabyte of them)
        first = last


def _row_sums(
    indptr: IntArray,
    indices: npt.NDArray[np.integer],
    values: FloatArray,
    tf_values: FloatArray,
    tf: npt.NDArray[np.uint8],
    *,
    drop: bool = False,
) -> FloatArray:
    """Per row, the sum of ``values[col] * tf_values[count]`` over its entries, in bounded
    chunks (no temporary array of every entry: at 1M papers that would be hundreds of MB);
    ``drop``: the pages of memory-mapped entries read are dropped after each chunk (a build;
    a reader keeps them for its next pass). A large pass is cut in two halves summed by two
    threads (numpy lets go of the GIL in its gathers and sums: ~1.8x on 2 cores)."""
    size = indptr.size - 1
    out = np.zeros(size, dtype=np.float32)
    total = int(indptr[-1]) if size else 0
    threads = min(THREADS, os.cpu_count() or 1) if total >= PARALLEL_FROM and not drop else 1
    bounds = [0] + [int(np.searchsorted(indptr, total * k // threads)) for k in range(1, threads)] + [size]
    spans = [(lo, hi) for lo, hi in itertools.pairwise(bounds) if hi > lo]

    def sum_rows(span: tuple[int, int]) -> None:
        """The rows ``span`` (first, end) of the pass, into ``out``."""
        first_row, end_row = span
        flushed = int(indptr[first_row])
        while first_row < end_row:
            start = int(indptr[first_row])
            last_row = int(np.searchsorted(indptr, start + SCORE_CHUNK, side="right")) - 1
            last_row = min(max(last_row, first_row + 1), end_row)
            end = int(indptr[last_row])
            if end > start:
                gathered = values[indices[start:end]] * tf_values[tf[start:end]]
                starts = indptr[first_row:last_row] - start
                nonempty = starts < (indptr[first_row + 1 : last_row + 1] - start)
                # Over the non-empty rows only, reduceat's runs [start, next start) are the rows.
                block = out[first_row:last_row]
                block[nonempty] = np.add.reduceat(gathered, starts[nonempty])
                if drop and end - flushed >= SPILL_STEP:
                    release(indices, tf)
                    flushed = end
            first_row = last_row
        if drop:
            release(indices, tf)

    if len(spans) > 1:
        with ThreadPoolExecutor(len(spans)) as pool:
            list(pool.map(sum_rows, spans))
    else:
        for span in spans:
            sum_rows(span)
    return out
