"""Features of papers for ranking: hashed words of three fields, one sparse row per paper.

A paper's features are its distinct words (folded exactly as the filter folds them) in three
fields: the whole text (title, abstract, authors), the title again, and the author names. Each
(field, word) hashes to a fixed column (CRC-32, so the same word gets the same column in every
process and every import batch): features need no vocabulary, new papers append rows without
touching old ones, and a library's features can be built straight from its search index, whose
segments already hold every paper's distinct words per field.

Rows are stored as CSR index arrays (``indptr``, ``indices``) with one byte per entry, the term
frequency ``counts`` (how often the word occurs in that field, at most 255): the matrix weighs
an entry by sublinear tf, ``1 + ln(tf)``, times idf and field weight, as arxiv-sanity-lite's
tf-idf does; on real abstracts that ranks better than binary tf (bench/rank_quality.py: P@20
0.70 instead of 0.66). Rows built from index segments written before counts were kept have a
count of 1 for every word (binary tf).
"""

from __future__ import annotations

import os
import shutil
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from papershelf.arrays import ranges
from papershelf.model import Paper
from papershelf.rank.pages import release
from papershelf.text import index_word_list

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]

# Column ranges: whole text, title, authors.
TEXT_BITS, TITLE_BITS, AUTHOR_BITS = 20, 18, 18
TITLE_OFFSET = 1 << TEXT_BITS
AUTHOR_OFFSET = TITLE_OFFSET + (1 << TITLE_BITS)
N_FEATURES = AUTHOR_OFFSET + (1 << AUTHOR_BITS)
FIELDS = ("text", "title", "author")
_FIELD_RANGE = {
    "text": (0, TEXT_BITS),
    "title": (TITLE_OFFSET, TITLE_BITS),
    "author": (AUTHOR_OFFSET, AUTHOR_BITS),
}


def column(field: str, word: bytes) -> int:
    """The feature column of ``word`` (folded, UTF-8) in ``field``."""
    offset, bits = _FIELD_RANGE[field]
    return offset + (zlib.crc32(word) & ((1 << bits) - 1))


def columns(field: str, words: Sequence[bytes]) -> Int32Array:
    """:func:`column` of every word: CRC-32 computed for all of them at once, a byte position
    at a time (a vocabulary of 50,000 words takes a few ms, against ~25 ms a word at a time)."""
    offset, bits = _FIELD_RANGE[field]
    return (offset + (crc32s(words) & np.uint32((1 << bits) - 1)).astype(np.int64)).astype(np.int32)


_CRC_POLY = 0xEDB88320  # zlib's CRC-32, reflected
_CRC_TABLE: npt.NDArray[np.uint32] | None = None
_FEW = 64  # words longer than all but this many are hashed one by one by zlib


def _crc_table() -> npt.NDArray[np.uint32]:
    global _CRC_TABLE  # noqa: PLW0603 - built once
    if _CRC_TABLE is None:
        table = np.arange(256, dtype=np.uint32)
        for _ in range(8):
            table = np.where(table & 1, (table >> 1) ^ np.uint32(_CRC_POLY), table >> 1).astype(np.uint32)
        _CRC_TABLE = table
    return _CRC_TABLE


def crc32s(words: Sequence[bytes]) -> npt.NDArray[np.uint32]:
    """``zlib.crc32`` of each of ``words``, vectorised over the words: the longest first, so the
    words still going at a byte position are a prefix; the longest few are left to zlib."""
    count = len(words)
    out = np.zeros(count, dtype=np.uint32)
    if not count:
        return out
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=count)
    order = np.argsort(-lengths, kind="stable")
    starts = np.zeros(count, dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    buffer = np.frombuffer(b"".join(words), dtype=np.uint8)
    longest = lengths[order]
    going = np.searchsorted(-longest, -np.arange(int(longest[0])), side="left")  # length > j
    few = min(_FEW, count)
    table = _crc_table()
    crc = np.full(count - few, 0xFFFFFFFF, dtype=np.uint32)
    at = starts[order[few:]]
    for position, going_on in enumerate(going.tolist()):
        still = going_on - few
        if still <= 0:
            break
        part = crc[:still]
        part ^= buffer[at[:still] + position]
        crc[:still] = table[part & 0xFF] ^ (part >> 8)
    out[order[few:]] = crc ^ np.uint32(0xFFFFFFFF)
    for i in order[:few].tolist():
        out[i] = zlib.crc32(words[i])
    return out


def field_of(col: int) -> str:
    if col < TITLE_OFFSET:
        return "text"
    return "title" if col < AUTHOR_OFFSET else "author"


MAX_COUNT = 255  # counts are bytes


def paper_word_counts(paper: Paper) -> dict[str, Counter[bytes]]:
    """How often each word occurs in each field (the whole text: title, abstract, people, venue
    and keywords, as the search index's whole-paper segment holds them), folded as the index
    folds them."""
    people = " ".join(paper.authors)
    if paper.organization:
        people += " " + paper.organization
    title, names = Counter(index_word_list(paper.title)), Counter(index_word_list(people))
    text = Counter(index_word_list(paper.abstract))
    text.update(title)
    text.update(names)
    for extra in paper.extra_texts:
        text.update(index_word_list(extra))
    return {"text": text, "title": title, "author": names}


def paper_words(paper: Paper) -> dict[str, set[bytes]]:
    """The distinct words of each field, as the search index folds them."""
    return {name: set(counts) for name, counts in paper_word_counts(paper).items()}


class _Hasher:
    """Columns of words, remembered (a corpus repeats its words millions of times)."""

    def __init__(self) -> None:
        self._known: dict[str, dict[bytes, int]] = {name: {} for name in FIELDS}

    def columns(self, field: str, words: Iterable[bytes]) -> list[int]:
        known = self._known[field]
        out = []
        for word in words:
            col = known.get(word)
            if col is None:
                col = known[word] = column(field, word)
            out.append(col)
        return out


# What a field of an index segment gives: name, vocabulary, CSR pointers, postings, counts.
class IndexedPostings(Protocol):
    """Postings indexed by an array of posting indices (an array, or a segment's packed ones)."""

    def __getitem__(self, key: IntArray, /) -> npt.NDArray[np.uint32]: ...


FieldPostings = tuple[str, Sequence[bytes], IntArray, IndexedPostings, "npt.NDArray[np.uint8] | None"]
# The same with each word's column in place of the name and the word.
ColumnPostings = tuple[Int32Array, IntArray, IndexedPostings, "npt.NDArray[np.uint8] | None"]


@dataclass(frozen=True)
class FeatureRows:
    """Feature rows of some papers: row ``r`` belongs to collection position ``positions[r]``.

    ``indices[indptr[r]:indptr[r + 1]]`` are the columns of row ``r``, ``counts[…]`` the term
    frequencies of those entries (two words hashed to one column add up).
    """

    positions: IntArray
    indptr: IntArray
    indices: Int32Array
    counts: npt.NDArray[np.uint8]

    def __len__(self) -> int:
        return int(self.positions.size)

    @classmethod
    def from_papers(cls, papers: Iterable[tuple[int, Paper]]) -> FeatureRows:
        hasher = _Hasher()
        positions: list[int] = []
        lengths: list[int] = []
        chunks: list[Int32Array] = []
        tallies: list[IntArray] = []
        for position, paper in papers:
            row: list[int] = []
            tally: list[int] = []
            for name, counts in paper_word_counts(paper).items():
                row.extend(hasher.columns(name, counts))
                tally.extend(counts.values())
            cols, inverse = np.unique(np.asarray(row, dtype=np.int32), return_inverse=True)
            positions.append(position)
            lengths.append(cols.size)
            chunks.append(cols)
            tallies.append(np.bincount(inverse, weights=tally, minlength=cols.size).astype(np.int64))
        indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(np.asarray(lengths, dtype=np.int64), out=indptr[1:])
        indices = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int32)
        tf = np.concatenate(tallies) if tallies else np.zeros(0, dtype=np.int64)
        return cls(
            np.asarray(positions, dtype=np.int64),
            indptr,
            indices.astype(np.int32, copy=False),
            np.minimum(tf, MAX_COUNT).astype(np.uint8),
        )

    @classmethod
    def from_postings(cls, fields: Sequence[FieldPostings]) -> FeatureRows:
        """From inverted lists: per field (name, vocabulary, CSR pointers, postings, and the
        term frequency of each posting or None for 1), as the search index stores a segment.
        The rows are those of every position seen, sorted."""
        return cls.from_columns(
            [(columns(name, vocab), ptr, postings, counts) for name, vocab, ptr, postings, counts in fields]
        )

    @classmethod
    def from_columns(cls, fields: Sequence[ColumnPostings]) -> FeatureRows:
        """:meth:`from_postings` with each word's column already known.

        Rows by position, each row's columns in order; two words sharing a column are one
        entry, their counts added. No sort of all the entries: each field's words are put in
        column order (a vocabulary, not its postings) and the fields' column ranges do not
        overlap, so the words of all fields in that order, each with its papers, are a sparse
        matrix by column, and scipy's CSC -> CSR conversion (a counting sort) gives the rows.
        """
        import scipy.sparse as sp  # noqa: PLC0415 - heavy, and only for writing

        pieces: list[tuple[int, Int32Array, IntArray, npt.NDArray[np.uint32], npt.NDArray[np.uint8]]] = []
        for cols, ptr, postings, counts in fields:
            bounds = np.asarray(ptr, dtype=np.int64)
            lengths = bounds[1:] - bounds[:-1]
            by_col = np.argsort(cols, kind="stable")
            take = ranges(bounds[:-1][by_col], lengths[by_col])
            docs = np.asarray(postings[take], dtype=np.uint32)  # (postings: an array, or packed)
            tf = np.ones(take.size, dtype=np.uint8) if counts is None else np.asarray(counts, np.uint8)[take]
            first = int(cols[by_col[0]]) if cols.size else 0
            pieces.append((first, cols[by_col], lengths[by_col], docs, tf))
        pieces.sort(key=lambda piece: piece[0])  # (the fields' column ranges, in order)
        word_cols = np.concatenate([p[1] for p in pieces] or [np.zeros(0, np.int32)])
        word_ptr = np.zeros(word_cols.size + 1, dtype=np.int64)
        np.cumsum(np.concatenate([p[2] for p in pieces] or [np.zeros(0, np.int64)]), out=word_ptr[1:])
        docs = np.concatenate([p[3] for p in pieces] or [np.zeros(0, np.uint32)])
        if not docs.size:
            empty = np.zeros(0, dtype=np.int64)
            return cls(empty, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0, np.uint8))
        tf = np.concatenate([p[4] for p in pieces])
        lowest = int(docs.min())
        shape = (int(docs.max()) - lowest + 1, word_cols.size)
        by_doc = sp.csc_matrix((tf, docs - np.uint32(lowest), word_ptr), shape=shape).tocsr()
        row_ptr = by_doc.indptr.astype(np.int64)
        present = np.flatnonzero(row_ptr[1:] > row_ptr[:-1])
        indptr = np.append(row_ptr[present], row_ptr[-1])
        cols, tf = word_cols[by_doc.indices], by_doc.data
        row_start = np.zeros(cols.size, dtype=np.bool_)
        row_start[indptr[:-1]] = True
        same = (cols[1:] == cols[:-1]) & ~row_start[1:]
        if same.any():  # words of one paper hashed to one column
            first_of = np.r_[True, ~same]
            summed = np.add.reduceat(tf.astype(np.int64), np.flatnonzero(first_of))
            indptr = np.r_[0, np.cumsum(first_of)][indptr]
            cols, tf = cols[first_of], np.minimum(summed, MAX_COUNT).astype(np.uint8)
        return cls((present + lowest).astype(np.int64), indptr, cols.astype(np.int32, copy=False), tf)

    @classmethod
    def concatenate(cls, parts: Sequence[FeatureRows]) -> FeatureRows:
        """The rows of ``parts`` (oldest first) as one, by position: where several have a row
        of a position, the last one's (what an index merge keeps of re-indexed papers)."""
        positions, indptr, runs = _joined(parts)
        indices = np.empty(int(indptr[-1]), dtype=np.int32)
        counts = np.empty(int(indptr[-1]), dtype=np.uint8)
        for part, source, target in runs:
            indices[target] = part.indices[source]
            counts[target] = part.counts[source]
        return cls(positions, indptr, indices, counts)

    @staticmethod
    def save_concatenated(parts: Sequence[FeatureRows], directory: Path) -> None:
        """:meth:`concatenate` written straight to a cache directory, as :meth:`save` would:
        the entries are copied a run at a time from the parts' files to the new ones, so a
        merge of a million papers' features holds none of them in memory (the parts' pages
        read are dropped as it goes, see :mod:`papershelf.rank.pages`)."""
        positions, indptr, runs = _joined(parts)
        tmp = directory.with_name(directory.name + ".tmp")
        tmp.mkdir(parents=True, exist_ok=True)
        _write_npy(tmp / "positions.npy", [positions], positions.dtype, positions.size)
        _write_npy(tmp / "indptr.npy", [indptr], indptr.dtype, indptr.size)
        total = int(indptr[-1])
        for name, dtype in (("indices", np.int32), ("counts", np.uint8)):
            pieces = (getattr(part, name)[source] for part, source, _ in runs)
            _write_npy(tmp / f"{name}.npy", _released(pieces, parts, name), np.dtype(dtype), total)
        tmp.replace(directory) if not directory.exists() else _swap(tmp, directory)

    def save(self, directory: Path) -> None:
        """Written under a temporary name and renamed, so the cache is complete or absent."""
        tmp = directory.with_name(directory.name + ".tmp")
        tmp.mkdir(parents=True, exist_ok=True)
        for name in ("positions", "indptr", "indices", "counts"):
            array = np.asarray(getattr(self, name))
            _write_npy(tmp / f"{name}.npy", [array], array.dtype, array.size)
        tmp.replace(directory) if not directory.exists() else _swap(tmp, directory)

    @classmethod
    def load(cls, directory: Path) -> FeatureRows:
        """Memory-mapped (file-backed pages, not the process's own memory); raises OSError or
        ValueError for a missing or damaged cache."""
        names = ("positions", "indptr", "indices", "counts")
        dtypes = (np.int64, np.int64, np.int32, np.uint8)
        arrays = []
        for name, dtype in zip(names, dtypes, strict=True):
            array = np.load(directory / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            if array.dtype != dtype or array.ndim != 1:
                raise ValueError(f"{directory}: {name}.npy is not a 1-d {np.dtype(dtype).name} array")
            arrays.append(array)
        positions, indptr, indices, counts = arrays
        if indptr.size != positions.size + 1 or (indptr.size and int(indptr[-1]) != indices.size):
            raise ValueError(f"{directory}: inconsistent feature arrays")
        if counts.size != indices.size:
            raise ValueError(f"{directory}: inconsistent feature arrays")
        return cls(positions, indptr, indices, counts)


Run = tuple["FeatureRows", slice, slice]


def _joined(parts: Sequence[FeatureRows]) -> tuple[IntArray, IntArray, list[Run]]:
    """What :meth:`FeatureRows.concatenate` keeps of ``parts``: the rows' positions, their
    pointers, and the runs of entries to copy, in output order ((part, source, target) slices;
    a part is mostly one run, re-indexed papers cut it): no index array per entry."""
    positions = np.concatenate([np.asarray(p.positions) for p in parts]) if parts else np.zeros(0, np.int64)
    order = np.argsort(positions, kind="stable")
    ordered = positions[order]
    last = np.r_[ordered[1:] != ordered[:-1], True] if ordered.size else np.zeros(0, dtype=np.bool_)
    chosen = order[last]
    sizes = np.asarray([len(p) for p in parts], dtype=np.int64)
    first_row = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum(sizes, out=first_row[1:])
    part_of = np.searchsorted(first_row, chosen, side="right") - 1  # per output row
    row_of = chosen - first_row[part_of]
    lengths = np.zeros(chosen.size, dtype=np.int64)
    for number, part in enumerate(parts):
        sel = part_of == number
        bounds = np.asarray(part.indptr, dtype=np.int64)
        lengths[sel] = bounds[row_of[sel] + 1] - bounds[row_of[sel]]
    indptr = np.zeros(chosen.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    run = np.r_[True, (part_of[1:] != part_of[:-1]) | (row_of[1:] != row_of[:-1] + 1)]
    run_starts = np.flatnonzero(run) if chosen.size else np.zeros(0, dtype=np.int64)
    run_ends = np.append(run_starts[1:], chosen.size)
    runs = []
    for start, end in zip(run_starts.tolist(), run_ends.tolist(), strict=True):
        part = parts[int(part_of[start])]
        source = slice(int(part.indptr[row_of[start]]), int(part.indptr[row_of[end - 1] + 1]))
        runs.append((part, source, slice(int(indptr[start]), int(indptr[end]))))
    return ordered[last].astype(np.int64), indptr, runs


STEP = 1 << 22  # entries copied between two releases of the parts' pages


def _released(pieces: Iterator[np.ndarray], parts: Sequence[FeatureRows], name: str) -> Iterator[np.ndarray]:
    """``pieces`` (slices of the parts' ``name`` arrays) in steps of at most :data:`STEP`
    entries, the parts' pages dropped after each step."""
    for piece in pieces:
        for first in range(0, piece.size, STEP):
            yield np.asarray(piece[first : first + STEP])
            release(*(getattr(part, name) for part in parts))


def _write_npy(path: Path, pieces: Iterable[np.ndarray], dtype: np.dtype, size: int) -> None:
    """An ``.npy`` file of ``size`` items written from ``pieces`` one after another, synced."""
    with open(path, "wb") as handle:
        header = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False, "shape": (size,)}
        np.lib.format.write_array_header_1_0(handle, header)
        written = 0
        for piece in pieces:
            handle.write(np.ascontiguousarray(piece, dtype=dtype).tobytes())
            written += piece.size
        if written != size:
            raise ValueError(f"{path}: {written} items written, {size} expected")
        handle.flush()
        os.fsync(handle.fileno())


def _swap(tmp: Path, directory: Path) -> None:
    old = directory.with_name(directory.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    directory.rename(old)
    tmp.rename(directory)
    shutil.rmtree(old, ignore_errors=True)
