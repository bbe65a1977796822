"""A linear SVM with squared hinge loss, trained in numpy: the model of scikit-learn's
``LinearSVC`` (liblinear's L2-regularised, L2-loss SVM, with the intercept as a regularised
feature of value 1), without importing scikit-learn.

Why not scikit-learn itself: importing it costs 2-3 s on this machine (``sklearn.base`` pulls in
``scipy.stats``), paid by the first training of every process — each morning's first "for you"
(yesterday's read marks are new negatives) and every ``papershelf list --sort foryou``. The
problem is small (about 10,000 sampled rows of unit length), so a truncated Newton method (as
liblinear's primal solver, TRON, does) converges in a few steps of numpy work: the same
objective, the same optimum (tests hold it against ``LinearSVC``; bench/rank_quality.py
measures the rankings).

The objective, with ``y_i`` in {-1, +1} and a cost ``c_i`` per row (C times the class and
sample weights)::

    min_{w,b}  (|w|^2 + b^2) / 2  +  sum_i c_i * max(0, 1 - y_i (x_i . w + b))^2
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
TOLERANCE = 1e-3  # stop when the gradient is this share of its first size
NEWTON_STEPS = 50
CG_STEPS = 100


@dataclass(frozen=True)
class Rows:
    """Rows of a sparse matrix (CSR): ``indices[indptr[r]:indptr[r + 1]]`` are row ``r``'s
    columns, ``data[…]`` its values; ``columns`` is the width."""

    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.integer]
    data: FloatArray
    columns: int

    def __len__(self) -> int:
        return int(self.indptr.size - 1)


class _Products:
    """``X v`` and ``X^T u`` of the rows, with the intercept's column of ones appended."""

    def __init__(self, rows: Rows) -> None:
        self.n = len(rows)
        self.columns = rows.columns
        self.row = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(rows.indptr))
        self.indices = np.asarray(rows.indices, dtype=np.int64)
        self.data = np.asarray(rows.data, dtype=np.float64)

    def times(self, v: FloatArray) -> FloatArray:  # v: w then b
        weights = self.data * v[self.indices]
        out: FloatArray = np.bincount(self.row, weights=weights, minlength=self.n) + v[-1]
        return out

    def transposed_times(self, u: FloatArray) -> FloatArray:
        out = np.empty(self.columns + 1, dtype=np.float64)
        out[:-1] = np.bincount(self.indices, weights=self.data * u[self.row], minlength=self.columns)
        out[-1] = u.sum()
        return out


def fit(rows: Rows, labels: npt.NDArray[np.bool_], cost: FloatArray) -> tuple[FloatArray, float]:
    """(w, b) minimising the objective above; ``labels`` True for a positive row."""
    products = _Products(rows)
    y = np.where(labels, 1.0, -1.0)
    v = np.zeros(rows.columns + 1, dtype=np.float64)
    z = np.zeros(len(rows), dtype=np.float64)  # X v, kept up to date
    value = _objective(v, z, y, cost)
    first = None
    for _ in range(NEWTON_STEPS):
        active = y * z < 1
        gradient = v + products.transposed_times(np.where(active, 2 * cost * (z - y), 0.0))
        size = float(np.sqrt(gradient @ gradient))
        first = size if first is None else first
        if size <= TOLERANCE * first or size == 0:
            break
        direction = _newton_direction(products, np.where(active, 2 * cost, 0.0), gradient, size)
        step, moved = 1.0, products.times(direction)
        slope = float(gradient @ direction)
        while True:  # backtracking: the loss is piecewise quadratic, a full step mostly holds
            new_v, new_z = v + step * direction, z + step * moved
            new_value = _objective(new_v, new_z, y, cost)
            if new_value <= value + 1e-4 * step * slope or step < 1e-10:
                break
            step /= 2
        v, z, value = new_v, new_z, new_value
    return v[:-1], float(v[-1])


def _objective(v: FloatArray, z: FloatArray, y: FloatArray, cost: FloatArray) -> float:
    loss = np.maximum(0.0, 1 - y * z)
    return float(0.5 * (v @ v) + cost @ (loss * loss))


def _newton_direction(
    products: _Products, curvature: FloatArray, gradient: FloatArray, size: float
) -> FloatArray:
    """Conjugate gradients on ``(I + X^T D X) d = -gradient`` (``D``: the active rows'
    curvature), stopped early (a truncated Newton step, as liblinear's)."""
    direction = np.zeros_like(gradient)
    residual = -gradient
    search = residual.copy()
    norm = float(residual @ residual)
    for _ in range(CG_STEPS):
        hessian_search = search + products.transposed_times(curvature * products.times(search))
        alpha = norm / float(search @ hessian_search)
        direction += alpha * search
        residual -= alpha * hessian_search
        new_norm = float(residual @ residual)
        if np.sqrt(new_norm) <= 0.1 * size:
            break
        search = residual + (new_norm / norm) * search
        norm = new_norm
    return direction
