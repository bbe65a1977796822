"""Building a chunk's index segments at once, with vectorised tokenising and word numbering.

The words are those of :func:`papershelf.text.index_words` (a run of letters and digits, case
and accents folded). A chunk's texts are joined into one buffer, which a bytes translation
lowers and cuts at every character that is not a letter or digit (ASCII text, the usual
case; other text is first split into its folded words by :func:`~papershelf.text.words`, in
Python, and joined with spaces). numpy finds the words in the buffer and pyarrow numbers them
(``dictionary_encode``) and sorts the vocabulary; the postings of every segment (whole paper,
title, authors) and the word pairs (see :mod:`papershelf.library.pairs`) are then array
operations over the chunk's tokens, with no Python object per word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from papershelf.model import Paper
from papershelf.text import fold, words

TITLE, ABSTRACT, PEOPLE, EXTRA = 0, 1, 2, 3
_SPACE = 0x20
# Letters lowered, digits kept, every other ASCII byte a space; bytes of non-ASCII text (already
# split into folded words joined by spaces) kept as they are.
_TABLE = bytes(
    (c | 0x20) if chr(c).isalpha() else c if chr(c).isdigit() else _SPACE for c in range(128)
) + bytes(range(128, 256))

# Runs of what separates words (see papershelf.text.words), NUL (between texts) excepted.
_NON_WORDS = re.compile(r"(?:[^\w\x00]|_)+")

Int64Array = npt.NDArray[np.int64]
UInt32Array = npt.NDArray[np.uint32]


@dataclass
class Tokens:
    """Every word occurrence of a chunk, in text order: its word's rank in the sorted
    ``vocab``, the entry (paper of the chunk) and the text it belongs to, and that text's kind."""

    vocab: list[bytes]
    rank: UInt32Array
    entry: npt.NDArray[np.int32]
    text: npt.NDArray[np.int32]
    kind: npt.NDArray[np.uint8]
    entries: int


def _texts(papers: Sequence[Paper]) -> tuple[list[str], list[int], list[int]]:
    texts: list[str] = []
    owners: list[int] = []
    kinds: list[int] = []
    add_text, add_owner, add_kind = texts.append, owners.append, kinds.append
    for number, paper in enumerate(papers):
        add_text(paper.title)
        add_owner(number)
        add_kind(TITLE)
        if paper.abstract:
            add_text(paper.abstract)
            add_owner(number)
            add_kind(ABSTRACT)
        people = [*paper.authors, paper.organization] if paper.organization else paper.authors
        texts.extend(people)
        owners.extend([number] * len(people))
        kinds.extend([PEOPLE] * len(people))
        if paper.venue or paper.ai_keywords:
            extra = paper.extra_texts
            texts.extend(extra)
            owners.extend([number] * len(extra))
            kinds.extend([EXTRA] * len(extra))
    return texts, owners, kinds


def tokenise(papers: Sequence[Paper]) -> Tokens:
    """The tokens of ``papers`` (entry ``i`` is ``papers[i]``)."""
    import pyarrow as pa  # noqa: PLC0415 - heavy, and only for writing
    import pyarrow.compute as pc  # noqa: PLC0415

    texts, owners, kinds = _texts(papers)
    parts, others = _folded(texts)
    joined = " ".join(parts) + " "  # every text ends with a space
    lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)) + 1
    if not joined.isascii():  # (characters are not bytes)
        for i in others:
            lengths[i] = len(parts[i].encode("utf-8")) + 1
    starts = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    buffer = np.frombuffer(joined.encode("utf-8").translate(_TABLE), dtype=np.uint8)
    in_word = buffer != _SPACE
    # Where a word starts or ends, in_word changes: one pass finds both. Every text ends with
    # a space, so the changes alternate start, end (the byte after the word), start, end...
    edges = np.flatnonzero(np.diff(in_word.view(np.int8), prepend=np.int8(0)))
    word_starts, word_ends = edges[0::2], edges[1::2]
    count = word_starts.size
    offsets = np.zeros(count + 1, dtype=np.int32 if buffer.size < 1 << 31 else np.int64)
    np.cumsum(word_ends - word_starts, out=offsets[1:])
    kind = pa.binary() if offsets.dtype == np.int32 else pa.large_binary()
    data = pa.Array.from_buffers(kind, count, [None, pa.py_buffer(offsets), pa.py_buffer(buffer[in_word])])
    encoded_words = pc.dictionary_encode(data)
    dictionary = encoded_words.dictionary
    order = pc.sort_indices(dictionary).to_numpy()
    rank = np.empty(len(dictionary), dtype=np.uint32)
    rank[order] = np.arange(len(dictionary), dtype=np.uint32)
    vocab: list[bytes] = dictionary.take(pa.array(order)).to_pylist()
    ids = encoded_words.indices.to_numpy(zero_copy_only=False)
    per_text = np.diff(np.searchsorted(word_starts, starts))
    text = np.repeat(np.arange(len(texts), dtype=np.int32), per_text)
    return Tokens(
        vocab,
        rank[ids],
        np.asarray(owners, dtype=np.int32)[text],
        text,
        np.asarray(kinds, dtype=np.uint8)[text],
        len(papers),
    )


def _folded(texts: list[str]) -> tuple[list[str], list[int]]:
    """Each text ready for the bytes translation, and which texts were not ASCII: ASCII text as
    it is, other text folded (its words joined by spaces, or as it folds where that is ASCII:
    the translation then cuts it as it cuts ASCII text).

    The non-ASCII texts are folded at once, joined by NUL (which no cleaned text holds, and
    which folding leaves alone), rather than one call per author name.
    """
    others = [i for i, t in enumerate(texts) if not t.isascii()]
    if not others:
        return texts, others
    parts = list(texts)
    joined = "\x00".join(texts[i] for i in others)
    if joined.count("\x00") != len(others) - 1:
        for i in others:
            parts[i] = " ".join(words(texts[i]))
        return parts, others
    folded = fold(joined)
    if not folded.isascii():
        folded = _NON_WORDS.sub(" ", folded)
    for i, part in zip(others, folded.split("\x00"), strict=True):
        parts[i] = part
    return parts, others


def stable_order(values: npt.NDArray[np.integer], bound: int) -> Int64Array:
    """The stable permutation that sorts ``values`` (integers in 0 .. ``bound`` - 1).

    A radix sort, 16 bits a pass from the lowest (numpy's stable sort of 16-bit integers is a
    radix sort): a chunk's ranks and entries take one pass each, several times faster than
    sorting 64-bit keys that pack them."""
    order: Int64Array | None = None
    shift = 0
    while True:
        digit = (((values if order is None else values[order]) >> shift) & 0xFFFF).astype(np.uint16)
        step = np.argsort(digit, kind="stable")
        order = step if order is None else order[step]
        shift += 16
        if bound <= 1 << shift:
            return order


@dataclass
class Postings:
    """The distinct (word rank, entry) of some tokens, sorted by rank then entry (two arrays),
    and how often each word occurs in each entry (at most 255: the term frequencies the ranking
    features weigh)."""

    rank: Int64Array
    entry: Int64Array
    counts: npt.NDArray[np.uint8]


def counted_postings(
    rank: UInt32Array, entry: npt.NDArray[np.int32], entries: int
) -> tuple[Postings, Int64Array, Int64Array]:
    """The postings of tokens (word ``rank`` and ``entry`` of each, ``entries`` entries); the
    stable permutation ``order`` that sorts the tokens by posting; and the posting of each
    token in that order (of token ``order[i]``: ``posting[i]``)."""
    size = rank.size
    if size and np.any(entry[1:] < entry[:-1]):  # not in entry order: order them by entry first
        by_entry = stable_order(entry, entries)
        order = by_entry[stable_order(rank[by_entry], int(rank.max()) + 1)]
    else:  # tokens come in text order, so in entry order: a stable order by rank is by both
        order = stable_order(rank, int(rank.max()) + 1 if size else 1)
    shift = max(entries - 1, 1).bit_length()
    values = ((rank.astype(np.int64) << shift) | entry)[order]
    start = np.ones(size, dtype=np.bool_)
    np.not_equal(values[1:], values[:-1], out=start[1:])
    starts = np.flatnonzero(start)
    counts = np.minimum(np.diff(np.append(starts, size)), 255).astype(np.uint8)
    key = values[starts]
    del values
    postings = Postings(key >> shift, key & ((1 << shift) - 1), counts)
    return postings, order, np.cumsum(start, dtype=np.int64) - 1


def distinct(values: Int64Array, *, runs: bool = False) -> Int64Array:
    """The distinct values, sorted (``np.unique`` hashes first, many times slower here);
    ``values`` is sorted in place. ``runs``: the values are a few sorted runs, or nearly
    sorted; a stable sort (numpy's is then a merge sort, which finds the runs) orders them in
    about linear time."""
    values.sort(kind="stable" if runs else None)
    keep = np.ones(values.size, dtype=np.bool_)
    keep[1:] = values[1:] != values[:-1]
    return values[keep]


def word_of_postings(ptr: Int64Array) -> Int64Array:
    """The word (rank) of each posting of a CSR index."""
    return np.repeat(np.arange(ptr.size - 1, dtype=np.int64), np.diff(ptr))


def csr(ranks: Int64Array, size: int) -> Int64Array:
    ptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(ranks, minlength=size), out=ptr[1:])
    return ptr


def subset(
    vocab: list[bytes], rank: UInt32Array, mask: npt.NDArray[np.bool_]
) -> tuple[list[bytes], UInt32Array]:
    """The vocabulary of the tokens in ``mask`` and their ranks in it."""
    chosen = rank[mask]
    present = np.zeros(len(vocab), dtype=np.bool_)
    present[chosen] = True
    renumbered = (np.cumsum(present) - 1).astype(np.uint32)
    return [vocab[i] for i in np.flatnonzero(present).tolist()], renumbered[chosen]
