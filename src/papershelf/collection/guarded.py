"""A collection whose reads cannot take the reader down.

A library can be damaged while the reader runs (a disk error, a file overwritten, a sync tool
restoring an old copy): a page of ``library.sqlite`` read for the first time when the list
scrolls to it then fails. :class:`GuardedCollection` wraps the collection the UI draws from:
every :class:`CollectionDamaged` is reported once through ``on_damage`` (the reader shows it,
naming the fix), and the read gives a placeholder instead of a traceback -- a row that says it
is unreadable, no date, no match for a key. ``filter`` re-raises, so the screen keeps the last
good result instead of showing an empty list as if nothing matched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from papershelf.collection import PaperCollection, Positions, Row
from papershelf.model import Paper
from papershelf.query.context import Context, StateLookup
from papershelf.query.search import Query


class CollectionDamaged(Exception):
    """A collection's data cannot be read; the message names the file and the fix."""


UNREADABLE = "(unreadable: the library is damaged)"


class GuardedCollection:
    """``inner`` with every read guarded (see the module's docstring)."""

    def __init__(self, inner: PaperCollection, on_damage: Callable[[str], None]) -> None:
        self.inner = inner
        self._on_damage = on_damage
        self._lock = threading.Lock()
        self.damage: str | None = None  # the first damage met, once there was one

    def _report(self, error: CollectionDamaged) -> None:
        with self._lock:
            first = self.damage is None
            if first:
                self.damage = str(error)
        if first:
            self._on_damage(str(error))

    def __len__(self) -> int:
        return len(self.inner)

    def row(self, index: int) -> Row:
        try:
            return self.inner.row(index)
        except CollectionDamaged as error:
            self._report(error)
            return Row(f"unreadable:{index}", UNREADABLE, None, 0)

    def paper(self, index: int) -> Paper:
        try:
            return self.inner.paper(index)
        except CollectionDamaged as error:
            self._report(error)
            return Paper(UNREADABLE, abstract=str(error), key=f"unreadable:{index}")

    def index_of(self, key: str) -> int | None:
        try:
            return self.inner.index_of(key)
        except CollectionDamaged as error:
            self._report(error)
            return None

    def indices_of(self, keys: Iterable[str]) -> dict[str, int]:
        try:
            return self.inner.indices_of(keys)
        except CollectionDamaged as error:
            self._report(error)
            return {}

    def dates(self) -> Positions:
        try:
            return self.inner.dates()
        except CollectionDamaged as error:
            self._report(error)
            import numpy as np  # noqa: PLC0415 - numpy: only when asked for dates

            return np.zeros(len(self.inner), dtype=np.int64)

    def filter(self, query: Query, context: Context) -> Positions:
        try:
            return self.inner.filter(query, context)
        except CollectionDamaged as error:
            self._report(error)
            raise

    def is_quick(self, query: Query, state: StateLookup | None = None) -> bool:
        try:
            return self.inner.is_quick(query, state)
        except CollectionDamaged as error:
            self._report(error)
            return False

    def why(self, index: int, sort: str, state: StateLookup) -> tuple[float, list[tuple[str, float]]] | None:
        try:
            return self.inner.why(index, sort, state)
        except CollectionDamaged as error:
            self._report(error)
            return None

    def warm_up(self, stop: Callable[[], bool]) -> None:
        try:
            self.inner.warm_up(stop)
        except CollectionDamaged as error:
            self._report(error)

    def preview(self, query: Query, context: Context) -> Positions | None:
        try:
            return self.inner.preview(query, context)
        except CollectionDamaged as error:
            self._report(error)
            raise
