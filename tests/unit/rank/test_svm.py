"""The numpy SVM solves LinearSVC's problem: on real abstracts, with the reader's weights, its
model is scikit-learn's (same optimum within the solvers' tolerances, same best papers)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from sklearn.svm import LinearSVC

from papershelf.model import Paper
from papershelf.rank import svm
from papershelf.rank.features import FeatureRows
from papershelf.rank.matrix import FeatureMatrix
from papershelf.rank.taste import OPENED_WEIGHT, C, train
from papershelf.sources.jsonl import parse_jsonl

TOPICS = Path(__file__).parents[2] / "fixtures" / "arxiv_topics.jsonl"


@pytest.fixture(scope="module")
def matrix() -> FeatureMatrix:
    papers: list[Paper] = parse_jsonl(TOPICS.read_text(encoding="utf-8"), str(TOPICS))
    return FeatureMatrix.build([FeatureRows.from_papers(enumerate(papers))], len(papers))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_numpy_svm_finds_linear_svcs_model(matrix: FeatureMatrix, seed: int) -> None:
    rng = np.random.default_rng(seed)
    positions = rng.permutation(matrix.size)
    labels = np.zeros(matrix.size, dtype=bool)
    labels[positions[:6]] = True  # a few stars
    weights = np.ones(matrix.size)
    weights[positions[6:40]] = 2.0  # opened and not starred weigh more
    rows = matrix.rows_of(np.arange(matrix.size, dtype=np.int64))
    x = csr_matrix((rows.data, rows.indices, rows.indptr), shape=(len(rows), rows.columns))
    reference = LinearSVC(C=C, class_weight="balanced", tol=1e-6, max_iter=100_000, random_state=0)
    reference.fit(x, labels.astype(int), sample_weight=weights)

    counts = np.bincount(labels.astype(int), weights=weights, minlength=2)  # weighted, as sklearn
    balanced = np.where(labels, weights.sum() / (2 * counts[1]), weights.sum() / (2 * counts[0]))
    coef, intercept = svm.fit(rows, labels, C * balanced * weights)

    expected = reference.coef_[0]
    assert np.linalg.norm(coef - expected) <= 1e-2 * np.linalg.norm(expected)
    assert intercept == pytest.approx(reference.intercept_[0], abs=1e-2)
    ours = matrix.scores(coef.astype(np.float32))
    theirs = matrix.scores(expected.astype(np.float32))
    unlabelled = positions[40:]
    best = set(unlabelled[np.argsort(-theirs[unlabelled])[:20]].tolist())
    assert len(best & set(unlabelled[np.argsort(-ours[unlabelled])[:20]].tolist())) >= 19


def test_nothing_to_separate_gives_the_zero_model() -> None:
    rows = svm.Rows(np.zeros(3, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0), 4)
    coef, intercept = svm.fit(rows, np.array([True, False]), np.array([1.0, 1.0]))
    assert np.array_equal(coef, np.zeros(4))
    assert intercept == 0.0


def test_a_taste_model_is_linear_svcs_on_the_readers_labels(matrix: FeatureMatrix) -> None:
    positives = np.arange(0, 60, 10, dtype=np.int64)
    negatives = np.arange(1, 100, 6, dtype=np.int64)  # none of them starred
    model = train(matrix, positives, negatives, background=matrix.size)  # every paper
    rest = np.setdiff1d(np.arange(matrix.size), np.concatenate([positives, negatives]))
    order = np.concatenate([positives, negatives, rest])
    rows = matrix.rows_of(order)
    x = csr_matrix((rows.data, rows.indices, rows.indptr), shape=(len(rows), rows.columns))
    labels = np.zeros(order.size, dtype=int)
    labels[: positives.size] = 1
    weights = np.ones(order.size)
    weights[positives.size : positives.size + negatives.size] = OPENED_WEIGHT
    reference = LinearSVC(C=C, class_weight="balanced", tol=1e-6, max_iter=100_000, random_state=0)
    reference.fit(x, labels, sample_weight=weights)
    expected = reference.coef_[0]
    assert np.linalg.norm(model.coef - expected) <= 1e-2 * np.linalg.norm(expected)
    assert model.intercept == pytest.approx(reference.intercept_[0], abs=1e-2)
