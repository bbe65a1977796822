"""Following the files while the reader runs.

A mixin of :class:`~papershelf.ui.screens.main.MainScreen` (after
:class:`~papershelf.ui.screens.saved_views.SavedViews`). About once a second a worker re-reads
``state.toml`` and ``views.toml`` when another reader or a sync tool changed them; the outside
changes are merged under this reader's own (the shelf does that) and shown: markers, counts, the
``*``/``u``/``is:`` views and the detail pane, with the cursor kept on its paper.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import work

from papershelf.query.search import Query
from papershelf.store.shelf import Outside
from papershelf.ui.screens.saved_views import SavedViews

# Seconds between two looks at the files on disk.
FOLLOW_EVERY = 1.0


class Following(SavedViews):
    search: Query
    unsaved: int  # a reactive of MainScreen, shown by the status

    def _apply(self, search: Query) -> None:  # MainScreen: filter again
        raise NotImplementedError

    def _after_change(self, keys: Sequence[str]) -> None:  # MainScreen: redraw what shows them
        raise NotImplementedError

    def _start_following(self) -> None:
        self.set_interval(FOLLOW_EVERY, self._follow)

    @work(thread=True, exclusive=True, group="follow", exit_on_error=False)
    def _follow(self) -> None:
        try:
            self.shelf.poll()
        finally:  # what a save found (a failure to show in the status) is shown all the same
            self.app.call_from_thread(self._synced)

    def follow_now(self) -> None:
        """Look at the files at once (tests; the timer does it every second)."""
        self.shelf.poll()
        self._synced()

    def _synced(self) -> None:
        outside: Outside = self.shelf.sync()
        if outside.keys:
            # The filter may depend on the state (★ only, unread only, is:, tag:): filter again;
            # the list keeps the cursor on its paper.
            self._apply(self.search)
            self._after_change(outside.keys)
        for title, message in outside.messages:
            self.notify(message, title=title, severity="warning", timeout=15, markup=False)
        self.unsaved = self.shelf.unsaved if self.shelf.save_error is not None else 0
