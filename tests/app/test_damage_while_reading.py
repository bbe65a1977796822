"""A library damaged while the reader runs: said once, naming the fix; the reader goes on.

The damage is real: bytes of library.sqlite or of an index segment overwritten on disk after
the reader opened the library, met when the list scrolls to papers not read yet or when a query
first loads the index (in the filter worker).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from helpers import settle
from papershelf.library.library import Library
from papershelf.model import Paper
from papershelf.store.paths import state_path
from papershelf.store.reading import StateStore
from papershelf.ui.app import PapershelfApp
from papershelf.ui.widgets.filter_box import FilterStatus
from papershelf.ui.widgets.paper_list import PaperList

SIZE = (120, 40)
COUNT = 3000


def papers() -> list[Paper]:
    long = "lorem ipsum dolor sit amet " * 30
    return [
        Paper(f"Paper number {i}", f"alpha w{i % 7} {long}", arxiv_id=f"2401.{i:05d}", source="test")
        for i in range(COUNT)
    ]


def build(directory: Path) -> None:
    library = Library(directory)
    library.importer().import_papers(papers())
    library.close()
    db = sqlite3.connect(directory / "library.sqlite")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in the main file
    db.close()


def reader(directory: Path) -> PapershelfApp:
    """A library of COUNT papers built in ``directory``, and the reader on it."""
    build(directory)
    return PapershelfApp(Library(directory, readonly=True).collection(), StateStore(state_path()))


def garble(path: Path, start: float, end: float) -> None:
    data = bytearray(path.read_bytes())
    first, last = int(len(data) * start), int(len(data) * end)
    data[first:last] = b"\x5a" * (last - first)
    path.write_bytes(bytes(data))


def damage_messages(app: PapershelfApp) -> list[str]:
    return [str(n.message) for n in app._notifications if "papershelf library repair" in str(n.message)]


async def test_pages_that_no_longer_read_are_said_once_and_the_reader_goes_on(tmp_path: Path) -> None:
    directory = tmp_path / "lib"
    app = reader(directory)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Paper number 0" in app.screen.query_one(PaperList).render_line(0).text
        garble(directory / "library.sqlite", 0.45, 0.97)  # the pages of the later papers
        await pilot.press("G")  # the last papers: their page is read now, and fails
        await settle(pilot)
        await pilot.press("k", "k")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert app.is_running
        said = damage_messages(app)
        assert len(said) == 1, said  # once, however many rows fail
        assert "library.sqlite" in said[0]
        lines = [app.screen.query_one(PaperList).render_line(y).text for y in range(3)]
        assert "Paper number 0" in lines[0]  # what still reads is shown as before


async def test_an_index_garbled_under_the_reader_keeps_the_last_result(tmp_path: Path) -> None:
    directory = tmp_path / "lib"
    app = reader(directory)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        segment = next(p for p in sorted((directory / "index").iterdir()) if p.is_dir())
        # Before the first query loads the index, or after (a warm-up may have): the postings of
        # "alpha" (the second tenth of the file, after the numbers) are garbled either way.
        garble(segment / "postings.u16", 0.05, 0.7)
        await pilot.press("slash", *"alpha")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.is_running
        said = damage_messages(app)
        assert len(said) == 1, said
        assert "index" in said[0]
        status = app.screen.query_one(FilterStatus)
        assert not status.pending  # not "counting…" for ever
        assert app.screen.view.total == COUNT  # the list keeps its last good result
        assert len(app.screen.view) == COUNT
