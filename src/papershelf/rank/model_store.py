"""Trained "for you" models on disk: a reader opened sorted "for you" with the stars it had
yesterday ranks at once, without importing scikit-learn (1-3 s here) or training again.

A model is filed under a digest of what it was trained from: the sort's tag, the positive and
negative paper keys, and the matrix's columns and weights (a rebuilt matrix numbers its columns
anew; one extended by new papers keeps them, and the model scores the new papers as they are).
Files are ``<digest>.npz`` under the store's directory, written to a temporary name and renamed;
a file that does not read is ignored and trained again. Only the newest :data:`KEEP` are kept.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from papershelf.rank.matrix import FeatureMatrix
from papershelf.rank.taste import TasteModel

KEEP = 8


def model_key(tag: str, positives: Sequence[str], negatives: Sequence[str], matrix: FeatureMatrix) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in (tag, "\x1e".join(positives), "\x1e".join(negatives)):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\x1f")
    digest.update(np.ascontiguousarray(matrix.columns).tobytes())
    digest.update(np.ascontiguousarray(matrix.weight).tobytes())
    return digest.hexdigest()


class ModelStore:
    """Models by key in ``directory`` (created on first save)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def get(self, key: str, columns: int) -> TasteModel | None:
        """The model saved under ``key`` (for a matrix of ``columns`` columns), or None."""
        try:
            with np.load(self.directory / f"{key}.npz", allow_pickle=False) as saved:
                coef = np.asarray(saved["coef"], dtype=np.float32)
                intercept, positives = (float(v) for v in saved["meta"][:2])
        except (OSError, ValueError, KeyError, EOFError):
            return None
        if coef.shape != (columns,) or not np.isfinite(coef).all():
            return None
        return TasteModel(coef, intercept, int(positives))

    def put(self, key: str, model: TasteModel) -> None:
        """Save ``model`` under ``key``; a directory that cannot be written is left alone."""
        target = self.directory / f"{key}.npz"
        temporary = self.directory / f".{key}.{uuid.uuid4().hex[:8]}.tmp"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            meta = np.array([model.intercept, model.positives], dtype=np.float64)
            with open(temporary, "wb") as handle:
                np.savez(handle, coef=model.coef.astype(np.float32), meta=meta)
            os.replace(temporary, target)
            self._prune()
        except OSError:
            temporary.unlink(missing_ok=True)

    def _prune(self) -> None:
        saved = sorted(self.directory.glob("*.npz"), key=_mtime, reverse=True)
        for old in saved[KEEP:]:
            old.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
