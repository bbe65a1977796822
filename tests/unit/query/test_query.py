import pytest

from papershelf.collection import PaperView
from papershelf.collection.memory import InMemoryCollection, merge_papers
from papershelf.model import Paper, title_key
from papershelf.query.compiled import word_index
from papershelf.query.context import Context
from papershelf.query.search import Query
from papershelf.store.reading import ReadingState


def titles(collection: InMemoryCollection, query: Query, state: ReadingState | None = None) -> list[str]:
    return [collection.paper(i).title for i in collection.filter(query, Context(state or ReadingState()))]


@pytest.fixture
def small() -> InMemoryCollection:
    return InMemoryCollection(
        [
            Paper("Scaling Laws for Pre-training", "We study compute."),
            Paper("ScaleKD: Strong Teachers", "Distillation."),
            Paper("Café Networks", "Naïve approaches.", authors=("Zoë Ångström",)),
            Paper("Graph Models", "Nothing here.", organization="MiniMaxAI MiniMax"),
        ]
    )


def test_prefix_of_any_word(small: InMemoryCollection) -> None:
    assert titles(small, Query("scal")) == ["Scaling Laws for Pre-training", "ScaleKD: Strong Teachers"]
    assert titles(small, Query("caling")) == []
    assert titles(small, Query("pre train")) == ["Scaling Laws for Pre-training"]
    assert titles(small, Query("SCAL  laws")) == ["Scaling Laws for Pre-training"]


def test_case_and_accents_fold_both_ways(small: InMemoryCollection) -> None:
    assert titles(small, Query("cafe naive")) == ["Café Networks"]
    assert titles(small, Query("CAFÉ")) == ["Café Networks"]
    assert titles(small, Query("angstrom")) == ["Café Networks"]  # authors are searched
    assert titles(small, Query("minimax")) == ["Graph Models"]  # so is the organisation


def test_punctuation_only_query_matches_everything(small: InMemoryCollection) -> None:
    assert len(small.filter(Query("--- !"), Context(ReadingState()))) == 4


def test_tags_are_searched(small: InMemoryCollection) -> None:
    state = ReadingState()
    state.update(small.row(3).key, tags=("vision-ocr",))
    assert titles(small, Query("ocr"), state) == ["Graph Models"]
    assert titles(small, Query("graph vision"), state) == ["Graph Models"]


def test_starred_and_unread_toggles_combine_with_text(small: InMemoryCollection) -> None:
    state = ReadingState()
    state.update(small.row(0).key, starred=True)
    state.update(small.row(1).key, starred=True, read=True)
    assert titles(small, Query(starred_only=True), state) == [small.paper(0).title, small.paper(1).title]
    assert titles(small, Query(starred_only=True, unread_only=True), state) == [small.paper(0).title]
    assert titles(small, Query("scalekd", starred_only=True, unread_only=True), state) == []
    assert len(small.filter(Query(unread_only=True), Context(state))) == 3


def test_word_index_prefix_semantics() -> None:
    index = word_index("Pre-training at Scale")
    assert index == " pre training at scale"
    assert all(" " + word in index for word in ("pre", "train", "sc"))
    assert " raining" not in index


def test_sample_queries(sample_papers: list[Paper]) -> None:
    collection = InMemoryCollection(sample_papers)
    hits = titles(collection, Query("scal"))
    assert any(t.startswith("ScaleKD") for t in hits)
    assert any("Scaling" in t for t in hits)
    assert titles(collection, Query("minimax")) == [
        "Towards Scalable Pre-training of Visual Tokenizers for Generation"
    ]


def test_view_count_label() -> None:
    assert PaperView([1, 5], 54).count_label == "2/54"
    assert PaperView.everything(54).count_label == "54/54"


def test_keys() -> None:
    assert title_key("Pre-training: Under  INFINITE compute!") == "title:pretraining under infinite compute"
    assert title_key("Pretraining under infinite Compute") == title_key("Pre-Training under infinite compute")
    assert Paper("X", arxiv_id="2401.00001").key == "arxiv:2401.00001"


def test_merge_keeps_first_of_each_key() -> None:
    a = Paper("Same Title", "first")
    b = Paper("same title!", "second")
    assert merge_papers([[a], [b, Paper("Other")]]) == [a, Paper("Other")]


def test_a_partial_view_says_so() -> None:
    assert PaperView([1, 5], 54, partial=True).count_label == "2+/54"
