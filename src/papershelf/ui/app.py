"""The Textual application: wires the collection and the reading state to the main screen."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from textual.app import App
from textual.screen import Screen

from papershelf.collection import PaperCollection
from papershelf.session import Session, load_session, save_session
from papershelf.state import StateStore, StateWriter
from papershelf.ui.refetch import Refetcher
from papershelf.ui.screens.main import MainScreen


class PapershelfApp(App[None]):
    """papershelf's reader. ``state`` is loaded (and a corrupt file set aside) at construction."""

    CSS_PATH = "papershelf.tcss"
    TITLE = "papershelf"

    def __init__(
        self,
        collection: PaperCollection,
        store: StateStore,
        *,
        source: str = "",
        refetcher: Refetcher | None = None,
        session_file: Path | None = None,
        restore: bool = True,
    ) -> None:
        super().__init__()
        self.session_file = session_file
        self.session, self._session_warning = (
            load_session(session_file) if session_file is not None and restore else (Session(), None)
        )
        self.collection = collection
        self.refetcher = refetcher
        self.store = store
        self.source = source
        loaded = store.load()
        self.state = loaded.state
        self._state_warning = loaded.warning
        self._state_writable = loaded.writable
        self._writer: StateWriter | None = None

    def on_mount(self) -> None:
        if self._state_writable:
            self._writer = StateWriter(
                self.store, on_error=self._report_save_error, warm=self.state.snapshot()
            )
        if source := self.source:
            self.sub_title = source
        if self._state_warning:
            self.notify(self._state_warning, title="Reading state", severity="warning", timeout=15)
        if self._session_warning:
            self.notify(self._session_warning, title="Session", severity="warning", timeout=15)
        self.call_after_refresh(self._freeze_garbage)

    def _freeze_garbage(self) -> None:
        """After the first frame: move everything built so far out of the collector's sight.

        The collection, the widgets and Textual's own structures live as long as the app; a
        full collection walking them all stalls a keystroke by 30-40 ms (measured at 100k
        papers). Frozen, they are never walked again.
        """
        gc.collect()
        gc.freeze()

    def get_default_screen(self) -> Screen[None]:
        # The main screen is the default screen (not pushed on mount), so keys typed the moment
        # the reader appears already reach it.
        return MainScreen(self.collection)

    def exit(self, *args: Any, **kwargs: Any) -> None:
        """However the reader is left (q, ctrl+q), the session is saved first."""
        main = self.screen_stack[0] if self.screen_stack else None
        if self.session_file is not None and isinstance(main, MainScreen):
            try:
                save_session(self.session_file, main.current_session())
            except OSError as error:
                self.log.warning(f"could not save the session: {error}")
        super().exit(*args, **kwargs)

    def on_unmount(self) -> None:
        if self._writer is not None:
            self._writer.close()

    def update_state(self, key: str, **changes: Any) -> bool:
        """Change one paper's reading state and hand it to the writer; returns whether it changed."""
        if not self.state.update(key, **changes):
            return False
        if self._writer is not None:
            self._writer.submit(self.state.snapshot())
        return True

    def flush_state(self, timeout: float = 5.0) -> bool:
        """Wait until every change so far is on disk (tests and quitting use it)."""
        return self._writer.flush(timeout) if self._writer is not None else True

    def _report_save_error(self, error: Exception) -> None:
        self.call_from_thread(
            self.notify,
            f"Could not save reading state: {error}",
            title="Reading state",
            severity="error",
            timeout=15,
        )
