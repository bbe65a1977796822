"""Would word positions answer phrases better than the word pairs? A measurement, not a feature.

    uv run python bench/positions_probe.py [N] [--data DIR]

Tokenises N generated papers (bench/generate.py, cached in DIR) as the import does, into one
in-memory segment, and prints (a) the bytes of its postings, of its word pairs (as
``library/pairs.py`` stores them) and of word positions (each posting's positions in its
paper, a gap between texts, stored as variable-length deltas: 1 byte below 128); (b) for a few
phrases, the papers found and the time of a full count from positions (numpy: the candidates'
position runs decoded, then each next word looked up at the next position), over the papers
having every word of the phrase, and over those the pairs leave (every adjacent pair present:
what the library reads the text of today), joined by sorting (paper, position) keys and,
over the latter, by a table of the candidates' slots instead (no sort: each candidate paper
gets a slot as long as its text, an occurrence is kept when the slot before it holds a kept
occurrence of the phrase's previous word). Times are warm, in one process.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import write  # noqa: E402

from papershelf.library.pairs import PairData  # noqa: E402
from papershelf.library.prepare import _parse_lines  # noqa: E402
from papershelf.library.tokens import counted_postings, csr, tokenise  # noqa: E402

PHRASES = ["of the model", "language model", "large language model", "neural network"]
Mask = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]


class Probe:
    def __init__(self, path: Path, n: int) -> None:
        with path.open("rb") as handle:
            lines = [(i, raw.decode()) for i, raw in enumerate(itertools.islice(handle, n), 1)]
        papers = list(_parse_lines(lines, str(path), True))
        self.n = n = len(papers)
        tokens = tokenise(papers)
        rank, entry, text = tokens.rank, tokens.entry, tokens.text
        m = rank.size
        first = np.searchsorted(entry, np.arange(n))  # each paper's first token
        position = np.arange(m) + text - (first + text[first])[entry]  # +1 between two texts
        self.posts, order, posting = counted_postings(rank, entry, n)
        self.ptr = csr(self.posts.rank, len(tokens.vocab))
        self.vocab = tokens.vocab
        run_start = np.ones(m, dtype=np.bool_)
        run_start[1:] = posting[1:] != posting[:-1]
        in_order = position[order]
        self.deltas = np.where(run_start, in_order, np.r_[0, np.diff(in_order)])
        self.runs = np.diff(np.r_[np.flatnonzero(run_start), m])
        self.run_offset = np.r_[0, np.cumsum(self.runs)]
        followed = np.zeros(m, dtype=np.bool_)
        followed[:-1] = text[1:] == text[:-1]
        paired = followed[order]
        self.pairs = PairData.build(
            self.ptr, self.posts.rank, (posting[paired], rank[order[paired] + 1].astype(np.int64))
        )
        self.tokens = m
        # Each paper's positions fit in a slot of ``span`` (its last position + 2: the slot
        # before a paper's position 0 is never marked), for the join by a table, not a sort.
        self.span = np.ones(n, dtype=np.int64)
        last = np.r_[first[1:] - 1, m - 1]
        has = first < np.r_[first[1:], m]
        self.span[has] = position[last[has]] + 2

    def sizes(self) -> tuple[int, int, int]:
        d = self.deltas
        positions = int(np.where(d < 128, 1, np.where(d < 16384, 2, 3)).sum())
        return 4 * self.posts.rank.size, 2 * self.pairs.post.size, positions

    def word_range(self, prefix: str) -> tuple[int, int]:
        b = prefix.encode()
        lo = hi = int(np.searchsorted(np.array(self.vocab, dtype=object), b))
        while hi < len(self.vocab) and self.vocab[hi].startswith(b):
            hi += 1
        return lo, hi

    def docs(self, lo: int, hi: int) -> Mask:
        mask = np.zeros(self.n, dtype=np.bool_)
        mask[self.posts.entry[int(self.ptr[lo]) : int(self.ptr[hi])]] = True
        return mask

    def pair_docs(self, a: tuple[int, int], b: tuple[int, int]) -> Mask:
        """Papers with a word of ``a`` followed by one of ``b`` (or a word of either without pairs)."""
        words, post, code = self.pairs.words, self.pairs.post, self.pairs.code
        c_lo, c_hi = (int(i) for i in np.searchsorted(words, b))
        e_lo, e_hi = (int(i) for i in np.searchsorted(post, [self.ptr[a[0]], self.ptr[a[1]]]))
        hit = (code[e_lo:e_hi] >= c_lo) & (code[e_lo:e_hi] < c_hi)
        mask = np.zeros(self.n, dtype=np.bool_)
        mask[self.posts.entry[post[e_lo:e_hi][hit]]] = True
        for lo, hi in (a, b):
            for r in np.setdiff1d(np.arange(lo, hi), words).tolist():
                mask |= self.docs(r, r + 1)
        return mask

    def positions(self, lo: int, hi: int, candidates: Mask) -> tuple[Ints, Ints]:
        """(paper, position) of every occurrence of the words ``lo`` .. ``hi`` - 1 in the
        candidates, in posting order (not sorted)."""
        p0, p1 = int(self.ptr[lo]), int(self.ptr[hi])
        chosen = np.flatnonzero(candidates[self.posts.entry[p0:p1]]) + p0
        if not chosen.size:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        lengths = self.runs[chosen]
        starts = np.r_[0, np.cumsum(lengths)[:-1]]
        index = np.repeat(self.run_offset[chosen] - starts, lengths) + np.arange(int(lengths.sum()))
        d = self.deltas[index]
        running = np.cumsum(d)
        absolute = running - np.repeat(running[starts] - d[starts], lengths)
        return np.repeat(self.posts.entry[chosen].astype(np.int64), lengths), absolute

    def phrase_table(self, ranges: list[tuple[int, int]], candidates: Mask) -> int:
        """:meth:`phrase` joined through a table of the candidates' slots (no sort): a word's
        occurrence stays when the slot before it holds a kept occurrence of the word before."""
        base = np.zeros(self.n, dtype=np.int64)
        chosen = np.flatnonzero(candidates)
        spans = self.span[chosen]
        base[chosen] = np.cumsum(spans) - spans
        total = int(spans.sum())
        papers, at = self.positions(*ranges[0], candidates)
        flat = base[papers] + at
        for r in ranges[1:]:
            if not flat.size:
                return 0
            kept = np.zeros(total, dtype=np.bool_)
            kept[flat] = True
            papers, at = self.positions(*r, candidates)
            flat = base[papers] + at
            follows = kept[flat - 1]
            flat, papers = flat[follows], papers[follows]
        found = np.zeros(self.n, dtype=np.bool_)
        found[papers] = True
        return int(found.sum())

    def keys(self, lo: int, hi: int, candidates: Mask) -> npt.NDArray[np.int64]:
        """(paper << 16 | position) of the words ``lo`` .. ``hi`` - 1 in the candidates, sorted."""
        papers, at = self.positions(lo, hi, candidates)
        key: npt.NDArray[np.int64] = (papers << 16) | at
        if hi - lo > 1:
            key.sort()
        return key

    def phrase(self, ranges: list[tuple[int, int]], candidates: Mask) -> int:
        found = self.keys(*ranges[0], candidates)
        for i, r in enumerate(ranges[1:], start=1):
            nxt = self.keys(*r, candidates)
            if not (nxt.size and found.size):
                return 0
            at = np.minimum(np.searchsorted(nxt, found + i), nxt.size - 1)
            found = found[nxt[at] == found + i]
        return int(np.unique(found >> 16).size)


def timed(fn: Callable[..., int], *args: object) -> tuple[float, int]:
    start = time.perf_counter()
    found = fn(*args)
    return (time.perf_counter() - start) * 1000, found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "papershelf-bench")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    source = args.data / f"papers-{args.n}.jsonl"
    if not source.exists():
        write(args.n, source)
    probe = Probe(source, args.n)
    postings, pairs, positions = probe.sizes()
    print(f"\n{probe.n:,} papers, {probe.tokens / probe.n:.0f} words a paper\n")
    print("| postings | word pairs | word positions |\n|---|---|---|")
    print(f"| {postings / 1e6:.1f} MB | {pairs / 1e6:.1f} MB | {positions / 1e6:.1f} MB |\n")
    print(
        "| phrase | papers | with every word | positions over them | every pair | positions over them "
        "| the same, joined by a table |"
    )
    print("|---|---|---|---|---|---|---|")
    for text in PHRASES:
        ranges = [probe.word_range(word) for word in text.split()]
        every_word = probe.docs(*ranges[0])
        for r in ranges[1:]:
            every_word &= probe.docs(*r)
        every_pair = np.ones(probe.n, dtype=np.bool_)
        for a, b in itertools.pairwise(ranges):
            every_pair &= probe.pair_docs(a, b)
        slow, found = timed(probe.phrase, ranges, every_word)
        fast, again = timed(probe.phrase, ranges, every_pair)
        table, third = timed(probe.phrase_table, ranges, every_pair)
        assert found == again == third, (text, found, again, third)
        print(
            f'| "{text}" | {found:,} | {int(every_word.sum()):,} | {slow:,.0f} ms '
            f"| {int(every_pair.sum()):,} | {fast:,.0f} ms | {table:,.1f} ms |"
        )


if __name__ == "__main__":
    main()
