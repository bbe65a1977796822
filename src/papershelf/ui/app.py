"""The Textual application: wires the collection and the reading state to the main screen."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import Screen

from papershelf.collection import PaperCollection
from papershelf.query import SORTS
from papershelf.session import Session, load_session, save_session
from papershelf.state import StateStore, StateWriter
from papershelf.ui.refetch import Refetcher
from papershelf.ui.screens.main import MainScreen
from papershelf.views import SavedView, load_views, save_views, with_view


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
        views_file: Path | None = None,
    ) -> None:
        super().__init__()
        self.views_file = views_file
        self.views, self._views_warning = load_views(views_file) if views_file is not None else ([], None)
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
        if self._views_warning:
            self.notify(self._views_warning, title="Saved views", severity="warning", timeout=15)
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

    def save_view(self, view: SavedView) -> int:
        """Save ``view`` (a name already used is replaced); returns its number, 1-9."""
        self.views, number = with_view(self.views, view)
        if self.views_file is not None:
            try:
                save_views(self.views_file, self.views)
            except OSError as error:
                self.notify(f"Could not save the views: {error}", severity="error")
        return number

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette lists the saved views beside Textual's own commands."""
        yield from super().get_system_commands(screen)
        main = self.screen_stack[0] if self.screen_stack else None
        if isinstance(main, MainScreen):
            for number, view in enumerate(self.views, start=1):
                yield SystemCommand(
                    f"View {number}: {view.name}",
                    f"filter {view.query.text!r}, sort {SORTS[view.query.sort]}",
                    partial(main.recall, view),
                )

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
