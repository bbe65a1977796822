"""Ranking on a small fixed corpus of real abstracts with known topics (cs.CV, cs.CL, cs.RO)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from papershelf.collection.memory import InMemoryCollection
from papershelf.model import Paper
from papershelf.query.context import Context
from papershelf.query.search import Query
from papershelf.rank import ColdStart, features
from papershelf.rank.features import FeatureRows
from papershelf.rank.papers import cached_rows, papers_digest
from papershelf.sources.jsonl import parse_jsonl
from papershelf.store.reading import ReadingState

TOPICS = Path(__file__).parents[2] / "fixtures" / "arxiv_topics.jsonl"


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    return parse_jsonl(TOPICS.read_text(encoding="utf-8"), str(TOPICS))


def of(papers: list[Paper], category: str) -> list[Paper]:
    return [p for p in papers if p.categories[0] == category]


def ranked(collection: InMemoryCollection, state: ReadingState, sort: str, text: str = "") -> list[int]:
    return collection.filter(Query(text, sort=sort), Context(state)).tolist()


def test_the_starred_topic_comes_first(papers: list[Paper]) -> None:
    collection = InMemoryCollection(papers)
    state = ReadingState()
    starred = of(papers, "cs.RO")[:5]
    for paper in starred:
        state.update(paper.key, starred=True)
    order = ranked(collection, state, "foryou")
    assert sorted(order) == list(range(len(papers)))  # every paper, once
    unstarred = [i for i in order if not state.starred(papers[i].key)]
    top = [papers[i].categories[0] for i in unstarred[:10]]
    assert top.count("cs.RO") >= 8, top
    bottom = [papers[i].categories[0] for i in unstarred[-20:]]
    assert bottom.count("cs.RO") <= 2, bottom


def test_a_tag_has_its_own_ranking_and_opened_papers_count_against(papers: list[Paper]) -> None:
    collection = InMemoryCollection(papers)
    state = ReadingState()
    for paper in of(papers, "cs.RO")[:5]:
        state.update(paper.key, starred=True)
    for paper in of(papers, "cs.CL")[:5]:
        state.update(paper.key, tags=("nlp",))
    for paper in of(papers, "cs.CV")[:5]:
        state.update(paper.key, read=True)  # opened, not tagged: negatives
    order = ranked(collection, state, "foryou:nlp")
    rest = [i for i in order if "nlp" not in state.tags(papers[i].key)]
    assert [papers[i].categories[0] for i in rest[:10]].count("cs.CL") >= 7
    by_stars = ranked(collection, state, "foryou")
    assert [papers[i].categories[0] for i in by_stars[5:15]].count("cs.RO") >= 8  # the stars' own
    opened = {i for i, p in enumerate(papers) if state.read(p.key)}
    assert all(rest.index(i) > len(rest) // 2 for i in opened)


def test_cold_start_says_how_to_begin(papers: list[Paper]) -> None:
    collection = InMemoryCollection(papers)
    with pytest.raises(ColdStart, match="star a few papers you like"):
        ranked(collection, ReadingState(), "foryou")
    with pytest.raises(ColdStart, match="tagged 'nope'"):
        ranked(collection, ReadingState(), "foryou:nope")


def test_more_like_this_starts_with_the_paper_then_its_topic(papers: list[Paper]) -> None:
    collection = InMemoryCollection(papers)
    paper = of(papers, "cs.CV")[3]
    order = ranked(collection, ReadingState(), f"like:{paper.key}")
    assert papers[order[0]].key == paper.key
    assert [papers[i].categories[0] for i in order[1:11]].count("cs.CV") >= 7


def test_ranking_combines_with_the_query(papers: list[Paper]) -> None:
    collection = InMemoryCollection(papers)
    state = ReadingState()
    for paper in of(papers, "cs.RO")[:5]:
        state.update(paper.key, starred=True)
    everything = ranked(collection, state, "foryou")
    some = ranked(collection, state, "foryou", "learning")
    assert set(some) == set(ranked(collection, state, "loaded", "learning"))
    assert some == [i for i in everything if i in set(some)]  # the same order, restricted


def test_relevance_puts_title_matches_first(papers: list[Paper]) -> None:
    collection = InMemoryCollection(papers)
    order = ranked(collection, ReadingState(), "relevance", "robot")
    assert set(order) == set(ranked(collection, ReadingState(), "loaded", "robot"))
    in_title = [i for i in order if "robot" in papers[i].title.lower()]
    assert in_title
    assert order[: len(in_title)] == in_title
    # Two words: a paper with both beats a paper with one.
    both = ranked(collection, ReadingState(), "relevance", "robot | language")
    first = papers[both[0]].search_text.lower()
    assert "robot" in first
    assert "language" in first


def test_features_are_cached_and_a_damaged_cache_is_rebuilt(papers: list[Paper], tmp_path: Path) -> None:
    built = cached_rows(papers, tmp_path)
    directory = tmp_path / "rank" / papers_digest(papers)
    assert (directory / "indices.npy").is_file()
    again = cached_rows(papers, tmp_path)
    assert np.array_equal(again.indices, built.indices)
    assert np.array_equal(again.indptr, built.indptr)
    (directory / "indptr.npy").write_bytes(b"not numpy")
    rebuilt = cached_rows(papers, tmp_path)
    assert np.array_equal(rebuilt.indices, built.indices)
    assert papers_digest(papers[1:]) != papers_digest(papers)


def test_features_from_postings_equal_features_from_papers(papers: list[Paper]) -> None:
    from papershelf.rank.features import FieldPostings, paper_word_counts  # noqa: PLC0415

    fields: list[FieldPostings] = []
    for name in ("text", "title", "author"):
        table: dict[bytes, list[tuple[int, int]]] = {}
        for i, paper in enumerate(papers):
            for word, count in paper_word_counts(paper)[name].items():
                table.setdefault(word, []).append((i, count))
        vocab = sorted(table)
        ptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum([len(table[w]) for w in vocab], out=ptr[1:])
        postings = np.concatenate([np.asarray([i for i, _ in table[w]], dtype=np.uint32) for w in vocab])
        counts = np.concatenate(
            [np.asarray([min(c, 255) for _, c in table[w]], dtype=np.uint8) for w in vocab]
        )
        fields.append((name, vocab, ptr, postings, counts))
    from_index = FeatureRows.from_postings(fields)
    direct = FeatureRows.from_papers(enumerate(papers))
    assert np.array_equal(from_index.positions, direct.positions)
    assert np.array_equal(from_index.indptr, direct.indptr)
    assert np.array_equal(from_index.indices, direct.indices)
    assert np.array_equal(from_index.counts, direct.counts)
    assert int(direct.counts.max()) > 1  # abstracts repeat their words: real term counts
    binary = FeatureRows.from_postings([(n, v, p, d, None) for n, v, p, d, _ in fields])
    assert np.array_equal(binary.indices, direct.indices)  # without counts: every entry once
    assert int(binary.counts.max()) == 1


def test_row_sums_with_empty_rows_and_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    from papershelf.rank import matrix  # noqa: PLC0415

    rng = np.random.default_rng(1)
    lengths = rng.integers(0, 4, size=200)
    lengths[[0, 57, 58, 199]] = 0
    indptr = np.zeros(201, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    indices = rng.integers(0, 50, size=int(indptr[-1])).astype(np.int32)
    values = rng.random(50).astype(np.float32)
    tf = rng.integers(1, 6, size=int(indptr[-1])).astype(np.uint8)
    weighted = values[indices] * matrix.TF[tf]
    expected = [weighted[indptr[r] : indptr[r + 1]].sum() for r in range(200)]
    for chunk, parallel_from in ((1 << 22, 1 << 22), (7, 1 << 22), (1, 1 << 22), (7, 1), (1 << 22, 1)):
        monkeypatch.setattr(matrix, "SCORE_CHUNK", chunk)
        monkeypatch.setattr(matrix, "PARALLEL_FROM", parallel_from)  # 1: two threads, two halves
        assert np.allclose(matrix._row_sums(indptr, indices, values, matrix.TF, tf), expected, atol=1e-5)
    assert matrix.TF[1] == 1
    assert np.isclose(matrix.TF[3], 1 + np.log(3))


def test_concatenated_rows_keep_the_last_row_of_a_position(papers: list[Paper]) -> None:
    whole = FeatureRows.from_papers(enumerate(papers))
    renamed = [
        (i, type(p)(title=p.title + " again", abstract="", authors=p.authors))
        for i, p in enumerate(papers[:5])
    ]
    first = FeatureRows.from_papers(enumerate(papers[:60]))
    second = FeatureRows.from_papers((i + 60, p) for i, p in enumerate(papers[60:]))
    updated = FeatureRows.from_papers(renamed)
    joined = FeatureRows.concatenate([first, updated, second])
    expected = FeatureRows.from_papers([*renamed, *((i, p) for i, p in enumerate(papers) if i >= 5)])
    assert np.array_equal(joined.positions, expected.positions)
    assert np.array_equal(joined.indptr, expected.indptr)
    assert np.array_equal(joined.indices, expected.indices)
    assert not np.array_equal(joined.indices, whole.indices)


def test_concatenated_rows_written_from_files_are_the_joined_rows(
    papers: list[Paper], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A merge writes its features straight from the parts' memory-mapped files, a step at a
    time, dropping the pages it read: the file holds exactly what concatenate() gives."""
    renamed = [
        (i, type(p)(title=p.title + " again", abstract="", authors=p.authors))
        for i, p in enumerate(papers[:5])
    ]
    built = [
        FeatureRows.from_papers(enumerate(papers[:60])),
        FeatureRows.from_papers(renamed),
        FeatureRows.from_papers((i + 60, p) for i, p in enumerate(papers[60:])),
    ]
    for number, rows in enumerate(built):
        rows.save(tmp_path / f"part-{number}")
    mapped = [FeatureRows.load(tmp_path / f"part-{number}") for number in range(3)]
    monkeypatch.setattr(features, "STEP", 7)  # many steps, each followed by a release
    FeatureRows.save_concatenated(mapped, tmp_path / "joined")
    FeatureRows.save_concatenated(mapped, tmp_path / "joined")  # over an existing cache
    joined, expected = FeatureRows.load(tmp_path / "joined"), FeatureRows.concatenate(built)
    for name in ("positions", "indptr", "indices", "counts"):
        assert np.array_equal(getattr(joined, name), getattr(expected, name)), name
    assert not list(tmp_path.glob("*.tmp"))
    assert not list(tmp_path.glob("*.old"))
