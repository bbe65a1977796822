"""Reading a segment's arrays for a merge: a slice at a time, from the file.

A merge reads each part once, in order. Mapped into memory, every page read would stay in the
merging process's resident set (a 320,000-paper merge: hundreds of megabytes); read with
``pread``-like calls, only the slice in hand is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt


class FileArray:
    """A one-dimensional array in a ``.npy`` file (or a raw file of ``dtype``), read by slices."""

    def __init__(self, path: Path, dtype: str | None = None) -> None:
        self.path = path
        if dtype is None:
            with path.open("rb") as handle:
                version = np.lib.format.read_magic(handle)
                if version == (1, 0):
                    shape, _, kind = np.lib.format.read_array_header_1_0(handle)
                else:
                    shape, _, kind = np.lib.format.read_array_header_2_0(handle)
                self.offset = handle.tell()
            self.dtype = np.dtype(kind)
            self.size = int(shape[0]) if shape else 0
        else:
            self.dtype = np.dtype(dtype)
            self.offset = 0
            self.size = path.stat().st_size // self.dtype.itemsize

    def read(self, start: int, stop: int) -> npt.NDArray[np.generic]:
        stop = min(stop, self.size)
        if stop <= start:
            return np.empty(0, dtype=self.dtype)
        with self.path.open("rb") as handle:
            handle.seek(self.offset + start * self.dtype.itemsize)
            return np.fromfile(handle, dtype=self.dtype, count=stop - start)


class Voids:
    """Which part of a merged run last re-indexes each paper (-1: none), for the few papers
    re-indexed, without an array the size of the library."""

    def __init__(self, reindexed: list[npt.NDArray[np.int64]]) -> None:
        numbers = [np.full(r.size, n, dtype=np.int32) for n, r in enumerate(reindexed)]
        positions = np.concatenate(reindexed) if reindexed else np.empty(0, dtype=np.int64)
        parts = np.concatenate(numbers) if numbers else np.empty(0, dtype=np.int32)
        order = np.lexsort((parts, positions))  # by paper, then part: the last of each paper wins
        positions, parts = positions[order], parts[order]
        last = np.ones(positions.size, dtype=np.bool_)
        last[:-1] = positions[1:] != positions[:-1]
        self.positions, self.parts = positions[last], parts[last]

    def survives(self, docs: npt.NDArray[np.uint32], number: int) -> npt.NDArray[np.bool_]:
        """Whether part ``number``'s postings of ``docs`` stay (no later part re-indexes them)."""
        if not self.positions.size:
            return np.ones(docs.size, dtype=np.bool_)
        at = np.minimum(np.searchsorted(self.positions, docs), self.positions.size - 1)
        found = self.positions[at] == docs
        result: npt.NDArray[np.bool_] = ~found | (self.parts[at] <= number)
        return result


def word_blocks(ptr: npt.NDArray[np.int64], block: int) -> Iterator[tuple[int, int]]:
    """Ranges of words of a CSR index holding about ``block`` postings each (one word at least)."""
    size, start = ptr.size - 1, 0
    while start < size:
        end = int(np.searchsorted(ptr, int(ptr[start]) + block, side="right")) - 1
        end = min(max(end, start + 1), size)
        yield start, end
        start = end
