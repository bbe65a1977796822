"""The rankings of a library, fed from its search index.

Features are built from the index's own segments (their words per field are every paper's
distinct words already): no text is read again. Each segment's features are cached beside the
library, in ``rank/<segment>/``, the first time a ranking is asked: a segment is immutable, so
its features never go stale, and papers added later (a new import batch or fetch, a new
segment) only build their own. Caches of segments that are gone are removed.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from papershelf.library.index import SearchIndex, Segment
from papershelf.model import Paper
from papershelf.rank.features import FeatureRows, column, paper_words
from papershelf.rank.matrix import FeatureMatrix, FloatArray
from papershelf.rank.ranker import Ranker
from papershelf.rank.relevance import BoolArray, WordHits

FEATURE_VERSION = "1"


def segment_rows(segment: Segment) -> FeatureRows:
    fields = [("text", segment)]
    fields += [(name, segment.fields[name]) for name in ("title", "author") if name in segment.fields]
    return FeatureRows.from_postings(
        [
            (name, [s.word(i) for i in range(s.size)], np.asarray(s.ptr), np.asarray(s.postings))
            for name, s in fields
        ]
    )


def cached_parts(index: SearchIndex, directory: Path) -> list[FeatureRows]:
    """Every segment's feature rows, oldest first, built where missing and cached."""
    parts = []
    wanted = set()
    for segment in index.segments:
        name = f"v{FEATURE_VERSION}-{segment.directory.name}"
        wanted.add(name)
        target = directory / name
        rows = None
        if target.is_dir():
            try:
                rows = FeatureRows.load(target)
            except (OSError, ValueError):
                shutil.rmtree(target, ignore_errors=True)  # derived data: built again below
        if rows is None:
            rows = segment_rows(segment)
            with contextlib.suppress(
                OSError
            ):  # a read-only library ranks all the same, building again next time
                rows.save(target)
        parts.append(rows)
    if directory.is_dir():
        for stale in directory.iterdir():
            if stale.name not in wanted:
                shutil.rmtree(stale, ignore_errors=True)
    return parts


def doc_lengths(index: SearchIndex) -> npt.NDArray[np.int64]:
    """Per paper, how many distinct words it has (BM25's document length)."""
    lengths = np.zeros(index.size, dtype=np.int64)
    for segment in index.segments:
        if segment.reindexed.size:
            lengths[segment.reindexed] = 0
        counts = np.bincount(np.asarray(segment.postings), minlength=index.size)[: index.size]
        lengths += counts
    return lengths


def like_scores(index: SearchIndex, matrix: FeatureMatrix, paper: Paper, position: int) -> FloatArray:
    """Cosine likeness of every paper to ``paper`` (at ``position``) from the index's posting
    lists of the paper's own words: a few hundred thousand additions instead of a pass over
    every feature of every paper (a paper updated since its first import may also count the
    words of its older record)."""
    scores = np.zeros(index.size, dtype=np.float32)
    for field, words in paper_words(paper).items():
        name = "any" if field == "text" else field
        if name != "any" and not index.has_field(name):
            continue
        for word in words:
            weight = float(matrix.weight[column(field, word)])
            if weight == 0:
                continue
            for segment in index.segments:
                source = segment if name == "any" else segment.fields[name]
                postings = source.word_postings(word)
                if postings.size:
                    scores[postings] += np.float32(weight * weight)
    scores *= matrix.row_scale * matrix.row_scale[position]
    return scores


def library_ranker(
    index: Callable[[], SearchIndex],
    size: int,
    directory: Path,
    positions_of: Callable[[Iterable[str]], dict[str, int]],
    paper: Callable[[int], Paper],
) -> Ranker:
    def word_hits() -> WordHits:
        search = index()

        def hits(word: str, field: str) -> BoolArray | None:
            if field == "any":
                return search.word_hits(word)
            return search.word_hits(word, field) if search.has_field(field) else None

        return hits

    lengths: list[npt.NDArray[np.int64]] = []

    def lengths_once() -> npt.NDArray[np.int64]:
        if not lengths:
            lengths.append(doc_lengths(index()))
        return lengths[0]

    def like(matrix: FeatureMatrix, position: int) -> FloatArray:
        return like_scores(index(), matrix, paper(position), position)

    return Ranker(
        size, lambda: cached_parts(index(), directory), positions_of, word_hits, lengths_once, like=like
    )
