"""The reader follows state.toml while it runs, keeps outside changes through its own changes and
undo, and keeps a change it could not save (disk full) on screen, saying so once."""

from __future__ import annotations

import errno
import os
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

from helpers import list_lines, read_state_file, settle, wait_for_file
from papershelf.collection.memory import InMemoryCollection
from papershelf.model import Paper
from papershelf.store.paths import state_path
from papershelf.store.reading import PaperState, StateStore
from papershelf.ui.app import PapershelfApp
from papershelf.ui.screens.confirm import ConfirmScreen
from papershelf.ui.widgets.filter_box import FilterStatus
from papershelf.ui.widgets.paper_detail import PaperDetail

REAL_FSYNC = os.fsync


def _app(papers: list[Paper], rescue: Path | None = None) -> PapershelfApp:
    return PapershelfApp(InMemoryCollection(papers[:6]), StateStore(state_path()), rescue_dir=rescue)


def _other_reader(key: str, **fields: Any) -> None:
    """Another reader (another process would do the same) changes one paper and saves."""
    other = StateStore(state_path())
    other.load()
    before = other.current([key])[key]
    other.record(key, before, before.with_fields(fields))
    other.save_pending()


async def _until(pilot: Any, check: Any, timeout: float = 2.0) -> float:
    """Let the app run until ``check()`` holds; returns the seconds it took (fails after timeout)."""
    start = time.monotonic()
    while not check():
        assert time.monotonic() - start < timeout, "not shown in time"
        await pilot.pause(0.05)
    return time.monotonic() - start


async def test_an_outside_change_shows_within_two_seconds_and_survives_the_next_change(
    sample_papers: list[Paper],
) -> None:
    app = _app(sample_papers)
    first, second = sample_papers[0].key, sample_papers[1].key
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "★" not in list_lines(app)[1]
        _other_reader(second, starred=True)
        _other_reader(first, tags=("from-elsewhere",))
        await _until(pilot, lambda: app.state.starred(second) and app.state.tags(first))
        await settle(pilot)
        assert "★" in list_lines(app)[1]  # the marker, drawn again
        detail = app.screen.query_one(PaperDetail)
        assert "from-elsewhere" in str(detail.query_one("#detail-tags").render())
        assert app.screen.query_one(FilterStatus).view.count_label  # the counts follow the view
        await pilot.press("s")  # star the highlighted (first) paper: the outside changes stay
        assert app.flush_state()
        data = read_state_file()
        assert data[first] == {"starred": True, "tags": ["from-elsewhere"]}
        assert data[second] == {"starred": True}


async def test_a_starred_only_view_follows_an_outside_star_and_keeps_the_cursor(
    sample_papers: list[Paper],
) -> None:
    app = _app(sample_papers)
    keys = [p.key for p in sample_papers[:6]]
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "s")  # the third paper starred, here
        await pilot.press("asterisk")
        await settle(pilot)
        assert len(app.screen.view) == 1
        _other_reader(keys[0], starred=True)
        await _until(pilot, lambda: len(app.screen.view) == 2)
        assert app.screen.paper_list.current_index == 2  # still on the third paper


async def test_undo_after_an_outside_change_keeps_the_outside_change(sample_papers: list[Paper]) -> None:
    app = _app(sample_papers)
    key = sample_papers[0].key
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        assert app.flush_state()
        _other_reader(key, tags=("theirs",), read=True)
        await _until(pilot, lambda: app.state.tags(key) == ("theirs",))
        await pilot.press("ctrl+z")
        assert app.state.get(key) == PaperState(read=True, tags=("theirs",))
        assert app.flush_state()
        assert read_state_file()[key] == {"read": True, "tags": ["theirs"]}


def _disk_full(fd: int) -> None:
    """The disk of the config directory is full (other disks are not)."""
    if os.readlink(f"/proc/self/fd/{fd}").startswith(str(state_path().parent)):
        raise OSError(errno.ENOSPC, "No space left on device")
    REAL_FSYNC(fd)


async def test_a_full_disk_keeps_the_change_says_so_once_and_saves_it_later(
    sample_papers: list[Paper], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(sample_papers)
    first, second = sample_papers[0].key, sample_papers[1].key
    _other_reader(second, read=True)
    old = state_path().read_bytes()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(os, "fsync", _disk_full)
        await pilot.press("s")
        assert not app.flush_state(1.0)
        await pilot.press("j", "s")
        assert not app.flush_state(1.0)
        await _until(pilot, lambda: app.screen.query_one(FilterStatus).unsaved == 2)
        await pilot.pause()
        said = [str(n.message) for n in app._notifications if "No space left" in str(n.message)]
        assert len(said) == 1  # told once, not at every try
        assert "changes not saved (2 papers)" in str(app.screen.query_one(FilterStatus).render())
        assert app.state.starred(first)
        assert app.state.starred(second)
        assert "★" in list_lines(app)[0]
        assert state_path().read_bytes() == old  # the old file, whole
        monkeypatch.setattr(os, "fsync", REAL_FSYNC)  # not undo(): that would undo the XDG fixture too
        wait_for_file(lambda data: data.get(first, {}).get("starred", False), timeout=4)
        assert read_state_file() == {first: {"starred": True}, second: {"starred": True, "read": True}}
        await _until(pilot, lambda: app.screen.query_one(FilterStatus).unsaved == 0, timeout=3)
        assert any("saved again" in str(n.message) for n in app._notifications)


async def test_a_config_directory_replaced_by_a_file_shows_unsaved_and_saves_once_it_is_back(
    sample_papers: list[Paper],
) -> None:
    """A real failure, no mocks: the directory of state.toml becomes a file while the reader runs."""
    app = _app(sample_papers)
    first, second = sample_papers[0].key, sample_papers[1].key
    _other_reader(second, read=True)
    folder = state_path().parent
    away = folder.with_name(folder.name + ".away")
    old = state_path().read_bytes()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        folder.rename(away)
        folder.write_text("not a folder")
        await pilot.press("s")
        status = app.screen.query_one(FilterStatus)
        await _until(pilot, lambda: status.unsaved == 1, timeout=3)
        await pilot.pause(1.5)  # the poller keeps running; nothing said twice
        assert "changes not saved (1 paper)" in str(status.render())
        said = [str(n.message) for n in app._notifications if "Could not save" in str(n.message)]
        assert len(said) == 1
        assert app.state.starred(first)
        assert (away / "state.toml").read_bytes() == old
        folder.unlink()
        away.rename(folder)
        await _until(pilot, lambda: status.unsaved == 0, timeout=4)
        assert read_state_file() == {first: {"starred": True}, second: {"read": True}}


async def test_quitting_with_unsaved_changes_asks_and_writes_a_rescue_file(
    sample_papers: list[Paper], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = _app(sample_papers, rescue=tmp_path / "rescue")
    key = sample_papers[0].key
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(os, "fsync", _disk_full)
        await pilot.press("s")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # stay: nothing lost
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.is_running
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    (rescued,) = (tmp_path / "rescue").glob("state-unsaved-*.toml")
    assert tomllib.loads(rescued.read_text())["papers"][key] == {"starred": True}
    assert not state_path().exists()
