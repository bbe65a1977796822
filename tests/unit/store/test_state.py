import os
import signal
import subprocess
import sys
import textwrap
import time
import tomllib
from pathlib import Path

import pytest

from papershelf.store.files import write_atomic
from papershelf.store.reading import PaperState, ReadingState, StateStore, parse_tags
from papershelf.store.writer import StateWriter


def test_round_trip(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.toml")
    state = ReadingState()
    state.update("arxiv:2409.04095", starred=True, tags=("vision", "ocr"))
    state.update("title:a b", read=True)
    store.save(state.snapshot())
    loaded = StateStore(store.path).load()
    assert loaded.warning is None
    assert loaded.state.get("arxiv:2409.04095") == PaperState(starred=True, tags=("vision", "ocr"))
    assert loaded.state.get("title:a b") == PaperState(read=True)
    assert loaded.state.get("missing") == PaperState()


def test_file_is_human_readable_toml(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.toml")
    store.save({"title:x": PaperState(starred=True, read=True, tags=("a",))})
    text = store.path.read_text()
    assert '[papers."title:x"]' in text
    assert "starred = true" in text
    assert tomllib.loads(text) == {
        "version": 1,
        "papers": {"title:x": {"starred": True, "read": True, "tags": ["a"]}},
    }


def test_hand_edited_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "state.toml"
    path.write_text('version = 1\n[papers."k"]\nstarred = true\ntags = ["x", "X", " y "]\n')
    state = StateStore(path).load().state
    assert state.get("k") == PaperState(starred=True, tags=("x", "y"))


def test_empty_entries_are_dropped() -> None:
    state = ReadingState()
    assert state.update("k", starred=True)
    assert not state.update("k", starred=True)
    assert state.update("k", starred=False)
    assert len(state) == 0


def test_parse_tags() -> None:
    assert parse_tags(" vision, ocr ,,Vision, \x1b[1mnew\x1b[0m ") == ("vision", "ocr", "new")
    assert parse_tags("") == ()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("this is [not toml", "at line 1"),
        ('version = 1\npapers = "x"\n', "'papers' must be a table"),
        ('version = 1\n[papers."k"]\nstarred = "yes"\n', "starred must be true or false"),
        ('version = 1\n[papers."k"]\ncolour = 1\n', "unknown key 'colour'"),
        ('version = 1\n[papers."k"]\ntags = [1]\n', "tags must be a list of strings"),
        ("version = 9\n", "unsupported version 9"),
        ("extra = 1\n", "unknown top-level key 'extra'"),
        (b"\xff\xfe", "codec"),
    ],
)
def test_corrupt_file_is_moved_aside_and_reported(tmp_path: Path, content: str | bytes, reason: str) -> None:
    path = tmp_path / "state.toml"
    raw = content if isinstance(content, bytes) else content.encode()
    path.write_bytes(raw)
    result = StateStore(path).load()
    assert len(result.state) == 0
    assert result.writable
    assert result.warning is not None
    assert reason in result.warning
    assert not path.exists()
    (aside,) = tmp_path.glob("state.toml.corrupt-*")
    assert aside.read_bytes() == raw  # kept byte for byte
    assert str(aside) in result.warning


def test_second_corrupt_file_does_not_replace_the_first(tmp_path: Path) -> None:
    path = tmp_path / "state.toml"
    for content in ("bad = [", "worse = ["):
        path.write_text(content)
        StateStore(path).load()
    assert sorted(p.read_text() for p in tmp_path.glob("state.toml.corrupt-*")) == ["bad = [", "worse = ["]


def test_unreadable_file_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "state.toml"
    path.mkdir()  # reading a directory fails like an unreadable file does
    result = StateStore(path).load()
    assert not result.writable
    assert result.warning is not None
    assert "will not be saved" in result.warning


def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "f.toml"
    write_atomic(target, "a = 1\n")
    write_atomic(target, "a = 2\n")
    assert target.read_text() == "a = 2\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["f.toml"]


def test_writer_coalesces_and_flushes(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "state.toml")
    writer = StateWriter(store)
    state = ReadingState()
    for i in range(200):
        state.update(f"title:p{i}", read=True)
        writer.submit(state.snapshot())
    assert writer.flush(5)
    assert len(StateStore(store.path).load().state) == 200
    writer.close()


def test_writer_reports_errors(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    errors: list[Exception] = []
    writer = StateWriter(StateStore(blocker / "state.toml"), on_error=errors.append)
    writer.submit({"k": PaperState(read=True)})
    writer.flush(5)
    writer.close()
    assert errors
    assert isinstance(errors[0], OSError)


def test_sigkill_mid_write_never_leaves_a_truncated_file(tmp_path: Path) -> None:
    """A child rewrites a large state file in a loop; SIGKILL it at many moments; the file always parses."""
    path = tmp_path / "state.toml"
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from papershelf.store.reading import PaperState, StateStore
        store = StateStore(Path({str(path)!r}))
        entries = {{f"title:paper {{i}}": PaperState(read=True) for i in range(20000)}}
        n = 0
        print("ready", flush=True)
        while True:
            n += 1
            entries[f"title:extra {{n}}"] = PaperState(starred=True)
            store.save(entries)
        """
    )
    for delay in (0.05, 0.13, 0.21, 0.34, 0.5):
        child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
        assert child.stdout is not None
        child.stdout.readline()
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        if path.exists():
            data = tomllib.loads(path.read_text())
            assert len(data["papers"]) >= 20000
    assert path.exists()
