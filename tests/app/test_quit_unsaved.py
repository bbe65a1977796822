"""Quitting when the reading state could not be saved asks first, and says where the changes went
(or that they could not be written anywhere)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from helpers import make_app, settle
from papershelf.model import Paper
from papershelf.store.paths import state_path
from papershelf.ui.screens.confirm import ConfirmScreen

SIZE = (120, 40)


def break_the_state_folder() -> Path:
    """The state file's folder becomes a file: every save fails (as on a full disk)."""
    folder = state_path().parent
    shutil.rmtree(folder, ignore_errors=True)
    folder.write_text("not a folder")
    return folder


def mend_the_state_folder(folder: Path) -> None:
    folder.unlink()
    folder.mkdir()


async def test_quit_asks_when_a_change_could_not_be_saved(
    sample_papers: list[Paper], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the copy may go
    app = make_app(sample_papers[:5])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        folder = break_the_state_folder()
        await pilot.press("s")  # star: the save fails
        assert not app.shelf.flush()
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Changes to 1 paper are not saved" in app.screen.question
        assert "rescue file" in app.screen.detail
        await pilot.press("n")  # stay
        await pilot.pause()
        assert app.is_running
        assert not isinstance(app.screen, ConfirmScreen)
        mend_the_state_folder(folder)
        await pilot.press("j", "s")  # a later save succeeds and writes everything
        assert app.shelf.flush()
        assert app.shelf.unsaved == 0
        await pilot.press("q")  # nothing unsaved: quits at once
        await pilot.pause()
    assert not app.is_running
    saved = state_path().read_text(encoding="utf-8")
    assert sample_papers[0].key in saved
    assert sample_papers[1].key in saved


async def test_yes_quits_and_nothing_written_anywhere_is_said(
    sample_papers: list[Paper],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file")
    monkeypatch.setattr(tempfile, "tempdir", str(blocked / "tmp"))  # no temporary directory
    monkeypatch.setenv("HOME", str(blocked / "home"))  # and no home
    app = make_app(sample_papers[:5])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        break_the_state_folder()
        await pilot.press("s")
        assert not app.shelf.flush()
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
    assert not app.is_running
    (said,) = app.close_problems  # one message; cli/read.py prints it once the reader is gone
    assert "could not be saved" in said
    assert "nor anywhere else" in said
