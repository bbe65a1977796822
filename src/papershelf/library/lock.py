"""One writer at a time: the library lock.

Every process that writes a library (``add``, ``fetch``, the reader's refetch, ``library
compact``/``repair``) holds ``library.lock`` in the library directory while it does. The lock is
an OS file lock (``fcntl``/``LockFileEx`` through :mod:`filelock`): it is released when its holder
exits, however it exits, so a ``kill -9`` never leaves a stale lock behind.

A second writer waits (saying so once through ``on_wait``) for at most ``timeout`` seconds, then
gives up with :class:`LibraryBusy`. Readers take no lock: SQLite's WAL mode gives each of them a
consistent snapshot, and segment files are immutable once listed.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, Timeout

from papershelf.library.store import LibraryError

LOCK_NAME = "library.lock"
# Seconds a second writer waits before giving up (PAPERSHELF_LOCK_TIMEOUT overrides it).
DEFAULT_TIMEOUT = float(os.environ.get("PAPERSHELF_LOCK_TIMEOUT", "") or 600.0)


class LibraryBusy(LibraryError):
    """Another process holds the library lock for longer than we wait."""


class WriterLock:
    """The library lock, held from :meth:`acquire` until :meth:`release`."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / LOCK_NAME
        # One lock object per file in a process, counted: a process opening its library twice
        # for writing (a test, the reader's refetch beside an export) does not wait for itself.
        self._lock = FileLock(self.path, thread_local=False, is_singleton=True)
        self.held = False

    def acquire(self, timeout: float = DEFAULT_TIMEOUT, on_wait: Callable[[str], None] | None = None) -> None:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            pass
        else:
            self.held = True
            self._note_holder()
            return
        if on_wait is not None:
            holder = self._holder()
            who = f" (process {holder})" if holder else ""
            on_wait(f"another papershelf{who} is writing the library; waiting for it to finish…")
        try:
            self._lock.acquire(timeout=max(timeout, 0.0))
        except Timeout:
            raise LibraryBusy(
                f"{self.path.parent}: another papershelf is still writing the library after "
                f"{timeout:.0f} s; try again when it is done"
            ) from None
        self.held = True
        self._note_holder()

    def release(self) -> None:
        if self.held:
            self.held = False
            self._lock.release()

    def _holder_path(self) -> Path:
        return self.path.with_name(LOCK_NAME + ".pid")

    def _note_holder(self) -> None:
        with contextlib.suppress(OSError):  # only used to name the holder in the waiting message
            self._holder_path().write_text(str(os.getpid()))

    def _holder(self) -> str:
        try:
            text = self._holder_path().read_text().strip()
        except OSError:
            return ""
        return text if text.isdigit() else ""
