"""A library directory: ``library.sqlite`` (the papers) and ``index/`` (the search index)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from papershelf.library.collection import LibraryCollection
from papershelf.library.store import LibraryStore

if TYPE_CHECKING:
    from papershelf.library.importer import Importer
    from papershelf.library.index import SearchIndex


class Library:
    """A library directory: ``library.sqlite`` and ``index/``."""

    def __init__(self, directory: Path, *, readonly: bool = False) -> None:
        self.directory = directory
        self.store = LibraryStore(directory / "library.sqlite", readonly=readonly)
        self.index_dir = directory / "index"

    @classmethod
    def exists(cls, directory: Path) -> bool:
        return (directory / "library.sqlite").exists()

    def importer(self) -> Importer:
        from papershelf.library.importer import Importer  # noqa: PLC0415 - numpy: not at start-up

        return Importer(self.store, self.index_dir)

    def collection(self) -> LibraryCollection:
        names = [name for name, _, _ in self.store.segments()]
        size = self.store.count()

        def load_index() -> SearchIndex:
            from papershelf.library.index import SearchIndex  # noqa: PLC0415 - numpy: ~100 ms

            return SearchIndex(self.index_dir, names, size)

        return LibraryCollection(self.store, load_index, size)

    def close(self) -> None:
        self.store.close()
