"""A library written before the venue/announce/AI columns existed opens, gains them, and reads;
papers without the newer fields keep the digest they always had (re-importing changes nothing)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from papershelf.library.library import Library
from papershelf.library.store import ADDED_COLUMNS
from papershelf.model import Paper
from papershelf.query.context import Context
from papershelf.query.search import Query
from papershelf.store.reading import ReadingState

OLD = Paper("An Old Paper", "Its abstract.", authors=("A. Author",), published="2020-01-02")


def _downgrade(path: Path) -> None:
    db = sqlite3.connect(path)
    for name, _ in ADDED_COLUMNS:
        db.execute(f"ALTER TABLE papers DROP COLUMN {name}")
    db.commit()
    db.close()


def test_an_older_library_opens_read_only_and_imports_again(tmp_path: Path) -> None:
    library = Library(tmp_path)
    library.importer().import_papers([OLD])
    library.close()
    _downgrade(tmp_path / "library.sqlite")
    reader = Library(tmp_path, readonly=True)
    collection = reader.collection()
    assert collection.paper(0).title == "An Old Paper"
    assert list(collection.filter(Query("-is:replaced venue:x | old"), Context(ReadingState()))) == [0]
    reader.close()
    writer = Library(tmp_path)
    report = writer.importer().import_papers([OLD, Paper("New", venue="Nature", announce="new")])
    assert (report.new, report.updated, report.unchanged) == (1, 0, 1)
    writer.close()
