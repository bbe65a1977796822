"""Every evaluator of the filter returns exactly what the reference evaluator returns.

A generated corpus of a few thousand papers (accents, punctuation, digits, shared prefixes,
categories, dates, upvotes) is imported in many small batches (so the index has many segments)
with some papers updated afterwards (so some postings are voided); the reading state has stars,
read marks, tags and notes. Hundreds of generated queries in the query language (words,
phrases, negation, OR, parentheses, every field, ranges), with "starred only", "unread only" and
every sort, are answered by the library (index + SQLite), by the in-memory list (compiled
matcher) and by :func:`~papershelf.query_eval.reference_match` paper by paper; all three must
agree, order included.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf.collection.memory import InMemoryCollection
from papershelf.library import collection as library_collection
from papershelf.library.collection import LibraryCollection
from papershelf.library.library import Library
from papershelf.model import Paper
from papershelf.query.context import Context
from papershelf.query.reference import reference_match
from papershelf.query.search import SORTS, Query
from papershelf.query.syntax import parse
from papershelf.query.tree import Node, Or, QueryError
from papershelf.store.reading import ReadingState
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
        categories=tuple(rng.sample(CATEGORIES, rng.randint(0, 2))),
    )


CATEGORIES = ["cs.CL", "cs.CV", "cs.LG", "stat.ML", "hep-th", "math.AG"]
TAGS = ["vision", "ocr", "to-read", "Ünïcode", "graph-nets", "to read later"]


@pytest.fixture(autouse=True, scope="module")
def small_previews() -> Iterator[None]:
    """Previews check 150 papers first (3,000 in the reader), so this corpus exercises them."""
    saved = library_collection.PREVIEW_ROWS
    library_collection.PREVIEW_ROWS = 150
    yield
    library_collection.PREVIEW_ROWS = saved


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
            tags=tuple(rng.sample(TAGS, rng.randint(0, 2))),
            note=rng.choice(["", "", "check the ablation", "scaling law"]),
        )
    return library.collection(), InMemoryCollection(stored), state


prefixes = st.sampled_from(VOCABULARY).flatmap(
    lambda word: st.integers(min_value=1, max_value=max(1, len(word))).map(lambda n: word[:n])
)
noise = st.text(alphabet="abcdeéüßﬁ²-. 0123456789ÆÅ", min_size=1, max_size=6)
plain_text = st.lists(
    st.one_of(prefixes, prefixes, noise, st.sampled_from(["vis", "ocr", "to", "unic", "graph"])), max_size=3
).map(" ".join)

# Terms of the query language, each a string that parses on its own.
simple_word = prefixes.map(lambda w: "".join(w.split()) or "a").filter(lambda w: bool(words(w)))
phrase = st.lists(st.sampled_from(VOCABULARY), min_size=2, max_size=3).flatmap(
    lambda ws: st.integers(1, max(1, len(ws[-1]))).map(lambda n: '"' + " ".join([*ws[:-1], ws[-1][:n]]) + '"')
)
leaf = st.one_of(
    simple_word,
    simple_word,
    phrase,
    st.tuples(st.sampled_from(["title", "abstract", "author"]), st.one_of(simple_word, phrase)).map(":".join),
    st.sampled_from(["vis", "ocr", "to", "to-read", '"to read"', "ü", "graph"]).map(lambda v: "tag:" + v),
    st.sampled_from(["cs", "cs.c", "cs.CL", "stat", "hep", "math.ag", "x"]).map(lambda v: "cat:" + v),
    st.sampled_from(["2401", "2401.0", "2401.001", "2401.01234", "9"]).map(lambda v: "id:" + v),
    st.sampled_from(["is:starred", "is:unread", "is:read", "is:tagged", "is:watched", "has:note"]),
    st.sampled_from(["2020", "2023..2024", "2022..", "..2021", ">=2024", ">2023", "<2022", "<=2021"]).map(
        lambda v: "year:" + v
    ),
    st.sampled_from(["2023", "2023-05", "2024-03-15"]).flatmap(
        lambda v: st.sampled_from([f"after:{v}", f"before:{v}"])
    ),
    st.sampled_from([">=3", ">0", "<2", "<=1", "=5", "5", "1..5", "2..", "..1"]).map(
        lambda v: "upvotes:" + v
    ),
)
query_language = st.recursive(
    leaf,
    lambda inner: st.one_of(
        inner.map(lambda q: "-" + q if not q.startswith("-") else q),
        st.lists(inner, min_size=2, max_size=3).map(" ".join),
        st.lists(inner, min_size=2, max_size=3).flatmap(
            lambda qs: st.sampled_from([" OR ", " | "]).map(lambda op: op.join(qs))
        ),
        inner.map(lambda q: f"({q})"),
    ),
    max_leaves=6,
)
WATCH = parse('author:"zoe muller" | "graph nets" | diffusion')


def check_all_agree(
    corpus: tuple[LibraryCollection, InMemoryCollection, ReadingState],
    query: Query,
    watch: Node | None = None,
) -> None:
    fast, memory, state = corpus
    context = Context(state, watch)
    try:
        tree = context.resolve(query.tree)
    except QueryError:
        with pytest.raises(QueryError):
            fast.filter(query, context)
        with pytest.raises(QueryError):
            memory.filter(query, context)
        return
    from_memory = list(memory.filter(query, context))
    assert list(fast.filter(query, context)) == from_memory
    # The first rows shown while a text-reading query runs are exactly the start of the answer.
    first = fast.preview(query, context)
    if first is not None:
        assert list(first) == from_memory[: len(first)]
    # The reference decides membership; the order is the in-memory sort's, checked in test_query.
    expected = {i for i in range(len(memory)) if reference_match(tree, memory.paper(i), state)}
    assert set(from_memory) == expected
    assert len(from_memory) == len(expected)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=plain_text, starred=st.booleans(), unread=st.booleans(), sort=st.sampled_from(list(SORTS)))
def test_plain_words_agree(
    corpus: tuple[LibraryCollection, InMemoryCollection, ReadingState],
    text: str,
    starred: bool,
    unread: bool,
    sort: str,
) -> None:
    check_all_agree(corpus, Query(text, starred_only=starred, unread_only=unread, sort=sort))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=query_language,
    starred=st.booleans(),
    unread=st.booleans(),
    sort=st.sampled_from(list(SORTS)),
    watch=st.sampled_from([None, WATCH]),
)
def test_query_language_agrees(
    corpus: tuple[LibraryCollection, InMemoryCollection, ReadingState],
    *,
    text: str,
    starred: bool,
    unread: bool,
    sort: str,
    watch: Or | None,
) -> None:
    parse(text)  # every generated query is valid
    check_all_agree(corpus, Query(text, starred_only=starred, unread_only=unread, sort=sort), watch)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_index_words_are_the_filter_words(text: str) -> None:
    assert index_words(text) == {w.encode() for w in words(text)}
