"""Segment merging keeps every answer, drops voided postings and keeps segments few."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from library_helpers import arxiv_record, write_jsonl
from papershelf.library.library import Library
from papershelf.library.merge import FACTOR, MAX_MERGE_PARTS, Listed, listed, merge_segments, plan

PARTS = MAX_MERGE_PARTS

WORDS = ["alpha", "beta", "gamma", "delta", "al", "b", "g", "d", "w1", "w2", "w", "new", "old", "x"]


def answers(library: Library) -> dict[tuple[str, str], list[int]]:
    index = library.collection().index
    out = {}
    for field in ("any", "title", "author"):
        for word in WORDS:
            out[field, word] = np.flatnonzero(index.word_hits(word, field)).tolist()
    return out


def grow(library: Library, tmp_path: Path) -> None:
    """Many small imports, with updates of earlier papers (re-indexed in later segments)."""
    for day in range(13):
        records = [
            arxiv_record(day * 10 + i, f"Paper {day} {i}", f"alpha w{i} {'beta' if i % 2 else 'gamma'}")
            for i in range(10)
        ]
        if day >= 2:  # a newer version of a paper from two days ago: its words change
            old = (day - 2) * 10 + day % 10
            records.append(
                arxiv_record(old, f"New title {old}", "delta new", update_date=f"2025-01-{day:02d}")
            )
        path = write_jsonl(tmp_path / f"day{day}.jsonl", records)
        library.importer().import_jsonl(path)


def test_due_merges_keep_answers_and_keep_segments_few(tmp_path: Path) -> None:
    plain = Library(tmp_path / "plain")
    grow(plain, tmp_path)
    merged = Library(tmp_path / "merged")
    grow(merged, tmp_path)
    before = len(merged.store.segments())
    assert merged.merge() > 0
    after = merged.store.segments()
    assert len(after) < before
    assert answers(merged) == answers(plain)
    assert sorted(p.name for p in merged.index_dir.iterdir()) == sorted(n for n, _, _ in after)


def test_the_runs_of_a_plan_built_by_worker_processes_keep_answers(tmp_path: Path) -> None:
    """A large import's merges: the plan's runs are built two at a time by worker processes and
    switched in by the writer, in order; every answer, the ranking features and the directory
    listing are as after merging in the process."""
    plain = Library(tmp_path / "plain")
    grow(plain, tmp_path)
    library = Library(tmp_path / "lib")
    grow(library, tmp_path)
    assert len(plan(listed(library.store))) >= 3  # several runs at once: the pool is used
    done = merge_segments(library.store, library.index_dir, workers=2, parallel_min_docs=0)
    assert done >= 3
    after = [name for name, _, _ in library.store.segments()]
    assert len(after) < FACTOR
    assert answers(library) == answers(plain)
    assert sorted(p.name for p in library.index_dir.iterdir()) == sorted(after)
    features = {p.name.split("-", 1)[1] for p in (library.directory / "rank" / "parts").iterdir()}
    assert set(after) <= features


def test_a_failing_run_stops_the_merges_and_leaves_no_files(tmp_path: Path) -> None:
    library = Library(tmp_path / "lib")
    grow(library, tmp_path)
    segments = listed(library.store)
    start, _ = plan(segments)[1]
    (library.index_dir / segments[start].name / "post_runs.npy").write_bytes(b"not an array")
    with pytest.raises(ValueError, match="pickled"):  # numpy's word for a file that is no array
        merge_segments(library.store, library.index_dir, workers=2, parallel_min_docs=0)
    names = [name for name, _, _ in library.store.segments()]
    assert sorted(p.name for p in library.index_dir.iterdir()) == sorted(names)
    assert segments[start].name in names  # the broken run is not switched in


def test_compact_makes_one_segment_without_voided_postings(tmp_path: Path) -> None:
    plain = Library(tmp_path / "plain")
    grow(plain, tmp_path)
    library = Library(tmp_path / "lib")
    grow(library, tmp_path)
    postings_before = sum(p for _, _, p in library.store.segments())
    library.merge(force=True)
    segments = library.store.segments()
    assert len(segments) == 1
    assert answers(library) == answers(plain)
    # The 11 re-indexed papers' first postings are gone, and nothing is voided any more.
    assert segments[0][2] < postings_before
    index = library.collection().index
    assert index.segments[0].reindexed.size == 0
    assert len(library.store.segments()) == 1
    assert library.merge() == 0


def test_merge_after_merge_and_more_imports(tmp_path: Path) -> None:
    plain = Library(tmp_path / "plain")
    grow(plain, tmp_path)
    library = Library(tmp_path / "lib")
    grow(library, tmp_path)
    library.merge(force=True)
    extra = write_jsonl(
        tmp_path / "extra.jsonl",
        [arxiv_record(3, "Old again", "x old", update_date="2026-01-01"), arxiv_record(999, "Fresh", "x")],
    )
    for one in (plain, library):
        one.importer().import_jsonl(extra)
    library.merge(force=True)
    assert answers(library) == answers(plain)


@pytest.mark.parametrize(
    ("sizes", "runs"),
    [
        ([40] * FACTOR, [(0, FACTOR)]),
        ([40] * (FACTOR - 1), []),
        ([10_000] * 10 + [40] * FACTOR, [(0, PARTS), (10, 10 + FACTOR)]),
        ([40] * (FACTOR + 2), [(0, FACTOR + 2)]),
        ([100_000] * 7, [(0, 5)]),
        ([40] * (PARTS + FACTOR), [(0, PARTS), (PARTS, PARTS + FACTOR)]),
        ([10_000, 40, 40, 40, 40, 160], [(1, 6)]),
        ([10_000, 40, 40, 40, 40, 5_000], [(1, 5)]),
    ],
)
def test_plan_merges_adjacent_segments_of_one_level(sizes: list[int], runs: list[tuple[int, int]]) -> None:
    segments = [Listed(i + 1, f"s{i}", docs, docs * 10) for i, docs in enumerate(sizes)]
    assert plan(segments) == runs


@pytest.mark.parametrize(
    ("sizes", "runs"),
    [
        ([40] * (2 * PARTS + 3), [(0, PARTS), (PARTS, 2 * PARTS), (2 * PARTS, 2 * PARTS + 3)]),
        ([300_000, 300_000, 100_000], [(1, 3)]),
        ([40], []),
    ],
)
def test_a_forced_plan_takes_runs_of_at_most_the_part_cap(
    sizes: list[int], runs: list[tuple[int, int]]
) -> None:
    segments = [Listed(i + 1, f"s{i}", docs, docs * 10) for i, docs in enumerate(sizes)]
    assert plan(segments, force=True) == runs


@pytest.mark.parametrize(
    ("sizes", "final"),
    [
        ([5_000] * 200, [500_000, 500_000]),  # an unmerged 1M import
        ([5_000] * 9, [45_000]),
        ([300_000, 300_000, 100_000], [300_000, 400_000]),
        ([40] * 3 + [499_990] + [40] * 20, [120, 499_990, 800]),
    ],
)
def test_a_forced_compact_ends_with_as_few_segments_as_the_bound_allows(
    sizes: list[int], final: list[int]
) -> None:
    """Planned again after each pass (as merge_segments does), the capped runs end where one
    uncapped run per group would: the group boundaries do not move."""
    segments = [Listed(i + 1, f"s{i}", docs, 0) for i, docs in enumerate(sizes)]
    while runs := plan(segments, force=True):
        for start, end in reversed(runs):
            assert end - start <= MAX_MERGE_PARTS
            merged = Listed(segments[start].id, "m", sum(s.docs for s in segments[start:end]), 0)
            segments[start:end] = [merged]
    assert [s.docs for s in segments] == final


def test_segment_count_stays_logarithmic() -> None:
    segments: list[Listed] = []
    for day in range(1100):
        segments.append(Listed(day, f"s{day}", 40, 400))
        while runs := plan(segments):
            start, end = runs[0]
            merged = Listed(segments[start].id, "m", sum(s.docs for s in segments[start:end]), 0)
            segments[start:end] = [merged]
    assert len(segments) <= 4 * (FACTOR - 1)


def test_merged_vocabularies_are_pythons_sorted_union(tmp_path: Path) -> None:
    """pyarrow unites and orders the parts' words exactly as Python sorts bytes (prefixes, high
    bytes, NUL, non-ASCII UTF-8), and numbers each part's words in the union."""
    from papershelf.library.index import Segment, SegmentData  # noqa: PLC0415
    from papershelf.library.merge import merged_vocabulary  # noqa: PLC0415

    rng = np.random.default_rng(5)
    alphabet = [b"a", b"b", b"z", b"\x00", b"\x7f", b"\xc3\xa9", b"\xff", b"ab"]
    vocabularies = []
    for number in range(4):
        words = {b"".join(rng.choice(alphabet, size=rng.integers(1, 5)).tolist()) for _ in range(200)}
        words |= {b"a", b"ab", b"a\x00"} if number % 2 else set()
        vocabularies.append(sorted(words))
    vocabularies.append([])  # an empty part
    parts = []
    for number, vocabulary in enumerate(vocabularies):
        ptr = np.arange(len(vocabulary) + 1, dtype=np.int64)
        postings = np.zeros(len(vocabulary), dtype=np.uint32)
        SegmentData(vocabulary, ptr, postings).write(tmp_path / f"seg-{number}", [], {})
        parts.append(Segment(tmp_path / f"seg-{number}"))
    words, mapped = merged_vocabulary(parts)
    assert words == sorted(set().union(*vocabularies))
    for vocabulary, ids in zip(vocabularies, mapped, strict=True):
        assert [words[i] for i in ids] == vocabulary
        assert ids.dtype == np.int64
