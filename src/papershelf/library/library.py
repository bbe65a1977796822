"""A library directory: ``library.sqlite`` (the papers) and ``index/`` (the search index)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from papershelf.library.collection import LibraryCollection
from papershelf.library.store import LibraryStore

if TYPE_CHECKING:
    from papershelf.library.importer import Importer
    from papershelf.library.index import SearchIndex


class Library:
    """A library directory: ``library.sqlite`` and ``index/``."""

    def __init__(
        self,
        directory: Path,
        *,
        readonly: bool = False,
        on_wait: Callable[[str], None] | None = None,
        lock_timeout: float | None = None,
    ) -> None:
        """A writable library holds the library lock until :meth:`close` (one writer at a time;
        see :mod:`papershelf.library.lock`); a read-only one takes none."""
        self.directory = directory
        self.index_dir = directory / "index"
        self._lock = None
        if not readonly:
            from papershelf.library.lock import DEFAULT_TIMEOUT, WriterLock  # noqa: PLC0415

            self._lock = WriterLock(directory)
            self._lock.acquire(DEFAULT_TIMEOUT if lock_timeout is None else lock_timeout, on_wait)
        try:
            self.store = LibraryStore(directory / "library.sqlite", readonly=readonly)
        except BaseException:
            self._release()
            raise

    @classmethod
    def exists(cls, directory: Path) -> bool:
        return (directory / "library.sqlite").exists()

    def importer(self) -> Importer:
        from papershelf.library.importer import Importer  # noqa: PLC0415 - numpy: not at start-up

        return Importer(self.store, self.index_dir)

    def collection(self) -> LibraryCollection:
        names, size = self.store.snapshot()
        store, index_dir = self.store, self.index_dir

        def load_index() -> SearchIndex:
            from papershelf.library.index import SearchIndex  # noqa: PLC0415 - numpy: ~100 ms

            try:
                return SearchIndex(index_dir, names, size)
            except FileNotFoundError:
                # A merge replaced some of these segments since the list was read: the current
                # list answers the same for our papers (papers added since are left out).
                current, now = store.snapshot()
                return SearchIndex(index_dir, current, size, capacity=max(now, size))

        return LibraryCollection(self.store, load_index, size)

    def merge(self, *, force: bool = False, progress: Callable[[str], None] | None = None) -> int:
        """Merge index segments that are due (all that can be, when forced): see
        :mod:`papershelf.library.merge`. Returns the merges done."""
        from papershelf.library.merge import merge_segments  # noqa: PLC0415 - numpy

        return merge_segments(self.store, self.index_dir, force=force, progress=progress)

    def close(self) -> None:
        self.store.close()
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None
