"""``R``: fetch the library's sources again, in a worker; new papers appear where they belong.

A mixin of :class:`~papershelf.ui.screens.main.MainScreen` (after
:class:`~papershelf.ui.screens.pdf_actions.PdfActions`).
"""

from __future__ import annotations

from textual import work
from textual.worker import get_current_worker

from papershelf.collection import PaperCollection
from papershelf.query.search import Query
from papershelf.ui.refetch import Refetcher
from papershelf.ui.screens.pdf_actions import PdfActions


class Refetching(PdfActions):
    refetcher: Refetcher | None
    fetching: bool  # a reactive of MainScreen, shown by the status
    search: Query

    def _apply(self, search: Query) -> None:  # MainScreen: filter again
        raise NotImplementedError

    def _find_watched(self, collection: PaperCollection) -> object:  # MainScreen: a watch-list worker
        raise NotImplementedError

    def action_refetch(self) -> None:
        refetcher = self.refetcher
        if refetcher is None:
            return
        if self.fetching:
            self.notify("Already fetching.")
            return
        self.fetching = True
        self._refetch(refetcher)

    @work(thread=True, exclusive=True, group="refetch", exit_on_error=False)
    def _refetch(self, refetcher: Refetcher) -> None:
        worker = get_current_worker()  # cancelled when the reader closes: the fetch stops at once
        try:
            collection, message = refetcher(lambda: worker.is_cancelled)
        except Exception as error:  # network, server or library: said in the app, never a crash
            if not worker.is_cancelled:
                self.app.call_from_thread(self._refetch_failed, str(error))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._refetched, collection, message)

    def _refetch_failed(self, message: str) -> None:
        self.fetching = False
        self.notify(message, title="Refetch failed", severity="error", timeout=10)

    def _refetched(self, collection: PaperCollection, message: str) -> None:
        """New papers appear; the filter and the cursor's paper stay (positions never move)."""
        self.fetching = False
        self.collection = collection = self.guarded(collection)  # the list follows (data_bind)
        self._apply(self.search)
        if self.config.watch is not None:
            self._find_watched(collection)
        self._show_current()
        self.notify(message, title="Refetched")
