"""A segment's postings on disk: 2 bytes a posting instead of 4.

A posting is a library position (uint32); a word's postings are sorted, so their high 16 bits
change rarely — at most once every 65,536 positions. A segment keeps each posting's low half
(``postings.u16``, raw little-endian uint16, in posting order) and the *runs* of postings that
share a high half, ``post_runs.npy``: int64, two rows — the index of each run's first posting
(ascending, the first 0) and that run's high half. A library of 1M papers holds
about 20 runs a word, a few megabytes beside hundreds of megabytes of low halves.

Segments written before (``postings.npy``, uint32 positions) are read as they are:
:func:`open_postings` and :func:`postings_file` return either kind behind the same indexing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from papershelf.library.segfile import FileArray

LOW = "postings.u16"
RUNS = "post_runs.npy"
FILES = (LOW, RUNS)
LEGACY = "postings.npy"

UInt32Array = npt.NDArray[np.uint32]
Int64Array = npt.NDArray[np.int64]


def runs_of(postings: npt.NDArray[np.integer[Any]], offset: int = 0) -> tuple[Int64Array, UInt32Array]:
    """Where the high half of ``postings`` changes (the first posting starts a run), as global
    indices (``offset``: the index of ``postings[0]``), and each run's high half."""
    high = np.asarray(postings, dtype=np.uint32) >> np.uint32(16)
    change = np.ones(postings.size, dtype=np.bool_)
    np.not_equal(high[1:], high[:-1], out=change[1:])
    starts = np.flatnonzero(change)
    return starts + offset, high[starts].astype(np.uint32)


class PostingsWriter:
    """Writes a segment's postings a block at a time (the blocks in posting order)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._out = (directory / LOW).open("wb")
        self._starts: list[Int64Array] = []
        self._high: list[UInt32Array] = []
        self.size = 0

    def add(self, block: npt.NDArray[np.integer[Any]]) -> None:
        block = np.asarray(block, dtype=np.uint32)
        if not block.size:
            return
        starts, high = runs_of(block, self.size)
        self._starts.append(starts)
        self._high.append(high)
        self._out.write(block.astype("<u2").tobytes())
        self.size += block.size

    def close(self) -> None:
        self._out.close()
        starts = np.concatenate(self._starts) if self._starts else np.empty(0, dtype=np.int64)
        high = np.concatenate(self._high) if self._high else np.empty(0, dtype=np.uint32)
        np.save(self.directory / RUNS, np.stack([starts, high.astype(np.int64)]))


def write_postings(directory: Path, postings: npt.NDArray[np.integer[Any]]) -> None:
    writer = PostingsWriter(directory)
    writer.add(postings)
    writer.close()


class PackedPostings:
    """A segment's postings read from their low halves and runs, indexed like a uint32 array:
    by a slice (``postings[a:b]``), an index array (``postings[indices]``) or whole
    (``np.asarray``); ``read(a, b)`` is the slice (what a merge's :class:`FileArray` offers)."""

    def __init__(
        self, low: npt.NDArray[np.uint16] | FileArray, starts: Int64Array, high: UInt32Array
    ) -> None:
        self.low = low
        self.starts = np.asarray(starts, dtype=np.int64)
        self.high = np.asarray(high, dtype=np.uint32) << np.uint32(16)
        self.size = int(low.size)
        starts = self.starts
        covered = starts.size == self.high.size and (starts.size > 0 and int(starts[0]) == 0)
        if self.size and not (
            covered and int(starts[-1]) < self.size and not np.any(starts[1:] <= starts[:-1])
        ):
            raise ValueError("the postings' runs do not cover them")

    def __len__(self) -> int:
        return self.size

    def _low(self, start: int, stop: int) -> npt.NDArray[np.uint16]:
        if isinstance(self.low, FileArray):
            return self.low.read(start, stop).astype(np.uint16, copy=False)
        return np.asarray(self.low[start:stop])

    def read(self, start: int, stop: int) -> UInt32Array:
        """Postings ``start`` .. ``stop`` - 1."""
        start, stop = max(start, 0), min(stop, self.size)
        if stop <= start:
            return np.empty(0, dtype=np.uint32)
        first = int(np.searchsorted(self.starts, start, side="right")) - 1  # the run of ``start``
        last = int(np.searchsorted(self.starts, stop, side="left"))  # runs first .. last - 1
        bounds = np.empty(last - first + 1, dtype=np.int64)
        bounds[0], bounds[-1] = start, stop
        bounds[1:-1] = self.starts[first + 1 : last]
        result = np.repeat(self.high[first:last], np.diff(bounds))
        result |= self._low(start, stop)
        return result

    def at(self, indices: npt.NDArray[np.integer[Any]]) -> UInt32Array:
        """The postings at ``indices`` (any order)."""
        indices = np.asarray(indices, dtype=np.int64)
        if indices.size and (int(indices.min()) < 0 or int(indices.max()) >= self.size):
            raise IndexError("posting index out of range")
        if isinstance(self.low, FileArray):
            raise TypeError("postings read from their file are read by ranges")
        result = self.high[np.searchsorted(self.starts, indices, side="right") - 1]
        result |= np.asarray(self.low)[indices]
        return result

    def __getitem__(self, key: slice | npt.NDArray[np.integer[Any]]) -> UInt32Array:
        if isinstance(key, slice):
            start, stop, step = key.indices(self.size)
            if step != 1:
                raise ValueError("postings are sliced with a step of 1")
            return self.read(start, stop)
        return self.at(key)

    def __array__(self, dtype: Any = None, copy: Any = None) -> UInt32Array:
        whole = self.read(0, self.size)
        return whole if dtype is None else whole.astype(dtype, copy=False)


Postings = PackedPostings | npt.NDArray[np.uint32]
PostingsFile = PackedPostings | FileArray


def in_blocks(postings: Postings, block: int = 1 << 22) -> Iterator[UInt32Array]:
    """Postings of either kind in order, ``block`` at a time (a pass over all of them that
    never decodes, or holds, all at once)."""
    for start in range(0, len(postings), block):
        yield np.asarray(postings[start : start + block], dtype=np.uint32)


def packed(directory: Path) -> bool:
    """Whether the segment in ``directory`` keeps its postings packed (else: ``postings.npy``;
    either packed file present means packed, so a lost one is named as missing)."""
    return (directory / RUNS).is_file() or (directory / LOW).is_file()


def _runs(directory: Path) -> tuple[Int64Array, UInt32Array]:
    runs = np.load(directory / RUNS)
    if runs.ndim != 2 or runs.shape[0] != 2:
        raise ValueError(f"{directory / RUNS}: not the postings' runs")
    high = runs[1]
    if high.size and (int(high.min()) < 0 or int(high.max()) > 0xFFFF):
        raise ValueError(f"{directory / RUNS}: not the postings' runs")
    return runs[0], high.astype(np.uint32)


def open_postings(directory: Path) -> Postings:
    """The segment's postings, memory-mapped (read as they are used)."""
    if not packed(directory):
        legacy: npt.NDArray[np.uint32] = np.load(directory / LEGACY, mmap_mode="r")
        return legacy
    path = directory / LOW
    low: npt.NDArray[np.uint16] = (
        np.memmap(path, dtype="<u2", mode="r") if path.stat().st_size else np.empty(0, dtype=np.uint16)
    )
    return PackedPostings(low, *_runs(directory))


def postings_file(directory: Path) -> PostingsFile:
    """The segment's postings, read from the file a range at a time (for a merge: see
    :mod:`papershelf.library.segfile`)."""
    if not packed(directory):
        return FileArray(directory / LEGACY)
    return PackedPostings(FileArray(directory / LOW, "<u2"), *_runs(directory))


def low_pages(postings: Postings) -> npt.NDArray[np.generic] | None:
    """The memory-mapped array behind ``postings``, whose pages a long pass over them may drop
    (None when they are read from the file)."""
    if isinstance(postings, PackedPostings):
        return postings.low if isinstance(postings.low, np.ndarray) else None
    return postings
