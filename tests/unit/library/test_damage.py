"""A damaged library: one clear line naming the fix, never a traceback or a wrong answer; `papershelf
library check` finds the damage and `papershelf library repair` restores the right answers."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from library_helpers import arxiv_record, write_jsonl
from papershelf.store.paths import library_dir


def papershelf(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "papershelf", *args], capture_output=True, text=True, timeout=120, check=False
    )


QUERIES = ("alpha", "w3", "title:paper")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str] | str]]:
    """One library of three batches (three segments), imported once by real ``papershelf add``
    runs, and its right answers; each test works on a copy of it (see :func:`build`)."""
    home = tmp_path_factory.mktemp("built")
    env = {
        name: str(home / name.lower())
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        for part in range(3):
            records = [
                arxiv_record(part * 100 + i, f"Paper {part} {i}", f"alpha w{i % 10}") for i in range(100)
            ]
            assert papershelf("add", str(write_jsonl(home / f"{part}.jsonl", records))).returncode == 0
        right = {query: keys(query) for query in QUERIES}
        return library_dir(), right


def build(built: tuple[Path, dict[str, list[str] | str]], tmp_path: Path) -> dict[str, list[str] | str]:
    """This test's library: a copy of the one built for the module (the same files a fresh
    import writes), and its right answers; the first batch's file is ``tmp_path/0.jsonl``."""
    template, right = built
    shutil.copytree(template, library_dir())
    shutil.copy(template.parents[2] / "0.jsonl", tmp_path / "0.jsonl")
    return right


def keys(query: str) -> list[str] | str:
    done = papershelf("list", "--format", "jsonl", query)
    if done.returncode:
        return done.stderr
    return sorted(json.loads(line)["key"] for line in done.stdout.splitlines())


def segment_file(name: str) -> Path:
    index = library_dir() / "index"
    return sorted(index.iterdir())[1] / name


def delete(path: Path) -> None:
    path.unlink()


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-40])


def garble(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for i in range(len(data) - 60, len(data), 3):  # the last postings: positions of other papers
        data[i] ^= 0x01
    path.write_bytes(bytes(data))


def one_line_naming_the_fix(stderr: str) -> None:
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "papershelf library repair" in lines[0]


@pytest.mark.parametrize(
    ("damage", "name"),
    [
        (delete, "postings.u16"),
        (truncate, "vocab.bin"),
        (garble, "postings.u16"),
        (garble, "title/ptr.npy"),
        (truncate, "pairs.bin"),
    ],
    ids=["deleted", "truncated", "garbled", "garbled-field", "truncated-pairs"],
)
def test_a_damaged_segment_file_is_one_line_then_repaired(
    built: tuple[Path, dict[str, list[str] | str]], tmp_path: Path, damage: Callable[[Path], None], name: str
) -> None:
    right = build(built, tmp_path)
    assert len(right["alpha"]) == 300
    assert keys("alpha") == right["alpha"]  # the copy answers as the library it copies
    damage(segment_file(name))
    for query in right:
        answer = keys(query)
        assert isinstance(answer, str), f"a wrong answer instead of an error for {query}"
        one_line_naming_the_fix(answer)
    check = papershelf("library", "check")
    assert check.returncode == 1
    assert "Traceback" not in check.stderr
    assert (
        check.stderr.strip().splitlines()[-1]
        == "papershelf: the library is damaged; run 'papershelf library repair'"
    )
    added = papershelf("add", str(tmp_path / "0.jsonl"))  # a writer refuses too, rather than build on it
    assert added.returncode == 2
    one_line_naming_the_fix(added.stderr)
    repaired = papershelf("library", "repair")
    assert repaired.returncode == 0, repaired.stderr
    assert {q: keys(q) for q in right} == right
    assert papershelf("library", "check").returncode == 0


def test_overwritten_bytes_in_library_sqlite_are_found_and_salvaged(
    built: tuple[Path, dict[str, list[str] | str]], tmp_path: Path
) -> None:
    right = build(built, tmp_path)["alpha"]
    path = library_dir() / "library.sqlite"
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data = bytearray(path.read_bytes())
    page = 4096
    pages = len(data) // page
    middle = (pages // 2) * page
    data[middle + 8 : middle + 400] = b"\x5a" * 392  # a page of papers overwritten
    path.write_bytes(bytes(data))
    check = papershelf("library", "check")
    assert check.returncode == 1
    assert "Traceback" not in check.stderr
    answer = keys("alpha")
    assert answer == right or (isinstance(answer, str) and "papershelf library repair" in answer)
    repaired = papershelf("library", "repair")
    assert repaired.returncode == 0, repaired.stderr
    assert "salvaged" in repaired.stderr
    assert list((library_dir()).glob("library.sqlite.corrupt-*"))
    assert papershelf("library", "check").returncode == 0
    after = keys("alpha")
    assert isinstance(after, list)
    assert set(after) <= set(right)
    assert len(after) == len(papershelf("list", "--format", "jsonl").stdout.splitlines())  # the index matches


def test_check_on_a_sound_library_says_so(
    built: tuple[Path, dict[str, list[str] | str]], tmp_path: Path
) -> None:
    build(built, tmp_path)
    check = papershelf("library", "check")
    assert check.returncode == 0
    assert "sound" in check.stdout
    compact = papershelf("library", "compact")
    assert compact.returncode == 0
    assert "3 segments became 1 (1 merge)" in compact.stdout
    assert len(keys("alpha")) == 300
    again = papershelf("library", "compact")
    assert again.returncode == 0
    assert "already compact (1 segment): nothing to merge" in again.stdout


def test_a_library_file_killed_before_its_tables_is_no_library_and_add_creates_it(tmp_path: Path) -> None:
    """``kill -9`` of the first ``add`` right after SQLite made the file (no tables yet): the
    readers do not wait for a creation nobody is doing, and the next ``add`` completes it."""
    from papershelf.library.library import Library  # noqa: PLC0415

    directory = library_dir()
    directory.mkdir(parents=True)
    empty = sqlite3.connect(directory / "library.sqlite")
    empty.execute("PRAGMA journal_mode=WAL")
    empty.close()
    assert (directory / "library.sqlite").exists()
    assert not Library.exists(directory)
    listed = papershelf("list", "--format", "jsonl", "alpha")
    assert "being created" not in listed.stderr
    assert "Traceback" not in listed.stderr
    records = [arxiv_record(i, f"Paper {i}", "alpha") for i in range(5)]
    assert papershelf("add", str(write_jsonl(tmp_path / "a.jsonl", records))).returncode == 0
    assert Library.exists(directory)
    assert len(keys("alpha")) == 5
