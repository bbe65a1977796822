"""Best match first: BM25F over title, abstract and authors, for the words of a query.

Query words are prefixes (the filter's "scal" matches "scaling"), so a paper either has a word
starting with the query word in a field or not: term frequency is binary per field, and the
fields combine BM25F-style into one pseudo-frequency ``tf = text + 2 * title + 0.5 * author``
before the usual saturation ``tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avglen))`` (``len``:
the paper's distinct words). A word in fewer papers (higher idf) counts for more.

``word_hits(word, field)`` answers which papers have the word in "any" (whole text), "title" or
"author": the library's search index, or :class:`PrefixIndex` for papers held in memory.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float32]
WordHits = Callable[[str, str], BoolArray | None]

K1 = 1.2
B = 0.75
FIELD_BOOST = {"title": 2.0, "author": 0.5}


def bm25(
    words: Sequence[str],
    word_hits: WordHits,
    doc_lengths: npt.NDArray[np.int64],
    domain: npt.NDArray[np.int64] | None = None,
) -> FloatArray:
    """Per position, the BM25F score of the query ``words`` (0 for a paper with none)."""
    size = doc_lengths.size
    scores = np.zeros(size, dtype=np.float32)
    if size == 0:
        return scores
    lengths = doc_lengths.astype(np.float32)
    mean = float(lengths.mean()) or 1.0
    norm = K1 * (1 - B + B * lengths / mean)
    for word in dict.fromkeys(words):
        any_hits = word_hits(word, "any")
        if any_hits is None:
            continue
        n = int(np.count_nonzero(any_hits))
        if n == 0:
            continue
        idf = np.float32(np.log(1 + (size - n + 0.5) / (n + 0.5)))
        tf = any_hits.astype(np.float32)
        for field, boost in FIELD_BOOST.items():
            hits = word_hits(word, field)
            if hits is not None:
                tf += np.float32(boost) * hits
        scores += idf * tf * (K1 + 1) / (tf + norm)
    return scores


class PrefixIndex:
    """Which papers have a word starting with a prefix, for papers held in memory: per field, the
    sorted distinct words and the positions of the papers having each."""

    def __init__(self, entries: Iterable[tuple[int, dict[str, set[bytes]]]], size: int) -> None:
        postings: dict[str, dict[bytes, list[int]]] = {"any": {}, "title": {}, "author": {}}
        for position, fields in entries:
            for field, name in (("text", "any"), ("title", "title"), ("author", "author")):
                table = postings[name]
                for word in fields[field]:
                    table.setdefault(word, []).append(position)
        self.size = size
        self._vocab = {name: sorted(table) for name, table in postings.items()}
        self._postings = postings

    def word_hits(self, word: str, field: str) -> BoolArray | None:
        vocab = self._vocab.get(field)
        if vocab is None:
            return None
        prefix = word.encode("utf-8")
        lo = bisect.bisect_left(vocab, prefix)
        hi = bisect.bisect_left(vocab, prefix + b"\xff")
        hits = np.zeros(self.size, dtype=np.bool_)
        table = self._postings[field]
        for found in vocab[lo:hi]:
            hits[table[found]] = True
        return hits
