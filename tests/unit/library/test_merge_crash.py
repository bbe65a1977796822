"""SIGKILL of a merging process at random moments: the library answers exactly as before."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from test_merge import answers

from library_helpers import arxiv_record, write_jsonl
from papershelf.library.library import Library
from papershelf.store.paths import library_dir


def build(tmp_path: Path) -> Library:
    library = Library(library_dir())
    for day in range(24):
        records = [
            arxiv_record(day * 300 + i, f"Paper {day} {i}", f"alpha w{i % 50} {'beta' if i % 2 else 'gamma'}")
            for i in range(300)
        ]
        if day:
            old = (day - 1) * 300 + 7
            records.append(
                arxiv_record(old, f"New title {old}", "delta new", update_date=f"2025-01-{day:02d}")
            )
        library.importer().import_jsonl(write_jsonl(tmp_path / f"day{day}.jsonl", records))
    return library


def compact() -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "papershelf", "library", "compact"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


MERGE_IN_WORKERS = (
    "from papershelf.library.library import Library; from papershelf.store.paths import library_dir; "
    "from papershelf.library.merge import merge_segments; library = Library(library_dir()); "
    "print(merge_segments(library.store, library.index_dir, workers=2, parallel_min_docs=0))"
)


def test_sigkill_while_workers_build_merges_leaves_the_same_answers(tmp_path: Path) -> None:
    """The due merges of many segments, built by worker processes: SIGKILL of the writer at
    random moments takes its workers with it (the pipes close) and leaves the answers as
    before; the next writer removes what they had written."""
    library = build(tmp_path)
    expected = answers(library)
    library.close()
    rng = random.Random(7)
    for _ in range(4):
        process = subprocess.Popen(
            [sys.executable, "-c", MERGE_IN_WORKERS],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(rng.uniform(0.3, 1.5))
        process.send_signal(signal.SIGKILL)
        out, err = process.communicate(timeout=60)  # EOF: the workers are gone too
        print("merges finished before the kill" if out else "killed while merging")
        assert "Traceback" not in err, err
        reader = Library(library_dir(), readonly=True)
        try:
            assert answers(reader) == expected
        finally:
            reader.close()
    finished = subprocess.run(
        [sys.executable, "-c", MERGE_IN_WORKERS], capture_output=True, text=True, timeout=120, check=False
    )
    assert finished.returncode == 0, finished.stderr
    reader = Library(library_dir(), readonly=True)
    names = [name for name, _, _ in reader.store.segments()]
    assert sorted(names) == sorted(p.name for p in (library_dir() / "index").iterdir())  # no orphans left
    assert len(names) < 24
    assert answers(reader) == expected
    reader.close()


def test_sigkill_during_compact_leaves_the_same_answers(tmp_path: Path) -> None:
    library = build(tmp_path)
    expected = answers(library)
    segments = len(library.store.segments())
    library.close()
    assert segments == 24 + 23
    # How long a whole compact takes here (on a copy), to spread the kills over it.
    saved = tmp_path / "saved"
    shutil.copytree(library_dir(), saved)
    started = time.monotonic()
    compact().communicate(timeout=120)
    span = time.monotonic() - started
    shutil.rmtree(library_dir())
    shutil.copytree(saved, library_dir())
    rng = random.Random(14)
    outcomes: set[int] = set()  # segment counts seen after the kills (before, between, after merges)
    for _ in range(8):
        process = compact()
        time.sleep(rng.uniform(0.2, span))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        reader = Library(library_dir(), readonly=True)
        try:
            names = [name for name, _, _ in reader.store.segments()]
            assert all((library_dir() / "index" / name).is_dir() for name in names)
            assert answers(reader) == expected
            outcomes.add(len(names))
        finally:
            reader.close()
    print("segment counts after the kills:", sorted(outcomes))
    finished = compact()
    out, err = finished.communicate(timeout=120)
    assert finished.returncode == 0, err
    # (a kill after the last switch has left nothing to merge)
    assert "index compacted" in out or "already compact (1 segment)" in out, out
    reader = Library(library_dir(), readonly=True)
    names = [name for name, _, _ in reader.store.segments()]
    assert names == sorted(p.name for p in (library_dir() / "index").iterdir())  # no orphans left
    assert len(names) == 1
    assert answers(reader) == expected
    reader.close()
    print("segment counts after the kills:", sorted(outcomes))


# The writer killed right after it started a merge worker, before the worker had its start-up
# data: the worker finds its pipe closed.
KILLED_WHILE_STARTING_WORKERS = """
import os, signal
from multiprocessing import util
from papershelf.library.merge import _merge_pool
launch = util.spawnv_passfds
def launch_and_die(path, args, passfds):
    pid = launch(path, args, passfds)
    if "spawn_main" in repr(args):  # a worker (not the resource tracker)
        os.kill(os.getpid(), signal.SIGKILL)
    return pid
util.spawnv_passfds = launch_and_die
if __name__ == "__main__":
    with _merge_pool(2):
        pass
"""


def test_a_writer_killed_while_starting_merge_workers_leaves_no_traceback(tmp_path: Path) -> None:
    script = tmp_path / "start.py"
    script.write_text(KILLED_WHILE_STARTING_WORKERS)
    process = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert process.returncode == -signal.SIGKILL
    assert "Traceback" not in process.stderr, process.stderr
