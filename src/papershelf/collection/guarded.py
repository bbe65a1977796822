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
from typing import TypeVar

from papershelf.collection import PaperCollection, Positions, Row
from papershelf.model import Paper
from papershelf.query.context import Context, StateLookup
from papershelf.query.search import Query


class CollectionDamaged(Exception):
    """A collection's data cannot be read; the message names the file and the fix."""


UNREADABLE = "(unreadable: the library is damaged)"
T = TypeVar("T")


class GuardedCollection:
    """``inner`` with every read guarded (see the module's docstring)."""

    def __init__(self, inner: PaperCollection, on_damage: Callable[[str], None]) -> None:
        self.inner = inner
        self._on_damage = on_damage
        self._lock = threading.Lock()
        self.damage: str | None = None  # the first damage met, once there was one
        self._unreadable: set[int] = set()  # rows that failed: drawn again without a read

    def _read(self, read: Callable[[], T], fallback: Callable[[CollectionDamaged], T] | None) -> T:
        """``read()``; on damage, said once, then ``fallback(error)`` (None: re-raised)."""
        try:
            return read()
        except CollectionDamaged as error:
            with self._lock:
                first = self.damage is None
                if first:
                    self.damage = str(error)
            if first:
                self._on_damage(str(error))
            if fallback is None:
                raise
            return fallback(error)

    def __len__(self) -> int:
        return len(self.inner)

    def row(self, index: int) -> Row:
        if index in self._unreadable:
            return Row(f"unreadable:{index}", UNREADABLE, None, 0)

        def unreadable(_: CollectionDamaged) -> Row:
            self._unreadable.add(index)
            return Row(f"unreadable:{index}", UNREADABLE, None, 0)

        return self._read(lambda: self.inner.row(index), unreadable)

    def paper(self, index: int) -> Paper:
        return self._read(
            lambda: self.inner.paper(index),
            lambda error: Paper(UNREADABLE, abstract=str(error), key=f"unreadable:{index}"),
        )

    def index_of(self, key: str) -> int | None:
        return self._read(lambda: self.inner.index_of(key), lambda _: None)

    def indices_of(self, keys: Iterable[str]) -> dict[str, int]:
        return self._read(lambda: self.inner.indices_of(keys), lambda _: {})

    def dates(self) -> Positions:
        def none(_: CollectionDamaged) -> Positions:
            import numpy as np  # noqa: PLC0415 - numpy: only when asked for dates

            return np.zeros(len(self.inner), dtype=np.int64)

        return self._read(self.inner.dates, none)

    def filter(self, query: Query, context: Context) -> Positions:
        return self._read(lambda: self.inner.filter(query, context), None)

    def is_quick(self, query: Query, state: StateLookup | None = None) -> bool:
        return self._read(lambda: self.inner.is_quick(query, state), lambda _: False)

    def why(self, index: int, sort: str, state: StateLookup) -> tuple[float, list[tuple[str, float]]] | None:
        return self._read(lambda: self.inner.why(index, sort, state), lambda _: None)

    def warm_up(self, stop: Callable[[], bool]) -> None:
        self._read(lambda: self.inner.warm_up(stop), lambda _: None)

    def preview(self, query: Query, context: Context) -> Positions | None:
        return self._read(lambda: self.inner.preview(query, context), None)
