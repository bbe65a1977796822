"""Time the rankings on a library of N synthetic papers (speed only: generated text has no topics).

    uv run python bench/rank_bench.py [N ...] [--data DIR]

For each N: generates the papers (bench/generate.py, cached in DIR) and imports them into a
library (cached in DIR), then, in this process, measures
- features: building every segment's features from the index (first ranking of a library),
  and reading them back from the cache beside the library (every later start);
- the matrix: the weighted feature matrix from the cached parts (once per session, in a worker);
- retrain + rank after a star: a new set of starred papers (one more each time), so the model
  is trained again, every paper scored and sorted (median of 5);
- more like this (``m``): likeness of every paper to one, and the sort (median of 5);
- relevance: BM25F for a two-word query over all papers (median of 5);
- extra resident memory: RSS after all of this minus RSS with the library open and its index
  loaded (what the reader holds anyway).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import write  # noqa: E402

from papershelf.library.library import Library  # noqa: E402
from papershelf.library.ranking import cached_parts  # noqa: E402
from papershelf.query.context import Context  # noqa: E402
from papershelf.query.search import Query  # noqa: E402
from papershelf.rank.matrix import FeatureMatrix  # noqa: E402
from papershelf.store.reading import ReadingState  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(action):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def library_of(n: int, data: Path) -> tuple[Path, float | None]:
    """The library directory of N papers (imported now, or earlier); papers/s of the import."""
    directory = data / f"library-{n}"
    if (directory / "library.sqlite").exists():
        return directory, None
    source = data / f"papers-{n}.jsonl"
    if not source.exists():
        write(n, source)
    shutil.rmtree(directory, ignore_errors=True)
    library = Library(directory)
    seconds, _ = timed(lambda: library.importer().import_jsonl(source))
    library.close()
    return directory, n / seconds


def measure(n: int, directory: Path, import_rate: float | None, runs: int) -> None:
    shutil.rmtree(directory / "rank", ignore_errors=True)
    collection = Library(directory, readonly=True).collection()
    index = collection.index
    base = rss_mb()
    build, parts = timed(lambda: cached_parts(index, directory / "rank"))
    reread, parts = timed(lambda: cached_parts(index, directory / "rank"))
    matrix_s, matrix = timed(lambda: FeatureMatrix.build(parts, len(collection)))
    parts = []  # the matrix holds what it needs
    ranker = collection.ranker
    ranker._matrix = matrix  # the matrix just timed: no second build
    keys = [collection.row(i).key for i in range(0, n, max(n // 50, 1))]
    retrain, like, relevance = [], [], []
    state = ReadingState()
    for run in range(runs):
        state = ReadingState()
        for key in keys[: 5 + run]:
            state.update(key, starred=True)
        for key in keys[20:30]:
            state.update(key, read=True)
        seconds, order = timed(lambda s=state: collection.filter(Query(sort="foryou"), Context(s)))
        assert len(order) == n
        retrain.append(seconds)
    for run in range(runs):
        key = keys[run]
        seconds, order = timed(lambda k=key: collection.filter(Query(sort=f"like:{k}"), Context(state)))
        assert int(order[0]) == collection.index_of(key)
        like.append(seconds)
    query = Query("model training", sort="relevance")
    for _ in range(runs):
        seconds, order = timed(lambda: collection.filter(query, Context(state)))
        relevance.append(seconds)
    extra = rss_mb() - base
    stored = sum(f.stat().st_size for f in (directory / "rank").rglob("*") if f.is_file())
    kept = matrix.indices.size
    print(f"\n{n:,} papers ({kept:,} feature entries kept, {stored / 2**20:,.0f} MB cached)")
    if import_rate is not None:
        print(f"  import (this run)           {import_rate:,.0f} papers/s")
    print(f"  features from the index     {build:.2f} s ({n / build:,.0f} papers/s)")
    print(f"  features from the cache     {reread:.2f} s")
    print(f"  weighted matrix             {matrix_s:.2f} s")
    print(f"  retrain + rank after a star {statistics.median(retrain) * 1000:,.0f} ms (median of {runs})")
    print(f"  more like this (m)          {statistics.median(like) * 1000:,.0f} ms")
    print(f"  relevance 'model training'  {statistics.median(relevance) * 1000:,.0f} ms")
    print(f"  extra resident memory       {extra:,.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--data", type=Path, default=Path("/tmp/papershelf-rank-bench"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        directory, import_rate = library_of(n, args.data)
        measure(n, directory, import_rate, args.runs)


if __name__ == "__main__":
    main()
