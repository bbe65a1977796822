"""The weighted feature matrix of a whole collection, ready for scoring.

Built from :class:`~papershelf.rank.features.FeatureRows` parts (import batches; a later part's
row replaces an earlier row of the same position). Columns are weighted as tf-idf with binary
tf: ``idf(column) * field weight``, each row scaled to unit length. Columns in fewer than
``min_df`` papers or in more than ``max_df`` of them (the "the", "we", "model" of every
abstract; in a small collection, more than half of them) are dropped when the matrix is built:
they say nothing of taste and are about half of all entries, so dropping them halves the
memory and the time of every score.

Scores are one pass over the entries: ``sum(v[col] for col in row) * row_scale`` with a dense
vector ``v`` of column weights, in numpy (no float matrix is ever held: values are implied).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from papershelf.rank.features import AUTHOR_OFFSET, N_FEATURES, TITLE_OFFSET, FeatureRows

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

# Field weights (text, title, author); tuned on real abstracts (bench/rank_quality.py).
FIELD_WEIGHTS = (1.0, 1.0, 0.5)
MIN_DF = 2
MAX_DF = 0.1
SMALL = 500  # papers: below 5,000 the df cut-off is this many papers, up to half of them
CHUNK = 1 << 22  # entries per step of a score pass (bounded temporary memory)


@dataclass(frozen=True)
class FeatureMatrix:
    """Rows of every position ``0..size-1`` (a position without features has an empty row)."""

    size: int
    indptr: IntArray  # size + 1
    indices: npt.NDArray[np.int32]
    weight: FloatArray  # per column: idf * field weight (0 for dropped columns)
    row_scale: FloatArray  # per row: 1 / length of the weighted row (0 for an empty row)

    @classmethod
    def build(
        cls,
        parts: Sequence[FeatureRows],
        size: int,
        *,
        min_df: int = MIN_DF,
        max_df: float = MAX_DF,
        field_weights: tuple[float, float, float] = FIELD_WEIGHTS,
    ) -> FeatureMatrix:
        owner = np.full(size, -1, dtype=np.int32)
        row_of = np.zeros(size, dtype=np.int64)
        for number, part in enumerate(parts):
            inside = part.positions < size
            owner[part.positions[inside]] = number
            row_of[part.positions[inside]] = np.flatnonzero(inside)
        # Document frequency over the rows that count (not those replaced by a later part).
        df = np.zeros(N_FEATURES, dtype=np.int64)
        for number, part in enumerate(parts):
            live = _live_rows(part, owner, number, size)
            if live.all():
                df += np.bincount(part.indices, minlength=N_FEATURES)
            else:
                df += np.bincount(part.indices[np.repeat(live, np.diff(part.indptr))], minlength=N_FEATURES)
        n_docs = max(int((owner >= 0).sum()), 1)
        # A small collection keeps words in up to half its papers (its topics' own words).
        keep = (df >= min_df) & (df <= max(max_df * n_docs, min(0.5 * n_docs, SMALL), min_df))
        idf = (np.log((1 + n_docs) / (1 + df)) + 1).astype(np.float32)
        fields = np.ones(N_FEATURES, dtype=np.float32)
        fields[:TITLE_OFFSET] = field_weights[0]
        fields[TITLE_OFFSET:AUTHOR_OFFSET] = field_weights[1]
        fields[AUTHOR_OFFSET:] = field_weights[2]
        weight = np.where(keep, idf * fields, np.float32(0)).astype(np.float32)
        lengths = np.zeros(size, dtype=np.int64)
        for number, part in enumerate(parts):  # two passes, so no part's entries are held twice
            row_ids, cols = _kept_entries(part, keep, _live_rows(part, owner, number, size))
            lengths[part.positions[np.unique(row_ids)]] = np.bincount(row_ids)[np.unique(row_ids)]
        indptr = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        indices = np.empty(int(indptr[-1]), dtype=np.int32)
        for number, part in enumerate(parts):
            row_ids, cols = _kept_entries(part, keep, _live_rows(part, owner, number, size))
            if cols.size == 0:
                continue
            positions = part.positions[row_ids]
            # Entries of one row are contiguous in a part, in row order: place them by offset.
            first = np.flatnonzero(np.r_[True, row_ids[1:] != row_ids[:-1]])
            run = np.arange(cols.size) - np.repeat(first, np.diff(np.r_[first, cols.size]))
            indices[indptr[positions] + run] = cols
        squares = _row_sums(indptr, indices, weight * weight)
        with np.errstate(divide="ignore"):
            row_scale = np.where(squares > 0, 1 / np.sqrt(squares), 0).astype(np.float32)
        return cls(size, indptr, indices, weight, row_scale)

    def scores(self, column_values: FloatArray) -> FloatArray:
        """Per row: the dot product of the weighted, unit-length row with ``column_values``."""
        return (
            _row_sums(self.indptr, self.indices, (column_values * self.weight).astype(np.float32))
            * self.row_scale
        )

    def row(self, position: int) -> tuple[npt.NDArray[np.int32], FloatArray]:
        """Columns and values of one (weighted, unit-length) row."""
        start, end = int(self.indptr[position]), int(self.indptr[position + 1])
        cols = self.indices[start:end]
        return cols, self.weight[cols] * self.row_scale[position]

    def rows_csr(self, positions: IntArray):  # type: ignore[no-untyped-def]  # scipy has no types
        """The weighted rows of ``positions`` as a scipy CSR matrix (training data)."""
        from scipy.sparse import csr_matrix  # noqa: PLC0415 - scipy: only when training

        starts, ends = self.indptr[positions], self.indptr[positions + 1]
        lengths = ends - starts
        indptr = np.zeros(positions.size + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        take = np.repeat(starts - indptr[:-1], lengths) + np.arange(int(indptr[-1]))
        cols = self.indices[take]
        data = self.weight[cols] * np.repeat(self.row_scale[positions], lengths)
        return csr_matrix((data, cols, indptr), shape=(positions.size, N_FEATURES))


def _kept_entries(
    part: FeatureRows, keep: npt.NDArray[np.bool_], live: npt.NDArray[np.bool_]
) -> tuple[IntArray, npt.NDArray[np.int32]]:
    """(row, column) of the entries of ``part`` that stay: a kept column in a live row."""
    row_ids = np.repeat(np.arange(len(part)), np.diff(part.indptr))
    entry_keep = keep[part.indices] & live[row_ids]
    return row_ids[entry_keep], np.asarray(part.indices[entry_keep], dtype=np.int32)


def _live_rows(
    part: FeatureRows, owner: npt.NDArray[np.int32], number: int, size: int
) -> npt.NDArray[np.bool_]:
    inside = part.positions < size
    live = np.zeros(len(part), dtype=np.bool_)
    live[inside] = owner[part.positions[inside]] == number
    return live


def _row_sums(indptr: IntArray, indices: npt.NDArray[np.int32], values: FloatArray) -> FloatArray:
    """Per row, the sum of ``values[col]`` over its columns, in bounded chunks of entries (no
    temporary array of every entry: at 1M papers that would be hundreds of MB)."""
    size = indptr.size - 1
    out = np.zeros(size, dtype=np.float32)
    first_row = 0
    while first_row < size:
        start = int(indptr[first_row])
        last_row = int(np.searchsorted(indptr, start + CHUNK, side="right")) - 1
        last_row = min(max(last_row, first_row + 1), size)
        end = int(indptr[last_row])
        if end > start:
            gathered = values[indices[start:end]]
            starts = indptr[first_row:last_row] - start
            nonempty = starts < (indptr[first_row + 1 : last_row + 1] - start)
            # Over the non-empty rows only, reduceat's runs [start, next start) are the rows.
            block = out[first_row:last_row]
            block[nonempty] = np.add.reduceat(gathered, starts[nonempty])
        first_row = last_row
    return out
