"""The ranking matrix built in bounded memory: parts read from memory-mapped files a chunk at a
time (their pages dropped as it goes), the block's entries spilled to files and moved into the
saved matrix. Whatever the path, the matrix is the one built in memory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from papershelf.model import Paper
from papershelf.rank import matrix as matrix_module
from papershelf.rank import matrix_files
from papershelf.rank.features import FeatureRows
from papershelf.rank.matrix import FeatureMatrix
from papershelf.sources.jsonl import parse_jsonl

TOPICS = Path(__file__).parents[2] / "fixtures" / "arxiv_topics.jsonl"


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    return parse_jsonl(TOPICS.read_text(encoding="utf-8"), str(TOPICS))


def parts_of(papers: list[Paper]) -> list[FeatureRows]:
    half = len(papers) // 2
    again = [
        (i, type(p)(title=p.title + " revised", abstract=p.abstract, authors=p.authors))
        for i, p in enumerate(papers[:7])
    ]
    return [
        FeatureRows.from_papers(enumerate(papers[:half])),
        FeatureRows.from_papers((half + i, p) for i, p in enumerate(papers[half:])),
        FeatureRows.from_papers(again),  # re-indexed papers: the later row wins
    ]


def same(a: FeatureMatrix, b: FeatureMatrix) -> None:
    assert a.size == b.size
    assert np.array_equal(a.columns, b.columns)
    assert np.array_equal(a.weight, b.weight)
    assert len(a.blocks) == len(b.blocks) == 1
    for name in ("positions", "indptr", "cols", "tf", "row_scale"):
        assert np.array_equal(
            np.asarray(getattr(a.blocks[0], name)), np.asarray(getattr(b.blocks[0], name))
        ), name
    values = np.random.default_rng(1).random(a.columns.size).astype(np.float32)
    assert np.allclose(a.scores(values), b.scores(values))


def test_a_spilled_build_from_mapped_parts_is_the_build_in_memory(
    papers: list[Paper], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = parts_of(papers)
    expected = FeatureMatrix.build(parts, len(papers))
    for number, part in enumerate(parts):
        part.save(tmp_path / f"part-{number}")
    mapped = [FeatureRows.load(tmp_path / f"part-{number}") for number in range(len(parts))]
    monkeypatch.setattr(matrix_module, "CHUNK", 97)  # many chunks, each followed by a release
    monkeypatch.setattr(matrix_module, "SCORE_CHUNK", 89)
    monkeypatch.setattr(matrix_module, "SPILL_STEP", 50)  # pages written out and dropped often
    spill = tmp_path / "spill"
    spill.mkdir()
    built = FeatureMatrix.build(mapped, len(papers), spill=spill)
    assert sorted(p.name for p in spill.iterdir()) == ["cols.npy", "tf.npy"]
    same(built, expected)

    # Saving moves the spilled entries into the matrix's block instead of writing them again.
    root = tmp_path / "rank"
    matrix_files.save(root, built, ["a", "b", "c"], None)
    assert not list(spill.iterdir())
    loaded = matrix_files.load(root)
    assert loaded is not None
    same(loaded[0], expected)
    assert loaded[1]["sources"] == ["a", "b", "c"]
    same(built, expected)  # the moved files still back the built matrix


def test_a_build_without_a_spill_directory_is_held_in_memory(papers: list[Paper], tmp_path: Path) -> None:
    parts = parts_of(papers)
    built = FeatureMatrix.build(parts, len(papers))
    assert not isinstance(built.blocks[0].cols, np.memmap)
    root = tmp_path / "rank"
    matrix_files.save(root, built, ["a"], None)
    loaded = matrix_files.load(root)
    assert loaded is not None
    same(loaded[0], built)


def test_a_killed_builds_spill_is_removed_by_a_later_writer_but_not_a_running_one(tmp_path: Path) -> None:
    import os  # noqa: PLC0415

    from papershelf.library import ranking  # noqa: PLC0415

    left = tmp_path / "build-0123456789ab.tmp"  # a build killed yesterday
    running = tmp_path / "build-ba9876543210.tmp"  # another process's build, now
    for spill in (left, running):
        spill.mkdir()
        (spill / "cols.npy").write_bytes(b"x")
    old = os.stat(left).st_mtime - ranking.SPILL_AGE - 60
    os.utime(left, (old, old))
    ranking.remove_stale(tmp_path, set())
    assert not left.exists()
    assert running.exists()
