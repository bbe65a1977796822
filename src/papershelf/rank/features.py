"""Features of papers for ranking: hashed words of three fields, one sparse row per paper.

A paper's features are its distinct words (folded exactly as the filter folds them) in three
fields: the whole text (title, abstract, authors), the title again, and the author names. Each
(field, word) hashes to a fixed column (CRC-32, so the same word gets the same column in every
process and every import batch): features need no vocabulary, new papers append rows without
touching old ones, and a library's features can be built straight from its search index, whose
segments already hold every paper's distinct words per field.

Rows are stored as CSR index arrays only (``indptr``, ``indices``); values are implied (binary
term frequency, weighted later by idf and field), which halves the memory of a float matrix.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from papershelf.model import Paper
from papershelf.text import index_words

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


def field_of(col: int) -> str:
    if col < TITLE_OFFSET:
        return "text"
    return "title" if col < AUTHOR_OFFSET else "author"


def paper_words(paper: Paper) -> dict[str, set[bytes]]:
    """The distinct words of each field, as the search index folds them."""
    people = " ".join(paper.authors)
    if paper.organization:
        people += " " + paper.organization
    title, names = index_words(paper.title), index_words(people)
    return {"text": index_words(paper.abstract) | title | names, "title": title, "author": names}


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


@dataclass(frozen=True)
class FeatureRows:
    """Feature rows of some papers: row ``r`` belongs to collection position ``positions[r]``.

    ``indices[indptr[r]:indptr[r + 1]]`` are the columns of row ``r``.
    """

    positions: IntArray
    indptr: IntArray
    indices: Int32Array

    def __len__(self) -> int:
        return int(self.positions.size)

    @classmethod
    def from_papers(cls, papers: Iterable[tuple[int, Paper]]) -> FeatureRows:
        hasher = _Hasher()
        positions: list[int] = []
        lengths: list[int] = []
        chunks: list[Int32Array] = []
        for position, paper in papers:
            row: list[int] = []
            for name, words in paper_words(paper).items():
                row.extend(hasher.columns(name, words))
            cols = np.unique(np.asarray(row, dtype=np.int32))
            positions.append(position)
            lengths.append(cols.size)
            chunks.append(cols)
        indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(np.asarray(lengths, dtype=np.int64), out=indptr[1:])
        indices = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int32)
        return cls(np.asarray(positions, dtype=np.int64), indptr, indices.astype(np.int32, copy=False))

    @classmethod
    def from_postings(
        cls, fields: Sequence[tuple[str, Sequence[bytes], IntArray, npt.NDArray[np.uint32]]]
    ) -> FeatureRows:
        """From inverted lists: per field (name, vocabulary, CSR pointers, postings), as the
        search index stores a segment. The rows are those of every position seen, sorted."""
        hasher = _Hasher()
        all_cols: list[Int32Array] = []
        all_docs: list[npt.NDArray[np.uint32]] = []
        for name, vocab, ptr, postings in fields:
            cols = np.asarray(hasher.columns(name, vocab), dtype=np.int32)
            bounds = np.asarray(ptr, dtype=np.int64)
            counts = bounds[1:] - bounds[:-1]
            all_cols.append(np.repeat(cols, counts))
            all_docs.append(np.asarray(postings, dtype=np.uint32))
        cols = np.concatenate(all_cols) if all_cols else np.zeros(0, dtype=np.int32)
        docs = np.concatenate(all_docs) if all_docs else np.zeros(0, dtype=np.uint32)
        # Rows by position, each row's columns deduplicated (two words may share a column).
        key = docs.astype(np.int64) * N_FEATURES + cols
        key.sort()  # a plain sort: numpy's hashing unique is several times slower here
        key = key[np.r_[True, key[1:] != key[:-1]]] if key.size else key
        docs64, cols = np.divmod(key, N_FEATURES)
        starts = np.flatnonzero(np.r_[True, docs64[1:] != docs64[:-1]]) if key.size else key
        positions = docs64[starts]
        indptr = np.append(starts, docs64.size).astype(np.int64)
        return cls(positions.astype(np.int64), indptr, cols.astype(np.int32))

    @classmethod
    def concatenate(cls, parts: Sequence[FeatureRows]) -> FeatureRows:
        """The rows of ``parts`` (oldest first) as one, by position: where several have a row
        of a position, the last one's (what an index merge keeps of re-indexed papers)."""
        positions = (
            np.concatenate([np.asarray(p.positions) for p in parts]) if parts else np.zeros(0, np.int64)
        )
        order = np.argsort(positions, kind="stable")
        ordered = positions[order]
        last = np.r_[ordered[1:] != ordered[:-1], True] if ordered.size else np.zeros(0, dtype=np.bool_)
        chosen = order[last]
        starts = np.concatenate([np.asarray(p.indptr[:-1]) for p in parts]) if parts else positions
        ends = np.concatenate([np.asarray(p.indptr[1:]) for p in parts]) if parts else positions
        offsets = np.cumsum([0] + [int(p.indices.size) for p in parts[:-1]], dtype=np.int64)
        starts = starts + np.repeat(offsets, [len(p) for p in parts])
        lengths = (
            (ends - np.concatenate([np.asarray(p.indptr[:-1]) for p in parts]))[chosen] if parts else ends
        )
        indices = np.concatenate([np.asarray(p.indices) for p in parts]) if parts else np.zeros(0, np.int32)
        indptr = np.zeros(chosen.size + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        before = np.repeat(starts[chosen] - indptr[:-1], lengths)
        take = before + np.arange(int(indptr[-1]), dtype=np.int64)
        return cls(ordered[last].astype(np.int64), indptr, indices[take].astype(np.int32, copy=False))

    def save(self, directory: Path) -> None:
        """Written under a temporary name and renamed, so the cache is complete or absent."""
        tmp = directory.with_name(directory.name + ".tmp")
        tmp.mkdir(parents=True, exist_ok=True)
        for name in ("positions", "indptr", "indices"):
            with open(tmp / f"{name}.npy", "wb") as handle:
                np.save(handle, getattr(self, name))
                handle.flush()
                import os  # noqa: PLC0415

                os.fsync(handle.fileno())
        tmp.replace(directory) if not directory.exists() else _swap(tmp, directory)

    @classmethod
    def load(cls, directory: Path) -> FeatureRows:
        """Memory-mapped (file-backed pages, not the process's own memory); raises OSError or
        ValueError for a missing or damaged cache."""
        names = ("positions", "indptr", "indices")
        dtypes = (np.int64, np.int64, np.int32)
        arrays = []
        for name, dtype in zip(names, dtypes, strict=True):
            array = np.load(directory / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            if array.dtype != dtype or array.ndim != 1:
                raise ValueError(f"{directory}: {name}.npy is not a 1-d {np.dtype(dtype).name} array")
            arrays.append(array)
        positions, indptr, indices = arrays
        if indptr.size != positions.size + 1 or (indptr.size and int(indptr[-1]) != indices.size):
            raise ValueError(f"{directory}: inconsistent feature arrays")
        return cls(positions, indptr, indices)


def _swap(tmp: Path, directory: Path) -> None:
    import shutil  # noqa: PLC0415

    old = directory.with_name(directory.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    directory.rename(old)
    tmp.rename(directory)
    shutil.rmtree(old, ignore_errors=True)
