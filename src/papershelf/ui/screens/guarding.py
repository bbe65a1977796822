"""The screen's collection with its reads guarded: damage met while the reader runs is said once.

A page of library.sqlite that no longer reads (a disk error, a file overwritten under the
reader) reaches the screen as :class:`~papershelf.collection.guarded.CollectionDamaged` from
the list's drawing, the detail pane or a worker; the guard turns it into one notification
naming the fix (``papershelf library repair``) and a placeholder row, never a traceback.
"""

from __future__ import annotations

import threading

from textual.screen import Screen

from papershelf.collection import PaperCollection
from papershelf.collection.guarded import GuardedCollection


class Guarding(Screen[None]):
    pending: bool  # a reactive of MainScreen: a filter is still counting

    def guarded(self, collection: PaperCollection) -> PaperCollection:
        """``collection`` with its reads guarded: damage met while the reader runs (a page of
        library.sqlite that no longer reads) is said once, naming the fix, never a traceback."""
        if isinstance(collection, GuardedCollection):
            return collection
        return GuardedCollection(collection, self._damage_met)

    def _damage_met(self, message: str) -> None:
        if threading.get_ident() == self.app._thread_id:
            self._say_damage(message)
        else:  # a worker (the filter, the warm-up, an export) met it
            self.app.call_from_thread(self._say_damage, message)

    def _say_damage(self, message: str) -> None:
        self.pending = False
        self.notify(message, title="The library is damaged", severity="error", timeout=30)
