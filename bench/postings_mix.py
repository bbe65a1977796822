"""How small could a library's postings be? A measurement of its segments, not a feature.

    uv run python bench/postings_mix.py [LIBRARY_DIR]

(default: the library of this user, as ``papershelf`` finds it.) "raw" is 4 bytes a posting
(how segments stored them before ``library/postings.py`` packed them into 2). For each segment
of the whole-paper index this counts the words found in more than 1/32 of the segment's papers
("dense": a bitmap of the segment's span of papers is smaller than their postings), and prints
the bytes of the postings raw, with the dense words as bitmaps and the others raw, and with the
others as variable-length deltas (1 byte below 128).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from papershelf.library.postings import open_postings
from papershelf.store.paths import library_dir


def varint_bytes(values: np.ndarray) -> int:
    return int(
        np.where(values < 1 << 7, 1, np.where(values < 1 << 14, 2, np.where(values < 1 << 21, 3, 4))).sum()
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("library", nargs="?", type=Path, default=None)
    args = parser.parse_args()
    directory = args.library or library_dir()
    segments = sorted((directory / "index").glob("seg-*"))
    if not segments:
        raise SystemExit(f"no index segments in {directory / 'index'}")
    print(
        "| segment | papers (span) | postings | dense words | dense postings | raw "
        "| bitmaps + raw | bitmaps + varint |"
    )
    print("|---|---|---|---|---|---|---|---|")
    totals = np.zeros(4, dtype=np.int64)
    for segment in segments:
        postings = open_postings(segment)
        ptr = np.load(segment / "ptr.npy")
        if not postings.size:
            continue
        docs = np.asarray(postings, dtype=np.int64)
        low = int(docs.min())
        span = int(docs.max()) - low + 1
        per_word = np.diff(ptr)
        dense = per_word * 32 > span
        in_dense = np.repeat(dense, per_word)
        gaps = np.empty_like(docs)
        gaps[0] = docs[0] - low
        gaps[1:] = np.diff(docs)
        starts = ptr[:-1][per_word > 0]
        gaps[starts] = docs[starts] - low  # a word's first posting: from the segment's first paper
        bitmaps = int(dense.sum()) * ((span + 7) // 8)
        raw = 4 * int(postings.size)
        sparse_raw = 4 * int((~in_dense).sum())
        sparse_varint = varint_bytes(gaps[~in_dense])
        totals += (raw, bitmaps + sparse_raw, bitmaps + sparse_varint, int(in_dense.sum()))
        print(
            f"| {segment.name} | {span:,} | {postings.size:,} | {int(dense.sum()):,} "
            f"| {in_dense.mean():.0%} | {raw / 1e6:,.1f} MB | {(bitmaps + sparse_raw) / 1e6:,.1f} MB "
            f"| {(bitmaps + sparse_varint) / 1e6:,.1f} MB |"
        )
    raw, mixed, packed, dense_postings = (int(t) for t in totals)
    print(
        f"| all | | {raw // 4:,} | | {dense_postings / (raw // 4):.0%} | {raw / 1e6:,.1f} MB "
        f"| {mixed / 1e6:,.1f} MB | {packed / 1e6:,.1f} MB |"
    )


if __name__ == "__main__":
    main()
