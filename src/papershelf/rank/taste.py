"""A reader's taste as a linear model over paper features, and "more like this".

Positives are the starred papers (or those with a tag); negatives the papers the reader opened
and did not star (what arxiv-subscription-viewer trains on), plus a seeded sample of the rest
of the collection as unlabelled background (arxiv-sanity-lite treats every other paper as a
negative; a sample of 10,000 ranks as well on real abstracts (bench/rank_quality.py --tune:
samples of 1,000 and 2,000 of 3,898 papers did not rank worse), and trains in a fraction of
the time 20,000 take at 1M papers).
The model is scikit-learn's LinearSVC (squared hinge, C = 0.01, balanced classes: several
times faster than its logistic regression, and as precise on real abstracts), trained on the
sampled rows only by :mod:`papershelf.rank.svm` (the same objective in numpy: no 2-3 s import of
scikit-learn in the reader); scoring is one pass over the whole matrix
(:meth:`FeatureMatrix.scores`).
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from papershelf.model import Paper
from papershelf.rank import ColdStart, svm
from papershelf.rank.features import column, paper_words
from papershelf.rank.matrix import FeatureMatrix, FloatArray, IntArray

BACKGROUND = 10_000
C = 0.01  # tuned on real abstracts (bench/rank_quality.py); arxiv-sanity-lite's too
OPENED_WEIGHT = 2.0  # an opened-and-not-starred paper says more than an unseen one


@dataclass(frozen=True)
class TasteModel:
    """Per column, how much it speaks for a paper; plus the intercept."""

    coef: FloatArray
    intercept: float
    positives: int

    def scores(self, matrix: FeatureMatrix) -> FloatArray:
        return matrix.scores(self.coef) + np.float32(self.intercept)


def train(
    matrix: FeatureMatrix,
    positives: IntArray,
    negatives: IntArray = np.zeros(0, dtype=np.int64),  # noqa: B008 - immutable in use
    *,
    background: int = BACKGROUND,
    seed: int = 0,
    c: float = C,
) -> TasteModel:
    """Raises :class:`ColdStart` without a positive."""
    positives = np.unique(positives[(positives >= 0) & (positives < matrix.size)])
    if positives.size == 0:
        raise ColdStart("star a few papers you like")
    negatives = np.setdiff1d(negatives[(negatives >= 0) & (negatives < matrix.size)], positives)
    rng = np.random.default_rng(seed)
    count = min(background, matrix.size)
    sample = (
        rng.choice(matrix.size, size=count, replace=False) if count < matrix.size else np.arange(matrix.size)
    )
    sample = np.setdiff1d(sample, np.concatenate([positives, negatives]))
    rows = np.concatenate([positives, negatives, sample])
    labels = np.zeros(rows.size, dtype=np.int8)
    labels[: positives.size] = 1
    weights = np.ones(rows.size, dtype=np.float64)
    weights[positives.size : positives.size + negatives.size] = OPENED_WEIGHT
    if sample.size + negatives.size == 0:  # every paper is a positive: rank them all alike
        return TasteModel(np.zeros_like(matrix.weight), 0.0, int(positives.size))
    # LinearSVC(C=c, class_weight="balanced") on these rows and weights, in numpy (rank/svm.py);
    # "balanced" as scikit-learn weighs it with sample weights: by each class's weighted count.
    total, positive = float(weights.sum()), float(weights[: positives.size].sum())
    balanced = np.where(labels == 1, total / (2 * positive), total / (2 * (total - positive)))
    coef, intercept = svm.fit(matrix.rows_of(rows), labels == 1, c * balanced * weights)
    return TasteModel(coef.astype(np.float32), intercept, int(positives.size))


def similar(matrix: FeatureMatrix, position: int) -> FloatArray:
    """Cosine similarity of every row to the row at ``position`` (1 for itself)."""
    return matrix.scores(matrix.row_query(position))


def explain(
    paper: Paper, coef: FloatArray, matrix: FeatureMatrix, *, top: int = 6
) -> list[tuple[str, float]]:
    """The words that weigh most for ``paper`` under ``coef``: (word, share of the score), the
    largest first, only those speaking for it (English stop words left out). Author words are
    marked with ``@``."""
    stop_words = english_stop_words()
    found: dict[str, float] = {}
    for field, words in paper_words(paper).items():
        for word in words:
            if field != "author" and word.decode("utf-8", "replace") in stop_words:
                continue  # "would", "come": they weigh in a small list, but explain nothing
            local = int(matrix.local_ids(np.asarray([column(field, word)], dtype=np.int32))[0])
            if local < 0:
                continue
            value = float(matrix.weight[local] * coef[local])
            if value > 0:
                label = word.decode("utf-8", "replace")
                if field == "author":
                    label = f"@{label}"
                found[label] = found.get(label, 0.0) + value
    ranked = sorted(found.items(), key=lambda item: -item[1])[:top]
    return ranked


@functools.cache
def english_stop_words() -> frozenset[str]:
    """scikit-learn's list of English stop words, read from its own module without importing
    scikit-learn: a model kept on disk ranks without it, and its import (2-3 s, scipy.stats)
    must not fall on the detail pane showing a paper's words."""
    with contextlib.suppress(Exception):  # a scikit-learn laid out otherwise: imported as usual
        spec = importlib.util.find_spec("sklearn")  # finds the package, does not import it
        if spec is not None and spec.submodule_search_locations:
            path = Path(next(iter(spec.submodule_search_locations))) / "feature_extraction" / "_stop_words.py"
            words = importlib.util.spec_from_file_location("papershelf_sklearn_stop_words", path)
            if words is not None and words.loader is not None:
                module = importlib.util.module_from_spec(words)
                words.loader.exec_module(module)
                return frozenset(module.ENGLISH_STOP_WORDS)
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # noqa: PLC0415

    return frozenset(ENGLISH_STOP_WORDS)


def top_positions(scores: FloatArray, among: npt.NDArray[np.int64] | None = None) -> IntArray:
    """Positions (of ``among``, else all) by score, best first; ties keep position order."""
    if among is None:
        order = np.argsort(-scores, kind="stable")
        return order.astype(np.int64)
    return among[np.argsort(-scores[among], kind="stable")]
