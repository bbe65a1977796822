"""How long a reading-state change takes to reach the disk, with many read marks in the file.

    uv run python bench/state_save.py [N ...]

For each N (default 10k, 50k, 100k), builds a state file with N read papers and two readers on
it (two StateStores, as two processes would have; the lock is the real lock file). Medians of
several runs:

- merged save: reader A records one change and saves (lock, check the file, apply, write, fsync);
- merged save after B: reader B saved a change first, so A's save re-reads the file and merges;
- key to disk: the reader's path end to end: Shelf.update (what a key does) until the background
  writer has the merged file on disk, again with B's save in between;
- follow: A notices B's change (poll + merge into what it shows), as the reader does every second;
- load: start-up, from the TOML and from the JSON cache written when the reader closes.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from papershelf.store.reading import PaperState, StateStore
from papershelf.store.shelf import Shelf


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def change(store: StateStore, key: str) -> None:
    before = store.current([key])[key]
    store.record(key, before, PaperState(not before.starred, before.read, before.tags, before.note))


def bench(n: int, runs: int = 9) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "state.toml"
        cache = Path(folder) / "state-cache.json"
        StateStore(path).save(
            {f"arxiv:{2300 + i // 100000}.{i % 100000:05d}": PaperState(read=True) for i in range(n)}
        )
        a, b = StateStore(path), StateStore(path)
        for store in (a, b):
            store.load()
            store.warm()  # what the writer thread does right after start-up
        alone, merged, follow = [], [], []
        for run in range(runs):
            change(a, f"arxiv:2300.{run:05d}")
            alone.append(timed(a.save_pending))
            change(b, f"arxiv:2300.{n // 2 + run:05d}")
            b.save_pending()
            change(a, f"title:a {run}")
            merged.append(timed(a.save_pending))
            change(b, f"title:b {run}")
            b.save_pending()
            follow.append(timed(lambda: (a.refresh(), a.current(a.take_outside()))))
        shelf = Shelf(StateStore(path))
        shelf.open()
        assert shelf.flush(30)  # the writer has warmed up
        key_to_disk = []
        for run in range(runs):
            change(b, f"title:b2 {run}")
            b.save_pending()
            start = time.perf_counter()
            shelf.update(f"title:key {run}", starred=True)
            assert shelf.flush(10)
            key_to_disk.append(time.perf_counter() - start)
        shelf.close()
        cold = [timed(StateStore(path).load) for _ in range(3)]
        store = StateStore(path, cache_path=cache)
        store.load()
        store.write_cache()
        cached = [timed(StateStore(path, cache_path=cache).load) for _ in range(runs)]
        return {
            "alone": median_ms(alone),
            "merged": median_ms(merged),
            "key": median_ms(key_to_disk),
            "follow": median_ms(follow),
            "toml": median_ms(cold),
            "cache": median_ms(cached),
            "size": path.stat().st_size / 1e6,
        }


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 50_000, 100_000]
    columns = [
        ("read marks", 10),
        ("merged save", 11),
        ("merged save after B", 19),
        ("key to disk (after B)", 21),
        ("follow B", 8),
        ("load TOML", 9),
        ("load (cache)", 12),
        ("file", 7),
    ]
    print(" | ".join(f"{name:>{width}}" for name, width in columns))
    print("-|-".join("-" * width for _, width in columns))
    for n in sizes:
        r = bench(n)
        cells = [f"{n:,}"] + [f"{r[k]:.1f}ms" for k in ("alone", "merged", "key", "follow", "toml", "cache")]
        cells.append(f"{r['size']:.2f}MB")
        print(" | ".join(f"{cell:>{width}}" for cell, (_, width) in zip(cells, columns, strict=True)))


if __name__ == "__main__":
    main()
