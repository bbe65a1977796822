"""A library directory: ``library.sqlite`` (the papers) and ``index/`` (the search index)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from papershelf.library.collection import LibraryCollection
from papershelf.library.store import REPAIR, LibraryDamaged, LibraryStore, has_schema

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
        """Whether ``directory`` holds a library: its SQLite file with its tables. A file with
        no tables yet (its first import is starting, or was killed at that moment) is no
        library; the next ``add`` creates it. A file SQLite cannot read counts as one, so
        opening it says what is wrong."""
        return has_schema(directory / "library.sqlite")

    def importer(self) -> Importer:
        from papershelf.library.importer import Importer  # noqa: PLC0415 - numpy: not at start-up

        self.verify(checksums=True)  # new batches are not built on a damaged index
        return Importer(self.store, self.index_dir)

    def verify(self, *, checksums: bool = False) -> None:
        """Raise :class:`LibraryDamaged` (one line naming the fix) when an index segment is
        missing or has a file of the wrong size (cheap: directory and size checks), or, with
        ``checksums``, a garbled file (an index up to ``check.CHECKSUM_BYTES``)."""
        from papershelf.library.check import index_problems  # noqa: PLC0415

        problems = index_problems(self.store, self.index_dir)
        if problems and index_problems(self.store, self.index_dir):  # twice: a merge may have just ended
            raise LibraryDamaged(f"{self.directory}: {problems[0]}; {REPAIR}")
        if checksums:
            from papershelf.library.check import checksum_problems  # noqa: PLC0415

            names = [name for name, _, _ in self.store.segments()]
            problems = checksum_problems(self.index_dir, names, self.store.segment_files())
            if problems:
                raise LibraryDamaged(f"{self.directory}: {problems[0]}; {REPAIR}")

    def collection(self) -> LibraryCollection:
        self.verify()
        names, size = self.store.snapshot()
        listed = self.store.segment_files()
        store, index_dir = self.store, self.index_dir

        def load_index() -> SearchIndex:
            from papershelf.library.check import checksum_problems  # noqa: PLC0415
            from papershelf.library.index import SearchIndex  # noqa: PLC0415 - numpy: ~100 ms

            try:
                try:
                    index, used, files = SearchIndex(index_dir, names, size), names, listed
                except FileNotFoundError:
                    # A merge replaced some of these segments since the list was read: the current
                    # list answers the same for our papers (papers added since are left out).
                    used, now = store.snapshot()
                    index, files = (
                        SearchIndex(index_dir, used, size, capacity=max(now, size)),
                        store.segment_files(),
                    )
                problems = checksum_problems(index_dir, used, files)
            except (OSError, ValueError) as error:
                raise LibraryDamaged(f"{index_dir}: the index cannot be read ({error}); {REPAIR}") from None
            if problems:
                raise LibraryDamaged(f"{self.directory}: {problems[0]}; {REPAIR}")
            return index

        return LibraryCollection(self.store, load_index, size)

    def merge(self, *, force: bool = False, progress: Callable[[str], None] | None = None) -> int:
        """Merge index segments that are due (all that can be, when forced): see
        :mod:`papershelf.library.merge`. Returns the merges done."""
        from papershelf.library.heap import give_back_freed_memory  # noqa: PLC0415
        from papershelf.library.merge import merge_segments  # noqa: PLC0415 - numpy

        give_back_freed_memory()  # what the import freed
        done = merge_segments(self.store, self.index_dir, force=force, progress=progress)
        give_back_freed_memory()  # what the merges freed
        self.refresh_ranking()
        return done

    def refresh_ranking(self) -> None:
        """The ranking matrix brought up to date after an import (see ``library/ranking.py``),
        so that "for you" opens without building it."""
        from papershelf.library.index import SearchIndex  # noqa: PLC0415 - numpy
        from papershelf.library.ranking import refresh  # noqa: PLC0415

        names, size = self.store.snapshot()
        refresh(SearchIndex(self.index_dir, names, size), self.directory / "rank", size)

    def close(self) -> None:
        self.store.close()
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None
