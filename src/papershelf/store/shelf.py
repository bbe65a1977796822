"""The reader's shelf: reading state (saved by a background writer), undo history, saved views
and the session, loaded together and handed to the app and the main screen alike.

Nothing here knows Textual: the app says what went wrong (``warnings``, ``on_save_error``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from papershelf.store.reading import PaperState, ReadingState, StateStore
from papershelf.store.session import Session, load_session, save_session
from papershelf.store.undo import Step, UndoHistory
from papershelf.store.views import SavedView, load_views, save_views, with_view
from papershelf.store.writer import StateWriter


class Shelf:
    """Everything the reader keeps between runs, with one way to change the reading state.

    ``warnings`` lists (title, message) for files that could not be used as they were (a
    corrupt file moved aside, a session or views file that did not validate).
    """

    def __init__(
        self,
        store: StateStore,
        *,
        undo_file: Path | None = None,
        views_file: Path | None = None,
        session_file: Path | None = None,
        restore: bool = True,
    ) -> None:
        self.store = store
        self.undo_file = undo_file
        self.views_file = views_file
        self.session_file = session_file
        self.warnings: list[tuple[str, str]] = []
        loaded = store.load()
        self.state: ReadingState = loaded.state
        self.writable = loaded.writable
        if loaded.warning:
            self.warnings.append(("Reading state", loaded.warning))
        self.history = UndoHistory.load(undo_file) if undo_file is not None else UndoHistory()
        self.views: list[SavedView] = []
        if views_file is not None:
            self.views, problem = load_views(views_file)
            if problem:
                self.warnings.append(("Saved views", problem))
        saved = Session()
        if session_file is not None:
            saved, problem = load_session(session_file)
            if problem:
                self.warnings.append(("Session", problem))
        # --fresh forgets the query and the paper, not the theme chosen in the palette.
        self.session = saved if restore else Session(theme=saved.theme, config_theme=saved.config_theme)
        self._writer: StateWriter | None = None

    def open(self, on_save_error: Callable[[Exception], None] | None = None) -> None:
        """Start saving changes (from a background thread); a read-only state is never written."""
        if self.writable and self._writer is None:
            self._writer = StateWriter(self.store, on_error=on_save_error, warm=self.state.snapshot())

    # -- the reading state -------------------------------------------------------------------

    def update(self, key: str, label: str = "change", **changes: Any) -> bool:
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

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every change so far is on disk (tests and quitting use it)."""
        return self._writer.flush(timeout) if self._writer is not None else True

    # -- views and session -------------------------------------------------------------------

    def save_view(self, view: SavedView) -> int:
        """Keep ``view`` (a name already used is replaced) and write the views file; returns its
        number, 1-9. Raises OSError when the file cannot be written (the view is kept in memory)."""
        self.views, number = with_view(self.views, view)
        if self.views_file is not None:
            save_views(self.views_file, self.views)
        return number

    def save_session(self, session: Session) -> None:
        """Remember where the reader left off (raises OSError when it cannot be written)."""
        self.session = session
        if self.session_file is not None:
            save_session(self.session_file, session)

    def close(self) -> list[str]:
        """Write the undo history and every pending change; returns what could not be saved."""
        problems = []
        if self.undo_file is not None:
            try:
                self.history.save(self.undo_file)
            except OSError as error:
                problems.append(f"could not save the undo history: {error}")
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        return problems
