"""Phrases answered from the index's word pairs equal the reference evaluator's answers.

The library keeps pairs only for each segment's most frequent words (:data:`pairs.CODES`);
here that bound is tiny, so most words have no pairs and the papers having them are read (the
"unknown" path) beside the ones the pairs answer. Papers are updated (their old postings and
pairs voided) and the segments merged (pairs carried into the merged segment), and every
phrase must still match exactly what :func:`reference_match` says, field by field.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf.library import pairs
from papershelf.library.library import Library
from papershelf.model import Paper
from papershelf.query.context import Context
from papershelf.query.reference import reference_match
from papershelf.query.search import Query
from papershelf.store.reading import ReadingState

VOCABULARY = [
    "language", "languages", "lang", "model", "models", "modelling", "large", "larger", "the",
    "of", "a", "an", "in", "vision", "visual", "Müller", "café", "naïve", "straße", "3D", "x2",
    "pre-training", "training", "train", "scaling", "scale", "GPT-4", "ﬁnal", "final",
]  # fmt: skip


def make_paper(rng: random.Random, number: int) -> Paper:
    def text(n: int) -> str:
        return " ".join(rng.choice(VOCABULARY) + rng.choice(["", "", ",", ".", "-y"]) for _ in range(n))

    return Paper(
        title=text(rng.randint(2, 7)),
        abstract=text(rng.randint(0, 30)),
        authors=tuple(text(2) for _ in range(rng.randint(0, 3))),
        organization=text(2) if rng.random() < 0.2 else None,
        venue=text(3) if rng.random() < 0.1 else None,
        arxiv_id=f"2402.{number:05d}",
    )


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Library, list[Paper]]]:
    saved = pairs.CODES
    pairs.CODES = 12  # most words have no pairs
    try:
        rng = random.Random(99)
        library = Library(Path(tmp_path_factory.mktemp("pairs")))
        importer = library.importer()
        importer.import_papers([make_paper(rng, i) for i in range(1200)], chunk_size=150)
        importer.import_papers([make_paper(rng, rng.randrange(1200)) for _ in range(150)], chunk_size=50)
        yield library, list(library.store.papers())
    finally:
        pairs.CODES = saved


phrase_words = st.sampled_from(VOCABULARY).flatmap(
    lambda word: st.integers(1, len(word)).map(lambda n: word[:n].lower())
)
phrases = st.tuples(
    st.sampled_from(["", "title:", "abstract:", "author:"]),
    st.lists(phrase_words, min_size=2, max_size=3),
).map(lambda parts: parts[0] + '"' + " ".join(parts[1]) + '"')


def check(library: Library, stored: list[Paper], text: str) -> None:
    query = Query(text)
    state = ReadingState()
    found = sorted(library.collection().filter(query, Context(state)).tolist())
    assert found == [i for i, paper in enumerate(stored) if reference_match(query.tree, paper, state)], text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=phrases)
def test_phrases_from_pairs_equal_the_reference(library: tuple[Library, list[Paper]], text: str) -> None:
    check(*library, text)


def test_pairs_answer_most_and_the_text_the_rest(library: tuple[Library, list[Paper]]) -> None:
    index = library[0].collection().index
    assert index.has_pairs()
    sure, unknown = index.pair_hits("language", "model")
    assert sure.any()
    assert unknown.any()  # papers with a word that has no pairs, checked in their text
    check(*library, '"language model"')


def test_merged_segments_carry_the_pairs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pairs, "BLOCK", 200)  # the merge writes its pairs in many blocks
    saved = pairs.CODES
    pairs.CODES = 28  # a few words of each segment have no pairs
    try:
        rng = random.Random(5)
        library = Library(tmp_path / "lib")
        importer = library.importer()
        importer.import_papers([make_paper(rng, i) for i in range(600)], chunk_size=100)
        importer.import_papers([make_paper(rng, rng.randrange(600)) for _ in range(60)], chunk_size=20)
        stored = list(library.store.papers())
        queries = ['"language model"', '"the mod"', '"l m t"', 'title:"a la"', 'author:"m c"', '"x2 3d"']
        before = {q: library.collection().filter(Query(q), Context(ReadingState())).tolist() for q in queries}
        segments = len(library.store.segments())
        assert library.merge(force=True) >= 1
        assert len(library.store.segments()) < segments
        index = library.collection().index
        assert index.has_pairs()
        assert all((segment.directory / "pairs.bin").is_file() for segment in index.segments)
        merged = library.collection()
        for query in queries:
            assert merged.filter(Query(query), Context(ReadingState())).tolist() == before[query]
            check(library, stored, query)
        # Words coded in every segment merged keep their pairs in the merged one.
        heads = ("the", "of", "a", "language", "model", "vision")
        assert any(index.pair_hits(a, b)[0].any() for a in heads for b in heads)
    finally:
        pairs.CODES = saved
