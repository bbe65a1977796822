"""One writer at a time, with real processes: two `papershelf add` at once, a reader beside a
writer, a writer waiting for (or giving up on) the lock, and `kill -9` of an import."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from library_helpers import arxiv_record, write_jsonl
from papershelf.library.library import Library
from papershelf.library.lock import WriterLock
from papershelf.library.prepare import CHUNK_SIZE
from papershelf.library.store import LibraryError
from papershelf.store.paths import library_dir


def papershelf(*args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "papershelf", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def hold_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the library lock for ``seconds``."""
    code = f"from filelock import FileLock; import time; lock = FileLock({str(path)!r}); lock.acquire(); "
    code += f"print('held', flush=True); time.sleep({seconds})"
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    return holder


def records(first: int, last: int, abstract: str = "alpha beta") -> list[dict[str, object]]:
    return [arxiv_record(i, f"Paper {i}", f"{abstract} w{i}") for i in range(first, last)]


def assert_consistent(directory: Path, expected: int) -> None:
    """Every listed segment exists, every paper is in the index once, the counts agree."""
    library = Library(directory, readonly=True)
    try:
        names = [name for name, _, _ in library.store.segments()]
        assert all((directory / "index" / name).is_dir() for name in names)
        assert sorted(p.name for p in (directory / "index").iterdir()) == sorted(names)
        collection = library.collection()
        assert len(collection) == expected
        keys = [p.key for p in library.store.papers()]
        assert len(set(keys)) == expected
        assert int(collection.index.word_hits("alpha").sum()) == expected
    finally:
        library.close()


def test_two_adds_at_once_lose_nothing(tmp_path: Path) -> None:
    one = write_jsonl(tmp_path / "one.jsonl", records(0, 3000))
    two = write_jsonl(tmp_path / "two.jsonl", records(2000, 5000))  # overlapping keys
    for _ in range(2):
        first, second = papershelf("add", str(one)), papershelf("add", str(two))
        for process in (first, second):
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
            assert "Traceback" not in err
            assert "IntegrityError" not in err
        assert_consistent(library_dir(), 5000)


def test_a_second_writer_waits_with_a_message_then_proceeds(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", records(0, 10))
    lock = WriterLock(library_dir())
    holder = hold_lock(lock.path, 2.5)
    started = time.monotonic()
    process = papershelf("add", str(path))
    out, err = process.communicate(timeout=60)
    holder.wait()
    assert process.returncode == 0, err
    assert "is writing the library; waiting" in err
    assert time.monotonic() - started > 1.0
    assert "10 new" in out


def test_a_second_writer_gives_up_after_the_bound_with_one_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", records(0, 10))
    lock = WriterLock(library_dir())
    holder = hold_lock(lock.path, 30)
    try:
        process = papershelf("add", str(path), PAPERSHELF_LOCK_TIMEOUT="1")
        _, err = process.communicate(timeout=60)
    finally:
        holder.kill()
        holder.wait()
    assert process.returncode == 2
    lines = err.strip().splitlines()
    assert lines[-1].startswith("papershelf: cannot open the library:")
    assert "still writing the library after 1 s" in lines[-1]
    assert "Traceback" not in err


def test_a_reader_beside_a_writer_sees_whole_batches(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "big.jsonl", records(0, 25_000))
    writer = papershelf("add", "--workers", "1", str(path))
    seen: set[int] = set()
    creating: list[str] = []
    deadline = time.monotonic() + 120
    while writer.poll() is None and time.monotonic() < deadline:
        if not Library.exists(library_dir()):
            time.sleep(0.05)
            continue
        try:
            library = Library(library_dir(), readonly=True)
        except LibraryError as error:  # the writer's first moment: one clear line
            creating.append(str(error))
            continue
        try:
            collection = library.collection()
            size = len(collection)
            assert size % CHUNK_SIZE == 0 or size == 25_000  # committed chunks only
            assert int(collection.index.word_hits("alpha").sum()) == size
            assert int(collection.index.word_hits("w9999").sum()) == (1 if size >= 10_000 else 0)
            seen.add(size)
        finally:
            library.close()
    _, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert_consistent(library_dir(), 25_000)
    assert len(seen) >= 2  # the reader really ran beside the writer
    assert all("the library is being created; try again" in line for line in creating)


@pytest.mark.parametrize("delay", [0.6, 1.2, 2.0])
def test_kill_9_of_add_leaves_quiet_workers_and_a_consistent_library(tmp_path: Path, delay: float) -> None:
    long = "lorem ipsum dolor " * 110  # ~2 KB abstracts: the file is large enough for workers
    path = write_jsonl(tmp_path / "big.jsonl", records(0, 20_000, abstract=f"alpha {long}"))
    assert path.stat().st_size > 32 * 1024 * 1024
    process = papershelf("add", "--workers", "2", str(path))
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    _, err = process.communicate(timeout=60)  # EOF once the workers are gone too
    assert "Traceback" not in err, err
    assert "BrokenPipeError" not in err
    if Library.exists(library_dir()):
        library = Library(library_dir(), readonly=True)
        assert library.store.count() % CHUNK_SIZE == 0
        library.close()
    # The next import finds no stale lock and completes the library.
    again = papershelf("add", str(path))
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert_consistent(library_dir(), 20_000)


def test_segments_a_merge_removes_after_the_reader_mapped_them_are_not_damage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race a reader beside a writer can meet: the index is mapped, then a merge replaces
    and removes those segments before their checksums are read by path. The maps are sound (a
    segment is listed only once complete), so that is no damage; a garbled file still is."""
    from papershelf.library import check  # noqa: PLC0415
    from papershelf.library import index as index_module  # noqa: PLC0415

    library = Library(tmp_path / "lib")
    library.importer().import_jsonl(write_jsonl(tmp_path / "a.jsonl", records(0, 30)), chunk_size=10)
    names, _ = library.store.snapshot()
    listed = library.store.segment_files()
    real = index_module.file_records
    gone = names[1]

    def merged_away(directory: Path) -> list[tuple[str, int, int]]:
        if directory.name == gone:
            raise FileNotFoundError(directory / "postings.npy")
        return real(directory)

    monkeypatch.setattr(index_module, "file_records", merged_away)
    assert check.checksum_problems(library.index_dir, names, listed) == []
    garbled = library.index_dir / names[0] / "postings.u16"
    garbled.write_bytes(garbled.read_bytes()[:-1] + b"\x7f")
    assert check.checksum_problems(library.index_dir, names, listed) == [
        f"index file {names[0]}/postings.u16 is garbled (checksum differs)"
    ]
    library.close()
