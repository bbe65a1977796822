"""A :class:`FeatureMatrix` on disk, memory-mapped when read back, extended in place.

Layout under a directory ``root``: ``matrix.json`` names the current matrix directory
(``m-<id>/``: ``columns.npy``, ``weight.npy``), its blocks (``m-<id>/b-<id>/``: ``positions``,
``indptr``, ``cols``, ``row_scale``, each ``.npy``), the papers it covers and what it was built
from (``sources``: names the caller checks, e.g. index segments). Blocks are immutable once
written; ``matrix.json`` is replaced atomically last, so a reader sees the old matrix or the
new one, never half of one. Appending papers writes one new block and a new ``matrix.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from papershelf.rank.matrix import Block, FeatureMatrix

VERSION = 3  # 3: term counts per entry (sublinear tf)
META = "matrix.json"
_BLOCK = (
    ("positions", np.int64),
    ("indptr", np.int64),
    ("cols", np.uint16),
    ("tf", np.uint8),
    ("row_scale", np.float32),
)


def read_meta(root: Path) -> dict[str, Any] | None:
    try:
        meta = json.loads((root / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("version") != VERSION:
        return None
    return meta


def load(root: Path) -> tuple[FeatureMatrix, dict[str, Any]] | None:
    """The saved matrix and its meta, or None (none saved, another version, or damaged)."""
    meta = read_meta(root)
    if meta is None:
        return None
    try:
        directory = root / str(meta["dir"])
        columns = np.load(directory / "columns.npy", allow_pickle=False)
        weight = np.load(directory / "weight.npy", allow_pickle=False)
        blocks = []
        for name in meta["blocks"]:
            arrays = []
            for array_name, dtype in _BLOCK:
                array = np.load(
                    directory / str(name) / f"{array_name}.npy", mmap_mode="r", allow_pickle=False
                )
                if array.dtype != dtype or array.ndim != 1:
                    raise ValueError(f"{name}/{array_name}.npy: not a 1-d {np.dtype(dtype).name} array")
                arrays.append(array)
            block = Block(*arrays)
            if block.indptr.size != block.positions.size + 1 or block.row_scale.size != block.positions.size:
                raise ValueError(f"{name}: inconsistent arrays")
            if (
                block.indptr.size and int(block.indptr[-1]) != block.cols.size
            ) or block.tf.size != block.cols.size:
                raise ValueError(f"{name}: inconsistent arrays")
            blocks.append(block)
        size = int(meta["size"])
        if columns.dtype != np.int32 or weight.dtype != np.float32 or columns.size != weight.size:
            raise ValueError("columns and weights differ")
        if any(block.positions.size and int(block.positions.max()) >= size for block in blocks):
            raise ValueError("a row beyond the matrix")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return FeatureMatrix(size, columns, weight, tuple(blocks), int(meta["basis"])), meta


def save(root: Path, matrix: FeatureMatrix, sources: list[str], previous: dict[str, Any] | None) -> None:
    """Write ``matrix``; with ``previous`` (the meta it was loaded from, and so extends), only its
    new blocks. Directories of older matrices are removed."""
    root.mkdir(parents=True, exist_ok=True)
    if previous is not None and len(previous["blocks"]) <= len(matrix.blocks):
        directory_name, names = str(previous["dir"]), [str(n) for n in previous["blocks"]]
    else:
        directory_name, names = f"m-{uuid.uuid4().hex[:12]}", []
    directory = root / directory_name
    if not names:
        tmp = root / (directory_name + ".tmp")
        tmp.mkdir(parents=True)
        _write(tmp / "columns.npy", matrix.columns)
        _write(tmp / "weight.npy", matrix.weight)
        tmp.rename(directory)
    for block in matrix.blocks[len(names) :]:
        name = f"b-{uuid.uuid4().hex[:12]}"
        tmp = directory / (name + ".tmp")
        tmp.mkdir()
        for array_name, dtype in _BLOCK:
            array = getattr(block, array_name)
            if not _moved(array, tmp / f"{array_name}.npy"):
                _write(tmp / f"{array_name}.npy", np.asarray(array, dtype=dtype))
        tmp.rename(directory / name)
        names.append(name)
    meta = {
        "version": VERSION,
        "dir": directory_name,
        "blocks": names,
        "size": matrix.size,
        "basis": matrix.basis,
        "sources": sources,
    }
    tmp_meta = root / f"{META}.{uuid.uuid4().hex[:8]}.tmp"
    tmp_meta.write_text(json.dumps(meta), encoding="utf-8")
    tmp_meta.replace(root / META)
    for path in root.iterdir():
        if path.name.startswith("m-") and path.name != directory_name:
            shutil.rmtree(path, ignore_errors=True)


def replace_sources(root: Path, old: list[str], new: str) -> None:
    """Index segments ``old`` were merged into ``new`` (the same papers, the same text): the
    saved matrix covers ``new`` where it covered all of ``old``, one after another."""
    meta = read_meta(root)
    if meta is None:
        return
    sources = [str(s) for s in meta["sources"]]
    if not old or old[0] not in sources:
        return
    start = sources.index(old[0])
    if sources[start : start + len(old)] != old:
        return
    meta["sources"] = [*sources[:start], new, *sources[start + len(old) :]]
    tmp_meta = root / f"{META}.{uuid.uuid4().hex[:8]}.tmp"
    tmp_meta.write_text(json.dumps(meta), encoding="utf-8")
    tmp_meta.replace(root / META)


def _moved(array: np.ndarray, path: Path) -> bool:
    """A block array a build spilled to its own ``.npy`` file (see ``FeatureMatrix.build``) is
    moved into place instead of being written again (a rename, not 330 MB read and written)."""
    if not isinstance(array, np.memmap) or array.mode != "r+" or not array.filename:
        return False
    try:
        array.flush()
        os.replace(array.filename, path)
    except OSError:  # moved already, or another file system: written as any array
        return False
    return True


def _write(path: Path, array: np.ndarray) -> None:
    with open(path, "wb") as handle:
        np.save(handle, array)
        handle.flush()
        os.fsync(handle.fileno())
