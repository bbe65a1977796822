"""Saved views, the session and the command palette's entries: the main screen's memory.

A mixin of :class:`~papershelf.ui.screens.main.MainScreen` (after
:class:`~papershelf.ui.screens.paper_actions.PaperActions`), which owns ``search``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from papershelf.query.search import SORTS, Query
from papershelf.store.config import DEFAULT_THEME
from papershelf.store.session import Session
from papershelf.store.views import SavedView
from papershelf.ui.actions import palette
from papershelf.ui.commands import Command
from papershelf.ui.screens.name_view import NameViewScreen
from papershelf.ui.screens.paper_actions import PaperActions
from papershelf.ui.widgets.filter_box import FilterBox


class SavedViews(PaperActions):
    _session_key: str | None

    def _current_key(self) -> str | None:  # MainScreen: the highlighted paper's key
        raise NotImplementedError

    # -- saved views -------------------------------------------------------------------------

    def action_save_view(self) -> None:
        def save(name: str | None) -> None:
            if name:
                try:
                    number = self.shelf.save_view(SavedView(name, self.search))
                except OSError as error:
                    self.notify(f"Could not save the views: {error}", severity="error")
                    return
                self.notify(f"Saved as view {number}: {name} (press {number} to recall it)")

        self.app.push_screen(NameViewScreen(self.search.text), save)

    def action_recall_view(self, number: int) -> None:
        views = self.shelf.views
        if not 1 <= number <= len(views):
            self.notify(f"No view {number} yet: ctrl+s saves the current one.")
            return
        self.recall(views[number - 1])

    def recall(self, view: SavedView) -> None:
        """Show a saved view: its words in the filter box, its toggles and its sort."""
        self.query_one(FilterBox).value = view.query.text
        self.search = view.query

    def current_session(self) -> Session:
        """Where the reader is: query, highlighted paper, and a theme picked in the palette."""
        chosen = self.app.theme if self.app.theme != (self.config.theme or DEFAULT_THEME) else None
        key = self._current_key() if self.is_mounted and self.children else self._session_key
        return Session(self.search, key, chosen, self.config.theme)

    def on_unmount(self) -> None:
        """However the reader is left (q, ctrl+q), the session is saved."""
        try:
            self.shelf.save_session(self.current_session())
        except OSError as error:
            self.log.warning(f"could not save the session: {error}")

    def palette_commands(self) -> Iterable[Command]:
        """The command palette lists the paper actions and the saved views."""
        for title, help_text, action in palette():
            yield title, help_text, getattr(self, f"action_{action}")
        for number, view in enumerate(self.shelf.views, start=1):
            yield (
                f"View {number}: {view.name}",
                f"filter {view.query.text!r}, sort {SORTS[view.query.sort]}",
                partial(self.recall, view),
            )

    def _restore(self, session: Session) -> bool:
        """Start where the last session left off: query, toggles, sort, highlighted paper."""
        if session.query == Query() and session.paper is None:
            return False
        self.query_one(FilterBox).value = session.query.text
        self.search = session.query
        index = self.collection.index_of(session.paper) if session.paper else None
        if index is not None:
            # After the first layout: scrolling the cursor into view needs the list's real height.
            self.call_after_refresh(self.paper_list.select_index, index)
        return True
