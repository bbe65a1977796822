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

Files (beside ``postings.npy``): ``pair_words.npy`` (uint32, the ranks of the coded words, sorted:
code ``c`` is word ``pair_words[c]``), ``pair_ptr.npy`` (int64, entries of code ``c`` from
``pair_ptr[c]``), ``pairs.npy`` (uint16 entries).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from papershelf.library.tokens import distinct, word_of_postings

BITS = 15
MASK = (1 << BITS) - 1
NONE = MASK  # the entry of a posting whose word is followed by no coded word
CODES = MASK  # at most this many coded words (codes 0 .. CODES - 1) in a segment
FIRST = 0x8000
FILES = ("pair_words.npy", "pair_ptr.npy", "pairs.npy")

Int64Array = npt.NDArray[np.int64]


@dataclass
class PairData:
    """Pairs in memory: coded word ranks, and per entry its posting (global index into the
    segment's postings, grouped as they are) and the next word's code (or :data:`NONE`)."""

    words: npt.NDArray[np.uint32]
    post: Int64Array
    code: npt.NDArray[np.uint16]

    @classmethod
    def build(
        cls,
        ptr: Int64Array,
        posts: tuple[Int64Array, Int64Array],
        pairs: tuple[Int64Array, Int64Array, Int64Array],
        entries: int,
    ) -> PairData:
        """From a segment's postings ``posts`` (rank, entry; sorted) and its adjacent word pairs
        ``pairs`` (rank of the first word, rank of the next, entry)."""
        post_rank, post_entry = posts
        first, second, pair_entry = pairs
        size = ptr.size - 1
        if size <= CODES:
            coded = np.arange(size, dtype=np.uint32)
        else:
            coded = np.sort(np.argsort(-np.diff(ptr), kind="stable")[:CODES]).astype(np.uint32)
        code_of = np.full(size, -1, dtype=np.int64)
        code_of[coded] = np.arange(coded.size)
        keep = (code_of[first] >= 0) & (code_of[second] >= 0)
        # Each posting of a coded word once with NONE ("no pair"), and each pair: sorted by
        # posting (rank, entry), then next code; the postings of coded words in their order.
        coded_posts = np.flatnonzero(code_of[post_rank] >= 0)
        shift = BITS + max(entries - 1, 1).bit_length()
        key = distinct(
            np.concatenate(
                [
                    (first[keep] << shift) | (pair_entry[keep] << BITS) | code_of[second[keep]],
                    (post_rank[coded_posts] << shift) | (post_entry[coded_posts] << BITS) | NONE,
                ]
            )
        )
        posting = key >> BITS
        start = np.ones(posting.size, dtype=np.bool_)
        start[1:] = posting[1:] != posting[:-1]
        group = np.cumsum(start) - 1
        return cls._from_keys(coded, (coded_posts[group] << BITS) | (key & MASK))

    @classmethod
    def _from_keys(cls, coded: npt.NDArray[np.uint32], key: Int64Array) -> PairData:
        """From sorted distinct keys ``post << BITS | code``: NONE kept only where a posting has
        no other entry."""
        post, code = key >> BITS, key & MASK
        alone = np.ones(post.size, dtype=np.bool_)
        alone[1:] = post[1:] != post[:-1]
        keep = (code != NONE) | alone
        return cls(coded, post[keep], code[keep].astype(np.uint16))

    def remap(self, kept: npt.NDArray[np.bool_]) -> PairData:
        """The pairs once the postings not ``kept`` are dropped (whole postings, so whole groups)."""
        new_index = np.cumsum(kept) - 1
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
        np.save(directory / "pairs.npy", entries.astype(np.uint16, copy=False))


class Pairs:
    """A segment's pairs, memory-mapped."""

    def __init__(self, directory: Path, ptr: Int64Array) -> None:
        self.words: npt.NDArray[np.uint32] = np.load(directory / "pair_words.npy")
        self.ptr: Int64Array = np.load(directory / "pair_ptr.npy", mmap_mode="r")
        self.entries: npt.NDArray[np.uint16] = np.load(directory / "pairs.npy", mmap_mode="r")
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
        if not lengths.size:
            return np.empty(0, dtype=np.int64)
        offsets = np.zeros(lengths.size, dtype=np.int64)
        np.cumsum(lengths[:-1], out=offsets[1:])
        return np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)

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

    def decode(self) -> tuple[Int64Array, npt.NDArray[np.uint16]]:
        """(global posting index, next code) of every entry."""
        entries = np.asarray(self.entries)
        group = np.cumsum(entries >> 15, dtype=np.int64) - 1
        posts = self.postings_of(self.words.astype(np.int64))
        return posts[group], entries & np.uint16(MASK)


def merge_pairs(
    parts: list[tuple[Pairs, Int64Array, Int64Array]], size: int, frequency: Int64Array
) -> PairData:
    """The pairs of a merged segment of ``size`` words: ``parts`` are (pairs, merged word id of
    each part word, merged posting index of each part posting or -1 when dropped).

    A word is coded in the merge only when it is coded in every part that has it (a part keeps
    no pairs of its uncoded words).
    """
    eligible = np.ones(size, dtype=np.bool_)
    for pairs, mapped, _ in parts:
        uncoded = np.ones(mapped.size, dtype=np.bool_)
        uncoded[pairs.words] = False
        eligible[mapped[uncoded]] = False
    candidates = np.flatnonzero(eligible)
    if candidates.size > CODES:
        best = np.argsort(-frequency[candidates], kind="stable")[:CODES]
        candidates = np.sort(candidates[best])
    coded = candidates.astype(np.uint32)
    code_of = np.full(size, -1, dtype=np.int64)
    code_of[coded] = np.arange(coded.size)
    keys = []
    for pairs, mapped, destination in parts:
        post, code = pairs.decode()
        first = code_of[mapped[word_of_postings(np.asarray(pairs.word_ptr))[post]]]
        target = destination[post]
        keep = (first >= 0) & (target >= 0)
        next_word = np.full(code.size, -1, dtype=np.int64)
        real = code != NONE
        next_word[real] = code_of[mapped[pairs.words[code[real]]]]
        next_code = np.where(next_word >= 0, next_word, NONE)
        keys.append((target[keep] << BITS) | next_code[keep])
    key = distinct(np.concatenate(keys)) if keys else np.empty(0, dtype=np.int64)
    return PairData._from_keys(coded, key)
