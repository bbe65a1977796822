"""Packed postings (2 bytes a posting) read back exactly, and libraries written before them
(``postings.npy``) keep answering, merge into packed segments and check clean."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from library_helpers import arxiv_record, write_jsonl
from papershelf.library.check import index_problems
from papershelf.library.index import file_records
from papershelf.library.library import Library
from papershelf.library.postings import (
    FILES,
    LEGACY,
    LOW,
    RUNS,
    PostingsWriter,
    in_blocks,
    open_postings,
    postings_file,
)


def word_postings(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Per word, sorted distinct positions up to 2.5M (so runs of every length, and words that
    end and start in the same block of 65,536), and the CSR pointers."""
    rng = np.random.default_rng(seed)
    words = []
    for _ in range(120):
        size = int(rng.choice([0, 1, 2, 50, 3000, 40_000]))
        top = int(rng.choice([70_000, 2_500_000]))
        words.append(np.sort(rng.choice(top, size, replace=False)).astype(np.uint32))
    ptr = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum([w.size for w in words], out=ptr[1:])
    return np.concatenate(words), ptr


@pytest.mark.parametrize("seed", range(4))
def test_packed_postings_read_back_every_way(tmp_path: Path, seed: int) -> None:
    postings, ptr = word_postings(seed)
    writer = PostingsWriter(tmp_path)
    for start in range(0, ptr.size - 1, 17):  # word blocks, as a merge writes them
        writer.add(postings[ptr[start] : ptr[min(start + 17, ptr.size - 1)]])
    writer.close()
    assert (tmp_path / LOW).stat().st_size == 2 * postings.size
    rng = np.random.default_rng(seed)
    mapped, from_file = open_postings(tmp_path), postings_file(tmp_path)
    assert np.array_equal(np.asarray(mapped), postings)
    assert np.array_equal(np.concatenate(list(in_blocks(mapped, 1000))), postings)
    for _ in range(300):
        a = int(rng.integers(0, postings.size + 1))
        b = int(rng.integers(a, postings.size + 10))
        assert np.array_equal(mapped[a:b], postings[a:b])
        assert np.array_equal(from_file.read(a, b), postings[a:b])
    picked = rng.integers(0, postings.size, 4000)
    assert np.array_equal(mapped[picked], postings[picked])
    with pytest.raises(IndexError):
        mapped[np.array([postings.size])]


def test_runs_that_do_not_cover_the_postings_are_damage(tmp_path: Path) -> None:
    postings, _ = word_postings(0)
    writer = PostingsWriter(tmp_path)
    writer.add(postings)
    writer.close()
    np.save(tmp_path / RUNS, np.load(tmp_path / RUNS)[:, 1:])  # the first run lost
    with pytest.raises(ValueError, match="runs"):
        open_postings(tmp_path)


def grown(directory: Path, tmp_path: Path) -> Library:
    """A library of several imports, with later versions of earlier papers."""
    library = Library(directory)
    for day in range(6):
        records = [
            arxiv_record(day * 10 + i, f"Paper {day} {i}", f"alpha w{i} {'beta' if i % 2 else 'gamma'}")
            for i in range(10)
        ]
        if day >= 2:
            old = (day - 2) * 10 + day
            records.append(
                arxiv_record(old, f"New title {old}", "delta new", update_date=f"2025-01-{day:02d}")
            )
        library.importer().import_jsonl(write_jsonl(tmp_path / f"day{day}.jsonl", records))
    return library


WORDS = ["alpha", "beta", "gamma", "delta", "new", "w1", "w", "paper", "title", "a", "n"]


def answers(library: Library) -> dict[tuple[str, str], list[int]]:
    index = library.collection().index
    return {
        (field, word): np.flatnonzero(index.word_hits(word, field)).tolist()
        for field in ("any", "title", "author")
        for word in WORDS
    }


def to_legacy(library: Library) -> None:
    """Rewrite every segment as a library written before packed postings keeps it."""
    for name, _, _ in library.store.segments():
        segment = library.index_dir / name
        for directory in [segment, *(p for p in segment.iterdir() if p.is_dir())]:
            np.save(directory / LEGACY, np.asarray(open_postings(directory), dtype=np.uint32))
            for file in FILES:
                (directory / file).unlink()
        with library.store.db:
            library.store.db.execute("DELETE FROM segment_files WHERE segment = ?", (name,))
            library.store.db.executemany(
                "INSERT INTO segment_files (segment, path, size, crc) VALUES (?, ?, ?, ?)",
                [(name, *record) for record in file_records(segment)],
            )


def test_a_library_written_before_packed_postings_answers_and_merges_into_them(tmp_path: Path) -> None:
    library = grown(tmp_path / "lib", tmp_path)
    right = answers(library)
    assert len(library.store.segments()) > 1
    to_legacy(library)
    library.close()
    library = Library(tmp_path / "lib")
    names = [name for name, _, _ in library.store.segments()]
    assert all((library.index_dir / n / LEGACY).is_file() for n in names)
    assert not any((library.index_dir / n / LOW).exists() for n in names)
    assert answers(library) == right
    assert index_problems(library.store, library.index_dir, checksums=True) == []
    assert library.merge(force=True) > 0
    ((name, _, _),) = library.store.segments()
    assert (library.index_dir / name / LOW).is_file()
    assert not (library.index_dir / name / LEGACY).exists()
    assert answers(library) == right
    assert index_problems(library.store, library.index_dir, checksums=True) == []
    library.close()


@pytest.mark.parametrize("lost", FILES)
def test_a_lost_packed_file_is_named(tmp_path: Path, lost: str) -> None:
    postings, _ = word_postings(1)
    writer = PostingsWriter(tmp_path)
    writer.add(postings)
    writer.close()
    (tmp_path / lost).unlink()
    with pytest.raises(FileNotFoundError, match=lost.replace(".", r"\.")):
        open_postings(tmp_path)
