"""Word pairs in the index: a phrase's answer without reading the papers' text.

Beside its postings, a segment keeps, for each posting (word, paper) of its *coded* words, the
words that follow that word somewhere in that paper (in the same text: title, abstract, one
author, the organisation, one keyword; a phrase never spans two). A phrase of two words is then
an array operation: the postings of the words starting with the first prefix whose next words
start with the second. Longer phrases intersect their adjacent pairs and check the few papers
left in their text.

The coded words are the :data:`CODES` most frequent words of the segment (all of them in most
segments): a next word is stored as its code, 15 bits, and the top bit of an entry marks the
first entry of a posting. A posting whose word is followed by no coded word has one
:data:`NONE` entry. Pairs with a word that is not coded are not stored; papers having such a word
of the phrase are *unknown* and are checked in their text (they are few: the word is rare).

Files (beside the postings): ``pair_words.npy`` (uint32, the ranks of the coded words, sorted:
code ``c`` is word ``pair_words[c]``), ``pair_ptr.npy`` (int64, entries of code ``c`` from
``pair_ptr[c]``), ``pairs.bin`` (the uint16 entries, raw little-endian: a merge writes them a
block of words at a time).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from papershelf.arrays import ranges
from papershelf.library.postings import PostingsFile
from papershelf.library.segfile import FileArray, Voids, word_blocks
from papershelf.library.tokens import distinct, word_of_postings

BITS = 15
MASK = (1 << BITS) - 1
NONE = MASK  # the entry of a posting whose word is followed by no coded word
CODES = MASK  # at most this many coded words (codes 0 .. CODES - 1) in a segment
FIRST = 0x8000
FILES = ("pair_words.npy", "pair_ptr.npy", "pairs.bin")
BLOCK = 1 << 18  # postings merged at a time (memory: a few arrays of this many entries)

Int64Array = npt.NDArray[np.int64]


@dataclass
class PairData:
    """Pairs in memory: coded word ranks, and per entry its posting (global index into the
    segment's postings, grouped as they are) and the next word's code (or :data:`NONE`)."""

    words: npt.NDArray[np.uint32]
    post: npt.NDArray[np.uint32]  # (postings are counted in uint32 too)
    code: npt.NDArray[np.uint16]

    @classmethod
    def build(cls, ptr: Int64Array, post_rank: Int64Array, pairs: tuple[Int64Array, Int64Array]) -> PairData:
        """From a segment's postings (``post_rank``: the word of each; sorted) and its adjacent
        word pairs ``pairs``: the posting of the first word's occurrence (in posting order) and
        the rank of the next word."""
        pair_post, pair_next = pairs
        size = ptr.size - 1
        if size <= CODES:
            coded = np.arange(size, dtype=np.uint32)
        else:
            coded = np.sort(np.argsort(-np.diff(ptr), kind="stable")[:CODES]).astype(np.uint32)
        code_of = np.full(size, -1, dtype=np.int32)
        code_of[coded] = np.arange(coded.size)
        next_code = code_of[pair_next]
        keep = next_code >= 0
        keep &= code_of[post_rank[pair_post]] >= 0
        coded_posts = np.flatnonzero(code_of[post_rank] >= 0)
        # Each pair, and each posting of a coded word once with NONE ("no pair"), by posting
        # then next code: two runs already in posting order, for a stable sort to merge.
        key = np.empty(int(keep.sum()) + coded_posts.size, dtype=np.int64)
        pairs_end = key.size - coded_posts.size
        np.left_shift(pair_post[keep], BITS, out=key[:pairs_end])
        key[:pairs_end] |= next_code[keep]
        np.left_shift(coded_posts, BITS, out=key[pairs_end:])
        key[pairs_end:] |= NONE
        del next_code, keep, coded_posts
        return cls._from_keys(coded, distinct(key, runs=True))

    @classmethod
    def _from_keys(cls, coded: npt.NDArray[np.uint32], key: Int64Array) -> PairData:
        """From sorted distinct keys ``post << BITS | code``: NONE kept only where a posting has
        no other entry."""
        post, code = key >> BITS, key & MASK
        alone = np.ones(post.size, dtype=np.bool_)
        alone[1:] = post[1:] != post[:-1]
        keep = (code != NONE) | alone
        return cls(coded, post[keep].astype(np.uint32), code[keep].astype(np.uint16))

    def remap(self, kept: npt.NDArray[np.bool_]) -> PairData:
        """The pairs once the postings not ``kept`` are dropped (whole postings, so whole groups)."""
        new_index = (np.cumsum(kept) - 1).astype(np.uint32)
        keep = kept[self.post]
        return PairData(self.words, new_index[self.post[keep]], self.code[keep])

    def write(self, directory: Path, ptr: Int64Array) -> None:
        per_word = np.bincount(word_of_postings(ptr)[self.post], minlength=ptr.size - 1)
        pair_ptr = np.zeros(self.words.size + 1, dtype=np.int64)
        np.cumsum(per_word[self.words], out=pair_ptr[1:])
        first = np.ones(self.post.size, dtype=np.bool_)
        first[1:] = self.post[1:] != self.post[:-1]
        entries = self.code | (first.astype(np.uint16) << 15)
        np.save(directory / "pair_words.npy", self.words.astype(np.uint32, copy=False))
        np.save(directory / "pair_ptr.npy", pair_ptr)
        (directory / "pairs.bin").write_bytes(entries.astype("<u2", copy=False).tobytes())


class Pairs:
    """A segment's pairs, memory-mapped."""

    def __init__(self, directory: Path, ptr: Int64Array) -> None:
        self.words: npt.NDArray[np.uint32] = np.load(directory / "pair_words.npy")
        self.ptr: Int64Array = np.load(directory / "pair_ptr.npy", mmap_mode="r")
        path = directory / "pairs.bin"
        self.entries: npt.NDArray[np.uint16] = (
            np.memmap(path, dtype="<u2", mode="r") if path.stat().st_size else np.empty(0, dtype=np.uint16)
        )
        self.word_ptr = ptr

    def codes(self, lo: int, hi: int) -> tuple[int, int]:
        """The codes of the words of ranks ``lo`` .. ``hi`` - 1 (a prefix's range)."""
        return int(np.searchsorted(self.words, lo)), int(np.searchsorted(self.words, hi))

    def uncoded(self, lo: int, hi: int) -> Int64Array:
        """Ranks in ``lo`` .. ``hi`` - 1 that have no code."""
        c_lo, c_hi = self.codes(lo, hi)
        if c_hi - c_lo == hi - lo:
            return np.empty(0, dtype=np.int64)
        ranks = np.arange(lo, hi, dtype=np.int64)
        return ranks[~np.isin(ranks, self.words[c_lo:c_hi])]

    def postings_of(self, ranks: Int64Array) -> Int64Array:
        """Global posting indices of the words ``ranks``, in order."""
        ptr = self.word_ptr
        starts = np.asarray(ptr[ranks], dtype=np.int64)
        lengths = np.asarray(ptr[ranks + 1], dtype=np.int64) - starts
        return ranges(starts, lengths)

    def matching(self, first: tuple[int, int], second: tuple[int, int]) -> Int64Array:
        """Global posting indices (of the first word) where a coded word of rank range ``first``
        is followed by a coded word of rank range ``second``."""
        a_lo, a_hi = self.codes(*first)
        b_lo, b_hi = self.codes(*second)
        if a_lo >= a_hi or b_lo >= b_hi:
            return np.empty(0, dtype=np.int64)
        entries = np.asarray(self.entries[int(self.ptr[a_lo]) : int(self.ptr[a_hi])])
        code = entries & np.uint16(MASK)
        found = (code >= b_lo) & (code < b_hi)
        if not found.any():
            return np.empty(0, dtype=np.int64)
        group = np.cumsum(entries >> 15, dtype=np.int64) - 1
        posts = self.postings_of(self.words[a_lo:a_hi].astype(np.int64))
        return posts[group[found]]


@dataclass
class Part:
    """A segment being merged: its pairs, the merged id of each of its words, its CSR pointers,
    postings and pair entries (read from the files), and its number in the run."""

    pairs: Pairs
    mapped: Int64Array
    ptr: Int64Array
    postings: PostingsFile
    entries: FileArray
    number: int


class MergedPairs:
    """The pairs of a merged segment, written a block of words at a time (see :meth:`write`).

    A word is coded in the merge only when it is coded in every part that has it (a part keeps
    no pairs of its uncoded words); the postings are placed as
    :func:`papershelf.library.merge.merge_data` places them (per word, the parts' surviving
    postings in run order).
    """

    def __init__(self, parts: list[Part], voids: Voids, ptr: Int64Array) -> None:
        self.parts, self.voids, self.ptr = parts, voids, ptr
        size = ptr.size - 1
        eligible = np.ones(size, dtype=np.bool_)
        for part in parts:
            uncoded = np.ones(part.mapped.size, dtype=np.bool_)
            uncoded[part.pairs.words] = False
            eligible[part.mapped[uncoded]] = False
        candidates = np.flatnonzero(eligible)
        if candidates.size > CODES:
            best = np.argsort(-np.diff(ptr)[candidates], kind="stable")[:CODES]
            candidates = np.sort(candidates[best])
        self.words = candidates.astype(np.uint32)
        self.code_of = np.full(size, -1, dtype=np.int64)
        self.code_of[self.words] = np.arange(self.words.size)
        # Per part, the merged code of each of its codes (NONE for a word the merge does not
        # code), and NONE for NONE.
        self.merged_codes: dict[int, Int64Array] = {}
        for part in parts:
            table = np.full(NONE + 1, NONE, dtype=np.int64)
            table[: part.pairs.words.size] = self.code_of[part.mapped[part.pairs.words]]
            table[table < 0] = NONE
            self.merged_codes[part.number] = table

    def write(self, directory: Path, ptr: Int64Array) -> None:
        per_word = np.zeros(ptr.size - 1, dtype=np.int64)
        with (directory / "pairs.bin").open("wb") as out:
            for start, end in word_blocks(self._bounds(), BLOCK):
                for post, code in self._block(start, end):
                    first = np.ones(post.size, dtype=np.bool_)
                    first[1:] = post[1:] != post[:-1]
                    out.write((code | (first.astype(np.uint16) << 15)).astype("<u2").tobytes())
                    # ``post`` is sorted: each word's entries are those between its pointers
                    # (a search per word of the block, not one per entry).
                    per_word[start:end] += np.diff(np.searchsorted(post, ptr[start : end + 1]))
        pair_ptr = np.zeros(self.words.size + 1, dtype=np.int64)
        np.cumsum(per_word[self.words], out=pair_ptr[1:])
        np.save(directory / "pair_words.npy", self.words)
        np.save(directory / "pair_ptr.npy", pair_ptr)

    def _bounds(self) -> Int64Array:
        """Cumulative entries of the merged words in the parts (at least what the merge keeps)."""
        bound = np.zeros(self.ptr.size - 1, dtype=np.int64)
        for part in self.parts:
            pair_ptr = np.asarray(part.pairs.ptr, dtype=np.int64)
            bound[part.mapped[part.pairs.words]] += pair_ptr[1:] - pair_ptr[:-1]
        cumulative = np.zeros(bound.size + 1, dtype=np.int64)
        np.cumsum(bound, out=cumulative[1:])
        return cumulative

    def _block(self, lo: int, hi: int) -> Iterator[tuple[Int64Array, npt.NDArray[np.uint16]]]:
        """(merged posting, next code) of the entries of merged words ``lo`` .. ``hi`` - 1, in
        order, in pieces: one for several words; for one word (a frequent word can have tens of
        millions of entries), a piece per :data:`BLOCK` entries of each part."""
        placed = np.zeros(hi - lo, dtype=np.int64)  # surviving postings of each word so far
        keys = []
        for part in self.parts:
            r_lo, r_hi = (int(i) for i in np.searchsorted(part.mapped, [lo, hi]))
            p_lo, p_hi = int(part.ptr[r_lo]), int(part.ptr[r_hi])
            keep = self.voids.survives(part.postings.read(p_lo, p_hi).astype(np.uint32), part.number)
            lengths = part.ptr[r_lo + 1 : r_hi + 1] - part.ptr[r_lo:r_hi]
            word = np.repeat(part.mapped[r_lo:r_hi] - lo, lengths)
            kept_word = word[keep]
            count = np.bincount(kept_word, minlength=hi - lo)
            starts = np.zeros(hi - lo, dtype=np.int64)
            np.cumsum(count[:-1], out=starts[1:])
            destination = np.full(p_hi - p_lo, -1, dtype=np.int64)
            destination[keep] = (
                self.ptr[lo + kept_word] + placed[kept_word] + np.arange(kept_word.size) - starts[kept_word]
            )
            placed += count
            pairs = part.pairs
            c_lo, c_hi = pairs.codes(r_lo, r_hi)
            posts = pairs.postings_of(pairs.words[c_lo:c_hi].astype(np.int64)) - p_lo
            # Where each posting of the part's coded words goes: -1 for a voided paper or a
            # word the merge does not code (its entries are dropped).
            target_of = destination[posts]
            target_of[self.code_of[word[posts] + lo] < 0] = -1
            merged_code = self.merged_codes[part.number]
            start, stop_all, groups = int(pairs.ptr[c_lo]), int(pairs.ptr[c_hi]), 0
            while start < stop_all:
                entries = part.entries.read(start, min(start + BLOCK, stop_all)).astype(np.uint16)
                if start + entries.size < stop_all:  # end the piece before its last posting's entries
                    firsts = np.flatnonzero(entries >> 15)
                    if firsts.size and firsts[-1] > 0:
                        entries = entries[: firsts[-1]]
                start += entries.size
                group = groups + np.cumsum(entries >> 15, dtype=np.int64) - 1
                groups = int(group[-1]) + 1
                target = target_of[group]
                use = target >= 0
                keys.append((target[use] << BITS) | merged_code[entries[use] & np.uint16(MASK)])
                if hi - lo == 1:  # one word: the parts' pieces come in merged order
                    yield self._piece(keys)
                    keys = []
        if keys:
            yield self._piece(keys)

    def _piece(self, keys: list[Int64Array]) -> tuple[Int64Array, npt.NDArray[np.uint16]]:
        merged = PairData._from_keys(self.words, distinct(np.concatenate(keys), runs=True))
        return merged.post.astype(np.int64), merged.code
