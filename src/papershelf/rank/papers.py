"""A :class:`Ranker` over papers held in memory, its features cached in the user cache dir.

The cache is keyed by a digest of the papers' keys and text, so the same lists open with their
features read from disk, and any change to a paper builds them anew. A damaged cache is
rebuilt (it is derived data: nothing is lost) and a cache that cannot be written is skipped.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from papershelf.model import Paper
from papershelf.rank.features import FeatureRows, paper_words
from papershelf.rank.matrix import FeatureMatrix
from papershelf.rank.ranker import Ranker
from papershelf.rank.relevance import PrefixIndex, WordHits

FEATURE_VERSION = "1"


def papers_digest(papers: Sequence[Paper]) -> str:
    digest = hashlib.blake2b(FEATURE_VERSION.encode(), digest_size=16)
    for paper in papers:
        for part in (
            paper.key,
            paper.title,
            paper.abstract,
            "\x1f".join(paper.authors),
            paper.organization or "",
        ):
            digest.update(part.encode("utf-8", "replace"))
            digest.update(b"\x1e")
    return digest.hexdigest()


def cached_rows(papers: Sequence[Paper], cache_dir: Path | None) -> FeatureRows:
    if cache_dir is None:
        return FeatureRows.from_papers(enumerate(papers))
    directory = cache_dir / "rank" / papers_digest(papers)
    if directory.is_dir():
        try:
            rows = FeatureRows.load(directory)
            if len(rows) == len(papers):
                return rows
        except (OSError, ValueError):
            pass
        shutil.rmtree(directory, ignore_errors=True)
    rows = FeatureRows.from_papers(enumerate(papers))
    with contextlib.suppress(OSError):  # a read-only cache only costs the rebuild next time
        rows.save(directory)
    return rows


def memory_ranker(
    papers: Sequence[Paper],
    positions_of: Callable[[Iterable[str]], dict[str, int]],
    cache_dir: Path | None,
) -> Ranker:
    index: list[PrefixIndex] = []
    lengths: list[np.ndarray] = []

    def word_hits() -> WordHits:
        if not index:
            index.append(PrefixIndex(((i, paper_words(p)) for i, p in enumerate(papers)), len(papers)))
        return index[0].word_hits

    def doc_lengths() -> np.ndarray:
        if not lengths:
            lengths.append(
                np.fromiter((len(paper_words(p)["text"]) for p in papers), dtype=np.int64, count=len(papers))
            )
        return lengths[0]

    def matrix() -> FeatureMatrix:
        return FeatureMatrix.build([cached_rows(papers, cache_dir)], len(papers))

    return Ranker(len(papers), matrix, positions_of, word_hits, doc_lengths)
