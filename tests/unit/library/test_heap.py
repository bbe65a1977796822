"""The import's memory (library/heap.py): the cycle collector resumed, freed memory kept for
the next chunk and given back after, and big blocks reused from the heap after the import.

glibc's settings last as long as the process, so each check runs in a fresh interpreter."""

from __future__ import annotations

import contextlib
import gc
import json
import subprocess
import sys

import pytest

from papershelf.library.heap import gc_paused, glibc


def test_the_cycle_collector_is_resumed_after_a_block_that_fails() -> None:
    with contextlib.suppress(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()


def test_the_cycle_collector_stays_off_when_it_was_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


PROBE = r"""
import json, resource
from papershelf.library.heap import freed_memory_kept

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 >> 20

def faults_of(rounds, size):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(rounds):
        block = b"x" * size  # allocated, then every page written
        del block
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

start = rss()
with freed_memory_kept():
    blocks = [b"x" * (1 << 20) for _ in range(300)]  # 300 MB in blocks of 1 MB
    del blocks
    inside = rss()
after = rss()
faults = faults_of(40, 8 << 20)  # as the merges' arrays: allocated and freed over and over
print(json.dumps({"start": start, "inside": inside, "after": after, "faults": faults}))
"""


@pytest.mark.skipif(glibc() is None, reason="glibc's malloc only")
def test_freed_memory_is_kept_in_the_block_given_back_after_and_big_blocks_reused() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    seen = json.loads(out.stdout)
    assert seen["inside"] - seen["start"] > 250, seen  # kept for the next chunk
    assert seen["after"] - seen["start"] < 50, seen  # given back
    # 40 rounds of 8 MB are 80,000 pages: mapped afresh each time, each page faults in again
    # (glibc's 128 KB default set back by mallopt); reused from the heap, hardly any do.
    assert seen["faults"] < 8_000, seen
