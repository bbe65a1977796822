"""The Textual application: wires the collection and the reading state to the main screen."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import Screen

from papershelf.collection import PaperCollection
from papershelf.query.search import SORTS
from papershelf.store.config import Config
from papershelf.store.reading import PaperState, StateStore
from papershelf.store.session import Session, load_session, save_session
from papershelf.store.undo import Step, UndoHistory
from papershelf.store.views import SavedView, load_views, save_views, with_view
from papershelf.store.writer import StateWriter
from papershelf.ui.opener import open_in_browser
from papershelf.ui.refetch import Refetcher
from papershelf.ui.screens.main import MainScreen

# The paper actions as the command palette (ctrl+p) lists them: (title, help, MainScreen action).
PALETTE_ACTIONS = (
    ("Open the paper's page", "in the browser: arXiv, else Hugging Face or the source (o)", "open_page"),
    ("Open the PDF", "in the browser (p)", "open_pdf"),
    ("Copy the link", "to the clipboard (y)", "copy_link"),
    ("Copy a BibTeX entry", "to the clipboard (Y)", "copy_bibtex"),
    ("Note", "write a note on the highlighted paper (n)", "edit_note"),
    ("Export…", "the visible or starred papers: BibTeX, Markdown, CSV, JSON Lines (E)", "export"),
    ("Mark all read", "every paper in view, after asking (A)", "mark_all_read"),
    ("Undo", "the last star, tag, read mark, note or mark-all (ctrl+z)", "undo"),
    ("Statistics", "papers per month, top tags, counts for the view (ctrl+t)", "stats"),
)


class PapershelfApp(App[None]):
    """papershelf's reader. ``state`` is loaded (and a corrupt file set aside) at construction."""

    CSS_PATH = "papershelf.tcss"
    TITLE = "papershelf"
    _default_theme = "textual-dark"

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
        config: Config | None = None,
        config_warning: str | None = None,
        opener: Callable[[str], bool] | None = None,
        undo_file: Path | None = None,
    ) -> None:
        super().__init__()
        self.config = config or Config()
        self._config_warning = config_warning
        # Opens a URL in the browser (tests inject a recorder); only http(s) URLs reach it.
        self.opener: Callable[[str], bool] = opener or open_in_browser
        self.undo_file = undo_file
        self.history = UndoHistory.load(undo_file) if undo_file is not None else UndoHistory()
        self.views_file = views_file
        self.views, self._views_warning = load_views(views_file) if views_file is not None else ([], None)
        self.session_file = session_file
        saved, self._session_warning = (
            load_session(session_file) if session_file is not None else (Session(), None)
        )
        # --fresh forgets the query and the paper, not the theme chosen in the palette.
        self.session = saved if restore else Session(theme=saved.theme, config_theme=saved.config_theme)
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
        if self.config.keys:
            self.set_keymap(dict(self.config.keys))
        theme = self._start_theme()
        if theme is not None and theme in self.available_themes:
            self.theme = theme
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
        if self._config_warning:
            self.notify(
                self._config_warning + " Using the defaults.",
                title="config.toml",
                severity="error",
                timeout=20,
            )
        self.call_after_refresh(self._freeze_garbage)

    def _start_theme(self) -> str | None:
        """The palette's choice while config.toml's theme is what it was then; else the config's."""
        session = self.session
        if session.theme and session.config_theme == self.config.theme:
            return session.theme
        return self.config.theme

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
        return MainScreen(self.collection, self.config)

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
            for title, help_text, action in PALETTE_ACTIONS:
                yield SystemCommand(title, help_text, getattr(main, f"action_{action}"))
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
            session = main.current_session()
            chosen = self.theme if self.theme != (self.config.theme or self._default_theme) else None
            session = Session(session.query, session.paper, chosen, self.config.theme)
            try:
                save_session(self.session_file, session)
            except OSError as error:
                self.log.warning(f"could not save the session: {error}")
        super().exit(*args, **kwargs)

    def on_unmount(self) -> None:
        if self.undo_file is not None:
            try:
                self.history.save(self.undo_file)
            except OSError as error:
                self.log.warning(f"could not save the undo history: {error}")
        if self._writer is not None:
            self._writer.close()

    def update_state(self, key: str, label: str = "change", **changes: Any) -> bool:
        """Change one paper's reading state (undoably) and save it; returns whether it changed."""
        return bool(self.change(label, {key: self.state.changed(key, **changes)}))

    def change(self, label: str, changes: Mapping[str, PaperState]) -> int:
        """Apply ``changes`` as one undoable step and save; returns how many papers changed."""
        count = self.history.change(self.state, label, changes)
        if count:
            self._save_state()
        return count

    def undo(self) -> Step | None:
        """Put back the papers of the latest step (saved like any change)."""
        step = self.history.undo(self.state)
        if step is not None:
            self._save_state()
        return step

    def _save_state(self) -> None:
        if self._writer is not None:
            self._writer.submit(self.state.snapshot())

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
