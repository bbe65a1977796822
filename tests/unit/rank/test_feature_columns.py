"""Feature rows built from an index segment's postings, array-wise, against word-at-a-time
references: CRC-32 columns against zlib, rows against a dictionary of (position, column)."""

from __future__ import annotations

import zlib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from papershelf.rank.features import MAX_COUNT, ColumnPostings, FeatureRows, column, columns, crc32s


@given(st.lists(st.binary(max_size=90), max_size=150))
@settings(max_examples=150, deadline=None)
def test_crc32s_are_zlibs(words: list[bytes]) -> None:
    assert crc32s(words).tolist() == [zlib.crc32(w) for w in words]


def test_crc32s_of_many_long_words_and_the_field_columns() -> None:
    rng = np.random.default_rng(7)
    words = [rng.bytes(int(n)) for n in rng.integers(0, 300, size=2_000)]  # > the few left to zlib
    assert crc32s(words).tolist() == [zlib.crc32(w) for w in words]
    for field in ("text", "title", "author"):
        assert columns(field, words).tolist() == [column(field, w) for w in words]
    assert columns("title", []).dtype == np.int32


def _field(draw: st.DrawFn, low: int, high: int) -> ColumnPostings:
    """A field's words (columns in ``low .. high``: few, so two words often share one),
    each with its papers (sorted, distinct) and their counts, or no counts."""
    size = draw(st.integers(0, 12))
    cols = np.asarray([draw(st.integers(low, high)) for _ in range(size)], dtype=np.int32)
    postings = [sorted(draw(st.sets(st.integers(0, 40), max_size=8))) for _ in range(size)]
    ptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum([len(p) for p in postings], out=ptr[1:])
    docs = np.asarray([d for p in postings for d in p], dtype=np.uint32) + 1_000_000
    counted = draw(st.booleans())
    counts = np.asarray([draw(st.integers(1, 255)) for _ in range(docs.size)], dtype=np.uint8)
    return cols, ptr, docs, counts if counted else None


@st.composite
def segments(draw: st.DrawFn) -> list[ColumnPostings]:
    fields = [_field(draw, 0, 5), _field(draw, 100, 103), _field(draw, 200, 201)]
    return draw(st.permutations(fields))


@given(segments())
@settings(max_examples=200, deadline=None)
def test_rows_from_columns_are_the_summed_entries_by_position_and_column(
    fields: list[ColumnPostings],
) -> None:
    expected: dict[int, dict[int, int]] = {}
    for cols, ptr, docs, counts in fields:
        for word, col in enumerate(cols.tolist()):
            for at in range(int(ptr[word]), int(ptr[word + 1])):
                row = expected.setdefault(int(docs[at]), {})
                row[col] = row.get(col, 0) + (1 if counts is None else int(counts[at]))
    rows = FeatureRows.from_columns(fields)
    assert rows.positions.tolist() == sorted(expected)
    dtypes = (rows.positions.dtype, rows.indptr.dtype, rows.indices.dtype, rows.counts.dtype)
    assert dtypes == (np.int64, np.int64, np.int32, np.uint8)
    assert rows.indptr.tolist()[:1] == [0]
    assert rows.indptr.size == rows.positions.size + 1
    for r, position in enumerate(rows.positions.tolist()):
        entries = slice(int(rows.indptr[r]), int(rows.indptr[r + 1]))
        wanted = sorted(expected[position].items())
        assert rows.indices[entries].tolist() == [col for col, _ in wanted]
        assert rows.counts[entries].tolist() == [min(n, MAX_COUNT) for _, n in wanted]
