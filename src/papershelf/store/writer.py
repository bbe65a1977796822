"""Saving the reading state from a background thread, so the UI never waits on the disk."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from papershelf.store.reading import PaperState, StateStore


class StateWriter:
    """Saves snapshots of the state on a background thread, newest first, never two at once.

    ``submit`` returns at once; a burst of changes is coalesced into one write of the newest
    snapshot. ``flush`` waits until everything submitted is on disk. Errors are passed to
    ``on_error`` (called from the writer thread).
    """

    def __init__(
        self,
        store: StateStore,
        on_error: Callable[[Exception], None] | None = None,
        *,
        warm: Mapping[str, PaperState] | None = None,
    ) -> None:
        self._store = store
        self._warm = warm
        self._on_error = on_error
        self._condition = threading.Condition()
        self._pending: dict[str, PaperState] | None = None
        self._busy = False
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="papershelf-state", daemon=True)
        self._thread.start()

    def submit(self, entries: dict[str, PaperState]) -> None:
        with self._condition:
            self._pending = entries
            self._condition.notify_all()

    def _run(self) -> None:
        if self._warm:
            # Serialise the loaded entries once, off the UI thread, so the first change of the
            # session costs what every later one does.
            self._store.warm(self._warm)
            self._warm = None
        while True:
            with self._condition:
                while self._pending is None and not self._closed:
                    self._condition.wait()
                if self._pending is None:
                    return
                entries, self._pending = self._pending, None
                self._busy = True
            try:
                self._store.save(entries)
            except Exception as error:  # reported, the reader keeps working
                if self._on_error is not None:
                    self._on_error(error)
            finally:
                with self._condition:
                    self._busy = False
                    self._condition.notify_all()

    def flush(self, timeout: float | None = 10.0) -> bool:
        """Wait until every submitted snapshot is written; returns False on timeout."""
        with self._condition:
            return self._condition.wait_for(lambda: self._pending is None and not self._busy, timeout=timeout)

    def close(self) -> None:
        """Write what is pending, then stop the thread."""
        self.flush()
        self._store.write_cache()
        with self._condition:
            self._closed = True
            self._condition.notify_all()
        self._thread.join(timeout=10)
