"""Saving the reading state from a background thread, so the UI never waits on the disk."""

from __future__ import annotations

import threading
from collections.abc import Callable

from papershelf.store.reading import StateStore

# Seconds between tries while saving fails (disk full, read-only, the directory gone).
RETRY_AFTER = 2.0


class StateWriter:
    """Saves the store's pending changes on a background thread, never two saves at once.

    ``kick`` returns at once; a burst of changes is coalesced into one merged save. ``flush``
    waits until everything recorded is on disk. A save that fails is reported once through
    ``on_error`` (from the writer thread) and tried again every ``retry`` seconds and at every
    new change; ``on_saved`` is called when saving works again.
    """

    def __init__(
        self,
        store: StateStore,
        on_error: Callable[[Exception], None] | None = None,
        *,
        on_saved: Callable[[], None] | None = None,
        retry: float = RETRY_AFTER,
        warm: bool = True,
    ) -> None:
        self._store = store
        self._warm = warm
        self._on_error = on_error
        self._on_saved = on_saved
        self._retry = retry
        self._condition = threading.Condition()
        self._kicked = False
        self._busy = False
        self._closed = False
        self.failing = False  # the last save failed
        self.last_error: Exception | None = None
        self._thread = threading.Thread(target=self._run, name="papershelf-state", daemon=True)
        self._thread.start()

    def kick(self) -> None:
        """Save the pending changes soon."""
        with self._condition:
            self._kicked = True
            self._condition.notify_all()

    def _run(self) -> None:
        if self._warm:
            self._store.warm()
        while True:
            with self._condition:
                ready = lambda: self._kicked or self._closed  # noqa: E731
                self._condition.wait_for(ready, timeout=self._retry if self.failing else None)
                closing = self._closed
                self._kicked = False
                self._busy = True
            try:
                self._store.save_pending()
            except Exception as error:  # reported once, tried again; the reader keeps working
                first = not self.failing
                self.failing, self.last_error = True, error
                if first and self._on_error is not None:
                    self._on_error(error)
            else:
                if self.failing:
                    self.failing, self.last_error = False, None
                    if self._on_saved is not None:
                        self._on_saved()
            finally:
                with self._condition:
                    self._busy = False
                    self._condition.notify_all()
            if closing:
                return

    def flush(self, timeout: float | None = 10.0) -> bool:
        """Wait until the saves asked for so far are done; returns whether nothing is left
        unsaved (False on timeout or when saving fails)."""
        with self._condition:
            self._kicked = self._kicked or self._store.unsaved > 0
            self._condition.notify_all()
            self._condition.wait_for(lambda: not self._kicked and not self._busy, timeout=timeout)
        return self._store.unsaved == 0

    def close(self, timeout: float = 10.0) -> bool:
        """One last save of what is pending, then stop; returns whether everything was saved."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()
        self._thread.join(timeout=timeout)
        self._store.write_cache()
        return self._store.unsaved == 0
