"""Memory-mapped arrays read front to back without keeping what was read resident.

A pass over the feature caches of a million papers touches a gigabyte of file pages; the
kernel counts each one touched as the process's memory until it is reclaimed. Dropping them
after each step keeps the resident size of an import to its own arrays: a read-only mapping's
pages are read again from the page cache (or the file) if they are touched again.
"""

from __future__ import annotations

import contextlib
import mmap
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt

Item = TypeVar("Item", bound=np.generic)


def release(*arrays: np.ndarray) -> None:
    """Drop the resident pages of memory-mapped arrays: a writable mapping's pages are written
    to its file first (msync), so what was filled is in the file, not in the process's memory.
    Arrays that are not file-mapped are left alone."""
    advice = getattr(mmap, "MADV_DONTNEED", None)
    for array in arrays:
        mapping = getattr(array, "_mmap", None)
        mode = getattr(array, "mode", None)
        if mapping is None or mode not in ("r", "r+", "w+"):
            continue
        if mode != "r":
            mapping.flush()
        if advice is not None:
            with contextlib.suppress(OSError, ValueError, AttributeError):  # no madvise (Windows)
                mapping.madvise(advice)


def spilled(directory: Path | None, name: str, dtype: type[Item], size: int) -> npt.NDArray[Item]:
    """An array of ``size`` items to fill: in memory, or (``directory`` given) a new ``.npy``
    file mapped in ``directory`` that :func:`release` keeps out of memory as it fills."""
    if directory is None or size == 0:
        return np.empty(size, dtype=dtype)
    mapped: npt.NDArray[Item] = np.lib.format.open_memmap(
        directory / f"{name}.npy", mode="w+", dtype=dtype, shape=(size,)
    )
    return mapped
