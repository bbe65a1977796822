"""The library's index filter returns exactly what the plain reference scan returns.

A generated corpus of a few thousand papers (accents, punctuation, digits, shared prefixes) is
imported in many small batches (so the index has many segments) with some papers updated
afterwards (so some postings are voided); then hundreds of generated queries, with tags,
"starred only" and "unread only", are answered by both and compared, order included.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf.collection import InMemoryCollection
from papershelf.library.collection import Library, LibraryCollection
from papershelf.model import Paper
from papershelf.query import SORTS, Query
from papershelf.state import ReadingState
from papershelf.text import index_words, words

VOCABULARY = [
    "scale",
    "scaling",
    "scalable",
    "scaled",
    "ScaleKD",
    "pre-training",
    "pretraining",
    "pre",
    "train",
    "training",
    "transformer",
    "transformers",
    "vision",
    "visual",
    "café",
    "naïve",
    "Müller",
    "Zoë",
    "Ångström",
    "coöperate",
    "façade",
    "3D",
    "2x",
    "x2",
    "a1b2",
    "diffusion",
    "diffuse",
    "attention",
    "atten",
    "graph",
    "graphs",
    "über",
    "uber",
    "résumé",
    "resume",
    "ÆON",
    "æther",
    "straße",
    "strasse",
    "ﬁnal",
    "final",
    "²",
    "½",
    "①",
    "deep-learning",
    "learning",
    "learn",
    "learned",
    "learner",
    "LLM",
    "LLMs",
    "GPT-4",
    "gpt4",
]


def make_paper(rng: random.Random, number: int) -> Paper:
    def text(n: int) -> str:
        return " ".join(rng.choice(VOCABULARY) + rng.choice(["", "", ",", ".", "-x", ":"]) for _ in range(n))

    return Paper(
        title=text(rng.randint(2, 8)),
        abstract=text(rng.randint(0, 40)),
        authors=tuple(text(2) for _ in range(rng.randint(0, 3))),
        organization=text(1) if rng.random() < 0.1 else None,
        arxiv_id=f"2401.{number:05d}",
        published=f"20{rng.randint(20, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        if rng.random() < 0.8
        else None,
        upvotes=rng.choice([0, 0, 0, 1, 2, 5, 40]),
    )


@pytest.fixture(scope="module")
def corpus(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[LibraryCollection, InMemoryCollection, ReadingState]:
    rng = random.Random(1234)
    papers = [make_paper(rng, i) for i in range(2500)]
    library = Library(Path(tmp_path_factory.mktemp("lib")))
    importer = library.importer()
    importer.import_papers(papers, chunk_size=300)
    # Newer records of 200 papers: new words, so their old postings must stop matching.
    updates = [make_paper(rng, rng.randrange(2500)) for _ in range(200)]
    importer.import_papers(updates, chunk_size=70)
    stored = list(library.store.papers())
    assert len(stored) == 2500
    assert len(library.store.segments()) > 10
    state = ReadingState()
    for paper in rng.sample(stored, 300):
        state.update(
            paper.key,
            starred=rng.random() < 0.5,
            read=rng.random() < 0.5,
            tags=tuple(rng.sample(["vision", "ocr", "to-read", "Ünïcode", "graph-nets"], rng.randint(0, 2))),
        )
    return library.collection(), InMemoryCollection(stored), state


prefixes = st.sampled_from(VOCABULARY).flatmap(
    lambda word: st.integers(min_value=1, max_value=max(1, len(word))).map(lambda n: word[:n])
)
noise = st.text(alphabet="abcdeéüßﬁ²-. 0123456789ÆÅ", min_size=1, max_size=6)
query_text = st.lists(
    st.one_of(prefixes, prefixes, noise, st.sampled_from(["vis", "ocr", "to", "unic", "graph"])), max_size=3
).map(" ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=query_text, starred=st.booleans(), unread=st.booleans(), sort=st.sampled_from(list(SORTS)))
def test_index_filter_equals_reference_scan(
    corpus: tuple[LibraryCollection, InMemoryCollection, ReadingState],
    text: str,
    starred: bool,
    unread: bool,
    sort: str,
) -> None:
    fast, reference, state = corpus
    query = Query(text, starred_only=starred, unread_only=unread, sort=sort)
    assert list(fast.filter(query, state)) == list(reference.filter(query, state))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_index_words_are_the_filter_words(text: str) -> None:
    assert index_words(text) == {w.encode() for w in words(text)}
