"""One collection's rankings: "for you" (per tag too), "more like this" and relevance.

Sort names: ``foryou`` (the starred papers are the positives), ``foryou:TAG`` (the papers with
TAG), ``like:KEY`` (likeness to one paper), ``relevance`` (BM25F of the query words). A
collection owns one :class:`Ranker`, gives it its feature parts and its word lookup, and asks it
for scores; models are kept per set of labels, so a sort that was ranked already costs nothing
and a star changes only what it must (one training, one pass).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from papershelf.model import Paper
from papershelf.query.context import StateLookup
from papershelf.rank import FORYOU, LIKE, RELEVANCE, ColdStart, cold_start_message, tag_of
from papershelf.rank.matrix import FeatureMatrix, FloatArray, IntArray
from papershelf.rank.model_store import ModelStore, model_key
from papershelf.rank.relevance import WordHits, bm25
from papershelf.rank.taste import TasteModel, explain, similar, train


def labels(sort: str, state: StateLookup) -> tuple[list[str], list[str]]:
    """(positive keys, negative keys): starred (or tagged) papers; those opened and not."""
    tag = tag_of(sort)
    if tag is None:
        positives = state.starred_keys()
    else:
        positives = [key for key, tags in state.tagged().items() if tag in tags]
    chosen = set(positives)
    negatives = [key for key in state.read_keys() if key not in chosen]
    return sorted(positives), sorted(negatives)


@dataclass(frozen=True)
class Ranked:
    """A trained ranking: the model and every paper's score."""

    model: TasteModel
    scores: FloatArray


class Ranker:
    def __init__(
        self,
        size: int,
        load_matrix: Callable[[], FeatureMatrix],
        positions_of: Callable[[Iterable[str]], dict[str, int]],
        word_hits: Callable[[], WordHits],
        doc_lengths: Callable[[], npt.NDArray[np.int64]],
        *,
        like: Callable[[FeatureMatrix, int], FloatArray] | None = None,
        models: ModelStore | None = None,
    ) -> None:
        """``like(matrix, position)``: likeness to a paper from an inverted index (the library's),
        instead of a pass over every row. ``models``: trained models kept on disk (a reader
        opened with the same stars ranks without training)."""
        self.size = size
        self._load_matrix = load_matrix
        self._positions_of = positions_of
        self._word_hits = word_hits
        self._doc_lengths = doc_lengths
        self._like_of = like
        self._store = models
        self._matrix: FeatureMatrix | None = None
        self._lock = threading.Lock()
        self._models: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Ranked] = {}
        self._like: dict[str, FloatArray] = {}

    @property
    def matrix(self) -> FeatureMatrix:
        with self._lock:
            if self._matrix is None:
                self._matrix = self._load_matrix()
            return self._matrix

    def _key(self, sort: str, state: StateLookup) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        positives, negatives = labels(sort, state)
        return (tag_of(sort) or "", tuple(positives), tuple(negatives))

    def is_ready(self, sort: str, state: StateLookup) -> bool:
        """Whether scores for ``sort`` are at hand (ranking then costs one argsort)."""
        if sort.startswith(LIKE):
            return sort[len(LIKE) :] in self._like
        if sort == RELEVANCE:
            return False
        return self._key(sort, state) in self._models

    def ranked(self, sort: str, state: StateLookup) -> Ranked:
        """The model for ``sort`` under ``state``; raises :class:`ColdStart`."""
        key = self._key(sort, state)
        found = self._models.get(key)
        if found is not None:
            return found
        positives = np.asarray(sorted(self._positions_of(key[1]).values()), dtype=np.int64)
        negatives = np.asarray(sorted(self._positions_of(key[2]).values()), dtype=np.int64)
        if positives.size == 0:
            raise ColdStart(cold_start_message(sort))
        matrix = self.matrix
        model = self._trained(key, matrix, positives, negatives)
        ranked = Ranked(model, model.scores(matrix))
        # One model per tag is kept: older labels of the same tag are not asked again.
        self._models = {k: v for k, v in self._models.items() if k[0] != key[0]}
        self._models[key] = ranked
        return ranked

    def _trained(
        self,
        key: tuple[str, tuple[str, ...], tuple[str, ...]],
        matrix: FeatureMatrix,
        positives: IntArray,
        negatives: IntArray,
    ) -> TasteModel:
        """The model for these labels: from the store when trained before, else trained now."""
        if self._store is None:
            return train(matrix, positives, negatives)
        stored = model_key(*key, matrix)
        model = self._store.get(stored, matrix.columns.size)
        if model is None:
            model = train(matrix, positives, negatives)
            self._store.put(stored, model)
        return model

    def scores(self, sort: str, state: StateLookup, words: Sequence[str] = ()) -> FloatArray:
        """Per position, higher first; raises :class:`ColdStart` (no labels, or ``like:`` of a
        key not in the collection)."""
        if sort == RELEVANCE:
            return bm25(words, self._word_hits(), self._doc_lengths())
        if sort.startswith(LIKE):
            key = sort[len(LIKE) :]
            found = self._like.get(key)
            if found is None:
                position = self._positions_of([key]).get(key)
                if position is None:
                    raise ColdStart(f"no paper with key {key!r} here")
                found = (self._like_of or similar)(self.matrix, position)
                self._like = {key: found}
            return found
        return self.ranked(sort, state).scores

    def order(self, hits: IntArray, sort: str, state: StateLookup, words: Sequence[str] = ()) -> IntArray:
        """``hits`` best first (ties keep their order)."""
        scores = self.scores(sort, state, words)
        return hits[np.argsort(-scores[hits], kind="stable")]

    def why(
        self, position: int, paper: Paper, sort: str, state: StateLookup
    ) -> tuple[float, list[tuple[str, float]]] | None:
        """(score, the words weighing most) of a paper under a trained ``foryou`` sort, or None."""
        if not (sort == FORYOU or sort.startswith(FORYOU + ":")):
            return None
        ranked = self._models.get(self._key(sort, state))
        if ranked is None or not 0 <= position < self.size:
            return None
        return float(ranked.scores[position]), explain(paper, ranked.model.coef, self.matrix)


__all__ = ["ColdStart", "Ranker"]
