"""Time the query language on a library: each kind of query, quick path or worker.

    uv run python bench/query_bench.py [N ...] [--data DIR]

Uses the libraries app_bench.py built (``DIR/home-N``; run ``app_bench.py N`` first). For each
query prints whether the reader runs it between keystrokes (``quick``) or in a worker, the
matches, and the median of three runs of the filter itself (index + SQLite + numpy), after the
index and the date/upvotes/categories columns are loaded. "first rows": for queries that read
text, the time to the first rows the list shows while the rest is checked (and how many).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from papershelf.library.library import Library
from papershelf.query.context import Context
from papershelf.query.search import Query
from papershelf.store.reading import ReadingState

QUERIES = [
    "scal",
    "model training",
    "-model",
    "model OR data",
    "(vision | language) -diffusion",
    "year:2024 upvotes:>=3",
    "is:unread scal",
    '"language model"',
    '"large language model"',
    "title:scal",
    "title:model",
    "author:smith",
    "abstract:benchmark",
    "cat:cs.CL",
    "id:2401",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--data", type=Path, default=Path("/tmp/bench"))
    args = parser.parse_args()
    for size in args.sizes:
        directory = args.data / f"home-{size}" / "xdg_data_home" / "papershelf" / "library"
        collection = Library(directory, readonly=True).collection()
        state = ReadingState()
        collection.warm_up(lambda: False)
        collection.column("date")
        collection.column("upvotes")
        collection.column("categories")
        print(f"\n{len(collection):,} papers")
        print(f"{'query':34} {'path':7} {'matches':>9} {'median ms':>10} {'first rows ms':>14}")
        for text in QUERIES:
            query = Query(text)
            quick = collection.is_quick(query)
            times = []
            for _ in range(3):
                start = time.perf_counter()
                found = collection.filter(query, Context(state))
                times.append((time.perf_counter() - start) * 1000)
            previews = []
            for _ in range(3):
                start = time.perf_counter()
                first = collection.preview(query, Context(state))
                previews.append((time.perf_counter() - start) * 1000)
            shown = f"{statistics.median(previews):.1f} ({len(first)})" if first is not None else "-"
            print(
                f"{text:34} {'quick' if quick else 'worker':7} {len(found):>9,} "
                f"{statistics.median(times):>10.1f} {shown:>14}"
            )


if __name__ == "__main__":
    main()
