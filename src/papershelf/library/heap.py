"""The import's memory: the cycle collector held off while a chunk's objects are made, and
glibc's malloc told to keep what a chunk frees for the next one, then to give it back.

Every function here is a no-op where it does not apply (no glibc: macOS, Windows, musl).
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterator
from typing import Any

M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3  # glibc's mallopt parameters
MMAP_THRESHOLD_MAX = 32 << 20  # glibc's largest on 64-bit: bigger blocks are always mapped


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector held off while a chunk's tens of thousands of objects (decoded
    records, papers, rows; none of them cyclic) are made: otherwise it walks them over and over
    as they are allocated. Whatever cycles the block leaves are collected after it as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def glibc() -> Any | None:
    """glibc's C library (with ``mallopt`` and ``malloc_trim``), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes  # noqa: PLC0415

        libc = ctypes.CDLL(None, use_errno=True)
        libc.mallopt  # noqa: B018 - musl has no mallopt
        libc.malloc_trim  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


def keep_freed_memory(libc: Any) -> None:
    """glibc's malloc keeps what a chunk freed for the next chunk instead of giving it back to
    the kernel: each chunk allocates and frees the same few hundred MB of arrays, and fresh
    pages cost a page fault each (a worker's system time fell from ~10 to ~3 µs a paper). The
    peak memory is the same; a worker's setting ends with the import."""
    libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX)
    libc.mallopt(M_TRIM_THRESHOLD, 1 << 30)
    libc.mallopt(M_TOP_PAD, 64 << 20)


@contextlib.contextmanager
def freed_memory_kept() -> Iterator[None]:
    """:func:`keep_freed_memory` in this process for the block (the importing process, which
    unpickles and commits a chunk after another), then what is free given back.

    After the block, blocks up to 32 MB still come from the heap, and the heap is trimmed once
    64 MB lie free at its top: glibc's own defaults (128 KB) cannot be had back, since any
    ``mallopt`` turns off the sliding thresholds that would have grown to about that, and with
    128 KB every array of the merges and the ranking matrix that come next was mapped and
    faulted in afresh (a 1M import's steps after the import took ~7 s longer)."""
    libc = glibc()
    if libc is not None:
        keep_freed_memory(libc)
    try:
        yield
    finally:
        if libc is not None:
            libc.mallopt(M_TRIM_THRESHOLD, 2 * MMAP_THRESHOLD_MAX)
            libc.mallopt(M_TOP_PAD, 0)
            libc.malloc_trim(0)


def give_back_freed_memory() -> None:
    """What was freed goes back to the kernel before the next step (glibc keeps freed heap
    otherwise): a 1M import's main process held ~310 MB from its merges into the ranking matrix
    build, and peaked there at 429 MB; 372 MB with the memory given back."""
    libc = glibc()
    if libc is not None:
        libc.malloc_trim(0)
