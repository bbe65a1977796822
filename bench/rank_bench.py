"""Time the rankings on a library of N synthetic papers (speed only: generated text has no topics).

    uv run python bench/rank_bench.py [N ...] [--data DIR]

For each N: generates the papers (bench/generate.py, cached in DIR) and imports them into a
library (cached in DIR), then, in this process, measures
- features: building every segment's features from its postings (what the importer does for
  each batch it writes, so this is their cost at import);
- the matrix: the weighted feature matrix from those parts (what the importer does at the end of
  an import that grew the library by more than 10%; smaller ones append a block);
- opening sorted foryou: a new collection of the library reads the saved matrix (memory-mapped),
  trains once, scores every paper and sorts;
- retrain + rank after a star: a new set of starred papers (one more each time), so the model
  is trained again, every paper scored and sorted (median of 5);
- more like this (``m``): likeness of every paper to one, and the sort (median of 5);
- relevance: BM25F for a two-word query over all papers (median of 5);
- extra resident memory: RSS after the for-you rankings, and after all of this, minus RSS with
  the library open and its index loaded, in a process of its own; "own" is anonymous memory,
  "mapped files" the pages of memory-mapped files (the saved matrix; ``m`` and relevance read
  the index's postings, which any query reads too), which the kernel may drop.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import write  # noqa: E402

from papershelf.library.library import Library  # noqa: E402
from papershelf.library.ranking import cached_parts  # noqa: E402
from papershelf.query.context import Context  # noqa: E402
from papershelf.query.search import Query  # noqa: E402
from papershelf.rank import matrix_files  # noqa: E402
from papershelf.rank.matrix import FeatureMatrix  # noqa: E402
from papershelf.store.reading import ReadingState  # noqa: E402


def rss_mb(kind: str = "VmRSS") -> float:
    """Resident memory in MB: "VmRSS" (all), "RssAnon" (the process's own), "RssFile" (mapped
    file pages, e.g. the memory-mapped matrix: the kernel may drop them)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(kind + ":"):
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
    seconds, _ = timed(lambda: (library.importer().import_jsonl(source), library.merge()))
    library.close()
    return directory, n / seconds


def measure(n: int, directory: Path, import_rate: float | None, runs: int) -> None:
    shutil.rmtree(directory / "rank", ignore_errors=True)
    collection = Library(directory, readonly=True).collection()
    index = collection.index
    build, parts = timed(lambda: cached_parts(index, directory / "rank"))
    matrix_s, matrix = timed(lambda p=parts: FeatureMatrix.build(p, len(collection)))
    matrix_files.save(directory / "rank", matrix, [s.directory.name for s in index.segments], None)
    print(f"\n{n:,} papers ({matrix.entries:,} feature entries kept)")
    if import_rate is not None:
        print(f"  import + merges (this run)  {import_rate:,.0f} papers/s (features and matrix built in it)")
    print(f"  features from the index     {build:.2f} s ({n / build:,.0f} papers/s)")
    print(f"  weighted matrix (full)      {matrix_s:.2f} s", flush=True)
    del parts, matrix  # what the importer leaves behind: the files
    # The reader's side in a process of its own: its memory is the reader's.
    subprocess.run([sys.executable, __file__, "--reader", str(directory), "--runs", str(runs)], check=True)
    # The next day: a new reader with the same stars opens on the model kept beside the library.
    subprocess.run([sys.executable, __file__, "--reopen", str(directory)], check=True)


def first_state(collection: Any) -> ReadingState:
    """The stars and read marks the reader opens with (the same in both processes)."""
    n = len(collection)
    keys = [collection.row(i).key for i in range(0, n, max(n // 50, 1))]
    state = ReadingState()
    for key in keys[:5]:
        state.update(key, starred=True)
    for key in keys[20:30]:
        state.update(key, read=True)
    return state


def reopen(directory: Path) -> None:
    """Opening sorted "for you" with the stars of the last reader: the kept model, no training."""
    started = time.perf_counter()
    collection = Library(directory, readonly=True).collection()
    state = first_state(collection)
    collection.index  # noqa: B018 - the index is loaded at start-up anyway
    opened, order = timed(lambda: collection.filter(Query(sort="foryou"), Context(state)))
    assert len(order) == len(collection)
    print(
        f"  reopen sorted foryou        {opened * 1000:,.0f} ms (the kept model: scikit-learn imported: "
        f"{'sklearn' in sys.modules}; {(time.perf_counter() - started) * 1000:,.0f} ms with opening)"
    )


def reader(directory: Path, runs: int) -> None:
    """A reader opening the library sorted "for you", then starring, ``m`` and relevance."""
    collection = Library(directory, readonly=True).collection()
    n = len(collection)
    collection.index  # noqa: B018 - the index is loaded at start-up anyway
    keys = [collection.row(i).key for i in range(0, n, max(n // 50, 1))]
    base = {kind: rss_mb(kind) for kind in ("VmRSS", "RssAnon", "RssFile")}
    for kept in (directory / "rank" / "models").glob("*.npz"):
        kept.unlink()  # a first opening: the model is trained (and kept for the next reader)
    state = first_state(collection)
    opened, order = timed(lambda: collection.filter(Query(sort="foryou"), Context(state)))
    assert len(order) == n
    retrain, like, relevance = [], [], []
    for run in range(runs):
        state = ReadingState()
        for key in keys[: 6 + run]:
            state.update(key, starred=True)
        for key in keys[20:30]:
            state.update(key, read=True)
        seconds, order = timed(lambda s=state: collection.filter(Query(sort="foryou"), Context(s)))
        assert len(order) == n
        retrain.append(seconds)
    ranking = {kind: rss_mb(kind) - base[kind] for kind in base}
    for run in range(runs):
        key = keys[run]
        seconds, order = timed(lambda k=key: collection.filter(Query(sort=f"like:{k}"), Context(state)))
        assert int(order[0]) == collection.index_of(key)
        like.append(seconds)
    query = Query("model training", sort="relevance")
    for _ in range(runs):
        seconds, order = timed(lambda: collection.filter(query, Context(state)))
        relevance.append(seconds)
    extra = {kind: rss_mb(kind) - base[kind] for kind in base}
    saved = sum(f.stat().st_size for f in (directory / "rank").glob("m-*/**/*") if f.is_file())
    print(
        f"  (reader: {len(collection.index.segments)} index segments, saved matrix {saved / 2**20:,.0f} MB)"
    )
    imported = "yes" if "sklearn" in sys.modules else "no"
    print(f"  scikit-learn imported       {imported} (models train in numpy)")
    print(f"  open sorted foryou          {opened * 1000:,.0f} ms (saved matrix, train, score, sort)")
    print(f"  retrain + rank after a star {statistics.median(retrain) * 1000:,.0f} ms (median of {runs})")
    print(f"  more like this (m)          {statistics.median(like) * 1000:,.0f} ms")
    print(f"  relevance 'model training'  {statistics.median(relevance) * 1000:,.0f} ms")
    for label, memory in (("after for you", ranking), ("after m, relevance", extra)):
        print(
            f"  extra memory {label:<18} {memory['VmRSS']:,.0f} MB (own {memory['RssAnon']:,.0f} MB,"
            f" mapped files {memory['RssFile']:,.0f} MB: the matrix, and the index's postings)",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--data", type=Path, default=Path("/tmp/papershelf-rank-bench"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reader", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--reopen", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reopen is not None:
        reopen(args.reopen)
        return
    if args.reader is not None:
        reader(args.reader, args.runs)
        return
    args.data.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        directory, import_rate = library_of(n, args.data)
        measure(n, directory, import_rate, args.runs)


if __name__ == "__main__":
    main()
