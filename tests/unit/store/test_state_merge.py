"""Merged saves, following outside changes, failed saves and rescue files (real files, no mocks
except the injected ENOSPC)."""

from __future__ import annotations

import errno
import os
import tomllib
from pathlib import Path

import pytest

from papershelf.query.search import Query
from papershelf.store import state_text
from papershelf.store.files import conflict_copies
from papershelf.store.reading import PaperState, StateStore
from papershelf.store.shelf import Shelf
from papershelf.store.views import SavedView

REAL_FSYNC = os.fsync


def _store(path: Path) -> StateStore:
    store = StateStore(path)
    store.load()
    return store


def _change(store: StateStore, key: str, **fields: object) -> None:
    before = store.current([key])[key]
    store.record(key, before, before.with_fields(dict(fields)))
    store.save_pending()


def test_two_readers_changing_different_fields_both_survive(tmp_path: Path) -> None:
    path = tmp_path / "state.toml"
    a, b = _store(path), _store(path)
    _change(a, "p1", starred=True)
    _change(b, "p2", starred=True)
    _change(a, "p3", read=True)
    _change(b, "p1", tags=("vision",))  # same paper as a's star, another field
    _change(b, "p4", starred=True)
    state = StateStore(path).load().state
    assert state.get("p1") == PaperState(starred=True, tags=("vision",))
    assert state.starred("p2")
    assert state.read("p3")
    assert state.starred("p4")


def test_the_same_field_saved_last_wins(tmp_path: Path) -> None:
    path = tmp_path / "state.toml"
    a, b = _store(path), _store(path)
    _change(a, "p", note="from a", starred=True)
    _change(b, "p", note="from b")
    assert StateStore(path).load().state.get("p") == PaperState(starred=True, note="from b")
    _change(a, "p", starred=False)  # a's view of the note is stale; it does not write it back
    assert StateStore(path).load().state.get("p") == PaperState(note="from b")


def test_outside_changes_are_merged_under_own_pending_ones(tmp_path: Path) -> None:
    path = tmp_path / "state.toml"
    a, b = _store(path), _store(path)
    _change(a, "p", read=True)
    before = b.current(["p"])["p"]
    b.record("p", before, before.with_fields({"starred": True}))  # pending, not saved
    assert b.refresh()
    assert b.take_outside() == {"p"}
    assert b.current(["p"])["p"] == PaperState(starred=True, read=True)
    assert not b.refresh()  # nothing new on disk


@pytest.mark.parametrize(
    "edit",
    [
        lambda text: text.replace(
            '[papers."k5"]\nread = true\n', '[papers."k5"]\nread = true\nstarred = true\n'
        ),
        lambda text: text.replace('\n[papers."k5"]\nread = true\n', ""),
        lambda text: text + '\n[papers."new"]\ntags = ["x"]\n',
        lambda text: text.replace("read = true", "read=true"),  # reformatted by hand: every table
        lambda text: text.replace(
            '[papers."k0"]\nread = true\n', '[papers."k0"]\nnote = """a\n[papers."k9"]\n"""\n'
        ),
    ],
)
def test_a_reread_parses_like_tomllib(tmp_path: Path, edit: object) -> None:
    path = tmp_path / "state.toml"
    store = StateStore(path)
    store.save({f"k{n}": PaperState(read=True) for n in range(10)})
    assert callable(edit)
    path.write_text(edit(path.read_text()))
    store.refresh()
    expected = state_text.parse_full(path.read_text(), path)
    assert store.current() == expected
    assert StateStore(path).load().state.snapshot() == expected


def test_a_duplicate_table_written_from_outside_is_set_aside_at_the_next_save(tmp_path: Path) -> None:
    path = tmp_path / "state.toml"
    store = StateStore(path)
    store.save({"a": PaperState(read=True)})
    path.write_text(path.read_text() + '\n[papers."a"]\nstarred = true\n')
    assert not store.refresh()
    assert "not valid" in store.take_problems()[0]
    _change(store, "b", starred=True)
    assert "moved to" in store.take_problems()[0]
    assert list(tmp_path.glob("state.toml.corrupt-*"))
    assert StateStore(path).load().state.snapshot() == {
        "a": PaperState(read=True),
        "b": PaperState(starred=True),
    }


def test_a_failed_save_keeps_the_change_and_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.toml"
    store = StateStore(path)
    store.save({"a": PaperState(read=True)})
    old = path.read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    before = store.current(["b"])["b"]
    store.record("b", before, PaperState(starred=True))
    with pytest.raises(OSError, match="No space"):
        store.save_pending()
    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.glob("*state*")) == ["state.toml", "state.toml.lock"]  # no temp
    assert store.unsaved == 1
    assert store.current(["b"])["b"] == PaperState(starred=True)
    monkeypatch.setattr(os, "fsync", REAL_FSYNC)  # not undo(): that would undo the XDG fixture too
    assert store.save_pending()
    assert store.unsaved == 0
    assert StateStore(path).load().state.snapshot() == {
        "a": PaperState(read=True),
        "b": PaperState(starred=True),
    }


def test_a_directory_replaced_by_a_file_then_removed(tmp_path: Path) -> None:
    """Real failures, no mocks: the config directory replaced by a file (a sync tool, a mistaken
    command), then removed. Looking at the file never raises; the save fails, keeps the change
    and leaves the old file whole; once the directory is gone the next save makes it again."""
    folder = tmp_path / "config"
    path = folder / "state.toml"
    store = StateStore(path)
    store.save({"a": PaperState(read=True)})
    old = path.read_bytes()
    folder.rename(tmp_path / "away")
    folder.write_text("not a folder")
    assert not store.refresh()  # the reader's poll: nothing to show, no exception
    store.record("b", PaperState(), PaperState(starred=True))
    with pytest.raises((FileExistsError, NotADirectoryError)):
        store.save_pending()
    assert store.unsaved == 1
    assert store.current(["b"])["b"] == PaperState(starred=True)
    assert (tmp_path / "away" / "state.toml").read_bytes() == old
    folder.unlink()
    assert not store.refresh()
    assert store.save_pending()
    assert store.unsaved == 0
    assert StateStore(path).load().state.snapshot() == {
        "a": PaperState(read=True),
        "b": PaperState(starred=True),
    }


def test_the_command_line_load_never_moves_or_writes(tmp_path: Path) -> None:
    path = tmp_path / "state.toml"
    path.write_text("not [ toml")
    result = StateStore(path).load(readonly=True)
    assert not result.writable
    assert result.warning is not None
    assert path.read_text() == "not [ toml"
    assert sorted(p.name for p in tmp_path.glob("*state*")) == ["state.toml"]


def _shelf(tmp_path: Path) -> Shelf:
    return Shelf(
        StateStore(tmp_path / "state.toml"),
        views_file=tmp_path / "views.toml",
        rescue_dir=tmp_path / "rescue",
    )


def test_undo_reverts_only_this_readers_own_fields(tmp_path: Path) -> None:
    mine, other = _shelf(tmp_path), _shelf(tmp_path)
    mine.open()
    other.open()
    mine.update("p", "star", starred=True)
    assert mine.flush()
    other.poll()
    other.sync()
    other.update("p", "tags", tags=("ml",))
    assert other.flush()
    mine.poll()
    assert mine.sync().keys == ["p"]
    assert mine.state.get("p") == PaperState(starred=True, tags=("ml",))
    mine.undo()
    assert mine.state.get("p") == PaperState(tags=("ml",))
    assert mine.flush()
    assert StateStore(tmp_path / "state.toml").load().state.get("p") == PaperState(tags=("ml",))
    mine.close()
    other.close()


def test_undo_leaves_a_field_another_reader_changed_since(tmp_path: Path) -> None:
    mine, other = _shelf(tmp_path), _shelf(tmp_path)
    mine.open()
    other.open()
    mine.update("p", "note", note="mine")
    assert mine.flush()
    other.poll()
    other.sync()
    other.update("p", "note", note="theirs")
    assert other.flush()
    mine.poll()
    mine.sync()
    mine.undo()
    assert mine.state.note("p") == "theirs"
    mine.close()
    other.close()


def test_views_saved_in_two_readers_both_survive(tmp_path: Path) -> None:
    a, b = _shelf(tmp_path), _shelf(tmp_path)
    a.save_view(SavedView("vision", Query("vision")))
    b.save_view(SavedView("ocr", Query("ocr")))
    assert [v.name for v in b.views] == ["vision", "ocr"]
    a.poll()
    assert a.sync().views
    assert [v.name for v in a.views] == ["vision", "ocr"]


def test_sync_conflict_copies_are_named_once(tmp_path: Path) -> None:
    for name in (
        "state.sync-conflict-20261202-101010-ABCDEFG.toml",
        "state.toml.orig",
        "state (Ada's conflicted copy 2026-12-02).toml",
        "views.sync-conflict-20261202-101010-ABCDEFG.toml",
        "state-cache.json",
    ):
        (tmp_path / name).write_text("")
    assert [p.name for p in conflict_copies(tmp_path / "state.toml")] == [
        "state (Ada's conflicted copy 2026-12-02).toml",
        "state.sync-conflict-20261202-101010-ABCDEFG.toml",
        "state.toml.orig",
    ]
    shelf = _shelf(tmp_path)
    named = [message for title, message in shelf.warnings if title == "Sync conflict"]
    assert len(named) == 4
    assert not shelf.sync().messages  # once
    (tmp_path / "state.sync-conflict-20261203-000000-XYZ.toml").write_text("")
    assert len(shelf.sync().messages) == 1


def test_unsaved_changes_go_to_a_rescue_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shelf = _shelf(tmp_path)
    shelf.update("a", starred=True)  # not opened: nothing saved yet
    assert shelf.unsaved == 1
    where = shelf.rescue()
    assert where is not None
    assert where.parent == tmp_path / "rescue"
    assert tomllib.loads(where.read_text())["papers"] == {"a": {"starred": True}}


def test_the_json_cache_follows_outside_changes(tmp_path: Path) -> None:
    path, cache = tmp_path / "state.toml", tmp_path / "cache.json"
    a = StateStore(path, cache_path=cache)
    a.load()
    _change(a, "p", starred=True)
    _change(_store(path), "p", tags=("b",))  # another reader
    a.refresh()
    a.write_cache()  # as the reader does when it closes
    assert StateStore(path, cache_path=cache).load().state.get("p") == PaperState(starred=True, tags=("b",))
    _change(_store(path), "p", note="later")  # after the cache was written: it is not used
    assert StateStore(path, cache_path=cache).load().state.note("p") == "later"
