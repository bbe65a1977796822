"""Two real processes change the same reading state at once, through the store's public API.

Each worker makes a few hundred random changes (star, unstar, tag, read, note) to papers that
overlap with the other's, with random pauses, and saves each one at once with a real lock file
and real files. Under the lock, right after its save, it takes a ticket from a shared counter:
the saves' true order. At the end the file must hold, for every paper and field, the value of
the last save that wrote it.
"""

from __future__ import annotations

import multiprocessing
import random
import time
import tomllib
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

from papershelf.store.reading import PaperState, StateStore

CHANGES = 250
PAPERS = [f"arxiv:2401.{n:05d}" for n in range(12)]


def _worker(path: str, seed: int, counter: Synchronized[int], out: Any) -> None:
    rng = random.Random(seed)
    store = StateStore(Path(path))
    store.load()
    log = []
    for step in range(CHANGES):
        key = rng.choice(PAPERS)
        before = store.current([key])[key]
        kind = rng.choice(["star", "unstar", "tag", "read", "note"])
        if kind == "star":
            after = PaperState(True, before.read, before.tags, before.note)
        elif kind == "unstar":
            after = PaperState(False, before.read, before.tags, before.note)
        elif kind == "tag":
            after = PaperState(before.starred, before.read, (f"t{seed}-{step}",), before.note)
        elif kind == "read":
            after = PaperState(before.starred, not before.read, before.tags, before.note)
        else:
            after = PaperState(before.starred, before.read, before.tags, f"note {seed}/{step}")
        store.record(key, before, after)
        with store.locked():
            store.save_pending()
            with counter.get_lock():
                counter.value += 1
                ticket = counter.value
        log.extend((ticket, key, name, value) for name, value in before.differing(after).items())
        if rng.random() < 0.3:
            time.sleep(rng.random() * 0.004)
    out.put(log)


def test_two_processes_keep_the_last_value_of_every_field(tmp_path: Path) -> None:
    path = tmp_path / "state.toml"
    context = multiprocessing.get_context("spawn")
    counter = context.Value("i", 0)
    results = context.Queue()
    workers = [context.Process(target=_worker, args=(str(path), seed, counter, results)) for seed in (1, 2)]
    for worker in workers:
        worker.start()
    logs = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    expected: dict[tuple[str, str], tuple[int, object]] = {}
    for ticket, key, name, value in sorted(logs[0] + logs[1]):
        expected[key, name] = (ticket, value)
    assert counter.value == 2 * CHANGES
    assert len({ticket for ticket, *_ in logs[0]} & {ticket for ticket, *_ in logs[1]}) == 0
    entries = StateStore(path).load().state
    for (key, name), (_, value) in expected.items():
        assert getattr(entries.get(key), name) == value, (key, name)
    # The two ran at the same time: their saves interleave.
    first, second = ([ticket for ticket, *_ in log] for log in logs)
    assert min(first) < max(second)
    assert min(second) < max(first)
    data = tomllib.loads(path.read_text())
    assert set(data["papers"]) <= set(PAPERS)
