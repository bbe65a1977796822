"""Memory-mapped arrays read front to back without keeping what was read resident.

A pass over the feature caches of a million papers touches a gigabyte of file pages; the
kernel counts each one touched as the process's memory until it is reclaimed. Dropping them
after each step keeps the resident size of an import to its own arrays: a read-only mapping's
pages are read again from the page cache (or the file) if they are touched again.
"""

from __future__ import annotations

import contextlib
import mmap

import numpy as np


def release(*arrays: np.ndarray) -> None:
    """Drop the resident pages of read-only memory-mapped arrays (others are left alone)."""
    advice = getattr(mmap, "MADV_DONTNEED", None)
    for array in arrays:
        mapping = getattr(array, "_mmap", None)
        if advice is None or mapping is None or getattr(array, "mode", None) != "r":
            continue
        with contextlib.suppress(OSError, ValueError, AttributeError):  # no madvise (Windows)
            mapping.madvise(advice)
