"""How long a reading-state change takes to reach the disk, with many read marks in the file.

    uv run python bench/state_save.py [N ...]

For each N (default 1k, 10k, 50k), builds a state with N read papers, then measures (median of
several runs): the full first write, a save after one change (what each keystroke costs, thanks
to the per-entry fragment cache), the load at start-up, and the file size.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from papershelf.store.reading import PaperState, ReadingState, StateStore


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench(n: int, runs: int = 7) -> tuple[float, float, float, int]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "state.toml"
        cache = Path(folder) / "state-cache.json"
        cold = []
        state = ReadingState(
            {f"arxiv:{2300 + i // 100000}.{i % 100000:05d}": PaperState(read=True) for i in range(n)}
        )
        first, change, load = [], [], []
        StateStore(path).save(state.snapshot())
        for _ in range(3):
            start = time.perf_counter()
            StateStore(path).load()
            cold.append(time.perf_counter() - start)
        for run in range(runs):
            store = StateStore(path)
            start = time.perf_counter()
            store.save(state.snapshot())
            first.append(time.perf_counter() - start)
            store = StateStore(path, cache_path=cache)
            store.warm(state.snapshot())  # what the writer thread does right after start-up
            state.update(f"title:changed {run}", starred=True)
            start = time.perf_counter()
            store.save(state.snapshot())
            change.append(time.perf_counter() - start)
            store.write_cache()
            start = time.perf_counter()
            StateStore(path, cache_path=cache).load()
            load.append(time.perf_counter() - start)
        return median_ms(first), median_ms(change), median_ms(cold), median_ms(load), path.stat().st_size


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1_000, 10_000, 50_000]
    print("first save: cold cache; save after 1 change: cache warmed as the app's writer does at start")
    print("load TOML: parsing state.toml; load (cache): the JSON copy the reader writes when it closes")
    head = f"{'read marks':>10} | {'first save':>10} | {'save after 1 change':>19} | {'load TOML':>9} | "
    print(head + f"{'load (cache)':>12} | {'file':>8}")
    print(f"{'-' * 10}-|-{'-' * 10}-|-{'-' * 19}-|-{'-' * 9}-|-{'-' * 12}-|-{'-' * 8}")
    for n in sizes:
        first, change, cold, load, size = bench(n)
        print(
            f"{n:>10,} | {first:>8.1f}ms | {change:>17.1f}ms | {cold:>7.1f}ms | {load:>10.1f}ms | "
            f"{size / 1e6:>6.2f}MB"
        )


if __name__ == "__main__":
    main()
