"""What would deferring the two secondary indexes save a large import? A measurement, not a feature.

    uv run python bench/import_sqlite_probe.py SNAPSHOT.jsonl [N] [--cache-mb MB] [--deferred]

The SQLite side of a large import alone, in one process: the first 100,000 records of an arXiv
snapshot file (bench/generate.py writes one) prepared as the workers do, then repeated (keys,
arXiv ids and title keys made distinct) into N rows committed in chunks of 5,000 as the importer
does — the chunk's lookups by key, by arXiv id and by title key, then its INSERT in one
transaction — into a new library with the import's page cache. ``--deferred`` drops the arXiv
id and title key indexes for the loop (their lookups left out: the importer would need another
way to find this import's own papers) and builds them at the end. Prints one line of seconds.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path

import papershelf.library.store as store_module
from papershelf.library.prepare import CHUNK_SIZE, Record, block_jobs, prepare_block, read_blocks
from papershelf.library.rows import INSERT
from papershelf.library.store import LibraryStore

BASE_CHUNKS = 20  # 100,000 records prepared once, then repeated


def repeated(chunk: list[Record], copy: int) -> list[Record]:
    """The chunk's records as copy ``copy``: key, arXiv id and title key made distinct."""
    if not copy:
        return chunk
    out: list[Record] = []
    for row, record_digest, key_of_title in chunk:
        values = list(row)
        values[0] = f"{values[0]}-{copy}"
        if values[1]:
            values[1] = f"{values[1]}v{copy}"
        out.append((tuple(values), record_digest, f"{key_of_title} {copy}"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("n", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--cache-mb", type=int, default=store_module.BULK_CACHE_KIB // 1024)
    parser.add_argument("--deferred", action="store_true")
    args = parser.parse_args()
    with args.snapshot.open("rb") as handle:
        jobs = itertools.islice(block_jobs(read_blocks(handle), args.snapshot.name), BASE_CHUNKS)
        base = [prepare_block(job).records for job in jobs]
    store_module.BULK_CACHE_KIB = args.cache_mb * 1024
    with tempfile.TemporaryDirectory() as directory:
        store = LibraryStore(Path(directory) / "library.sqlite")
        db = store.db
        lookups = inserts = 0.0
        next_id = 1
        with store.bulk_writes():
            if args.deferred:
                db.execute("DROP INDEX papers_arxiv_id")
                db.execute("DROP INDEX papers_title_key")
            start = time.perf_counter()
            for number in range(args.n // CHUNK_SIZE):
                chunk = repeated(base[number % len(base)], number // len(base))
                began = time.perf_counter()
                store.existing([str(row[0]) for row, _, _ in chunk])
                if not args.deferred:
                    store.same_paper([str(row[1]) for row, _, _ in chunk if row[1]], [k for _, _, k in chunk])
                looked = time.perf_counter()
                db.execute("BEGIN IMMEDIATE")
                db.executemany(INSERT, [(next_id + i, *row, d, k) for i, (row, d, k) in enumerate(chunk)])
                db.execute("COMMIT")
                next_id += len(chunk)
                lookups += looked - began
                inserts += time.perf_counter() - looked
            loop = time.perf_counter() - start
            if args.deferred:
                db.execute("CREATE INDEX papers_arxiv_id ON papers (arxiv_id)")
                db.execute("CREATE INDEX papers_title_key ON papers (title_key)")
            total = time.perf_counter() - start
        store.close()
    rows = next_id - 1
    print(
        f"{rows:,} rows, cache {args.cache_mb} MB, deferred {args.deferred}: lookups {lookups:.1f} s, "
        f"inserts and commits {inserts:.1f} s, index build {total - loop:.1f} s, "
        f"in all {total:.1f} s = {total / rows * 1e6:.1f} µs a row"
    )


if __name__ == "__main__":
    main()
