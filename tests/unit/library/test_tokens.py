"""The vectorised tokeniser finds exactly the words of :func:`papershelf.text.words`, text by
text, and the fast title key equals the word-by-word one; the radix orders, postings and word
pairs built from the tokens equal plain Python ones."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf.library import pairs
from papershelf.library.pairs import PairData
from papershelf.library.tokens import (
    ABSTRACT,
    EXTRA,
    PEOPLE,
    TITLE,
    counted_postings,
    csr,
    stable_order,
    tokenise,
)
from papershelf.model import Paper, title_key
from papershelf.text import words

ALPHABET = "abcXYZ019 -_.,:;'\"()\t\n\x1cé ÉüßﬁÆ²½①αΩ中\u0301\u00a0\u2003"
texts = st.text(alphabet=ALPHABET, max_size=40)
papers = st.builds(
    Paper,
    title=texts.filter(lambda t: bool(" ".join(t.split()))),
    abstract=texts,
    authors=st.lists(texts, max_size=3).map(tuple),
    organization=st.one_of(st.none(), texts),
    venue=st.one_of(st.none(), texts),
    ai_keywords=st.lists(texts, max_size=2).map(tuple),
)


def expected_texts(paper: Paper) -> list[tuple[int, str]]:
    people = [*paper.authors, *([paper.organization] if paper.organization else [])]
    out = [(TITLE, paper.title), *([(ABSTRACT, paper.abstract)] if paper.abstract else [])]
    return out + [(PEOPLE, p) for p in people] + [(EXTRA, t) for t in paper.extra_texts]


@settings(max_examples=300, deadline=None)
@given(chunk=st.lists(papers, max_size=6))
def test_tokens_are_the_words_of_each_text(chunk: list[Paper]) -> None:
    tokens = tokenise(chunk)
    assert tokens.vocab == sorted(set(tokens.vocab))
    got: dict[int, tuple[int, int, list[bytes]]] = {}
    for rank, entry, text, kind in zip(tokens.rank, tokens.entry, tokens.text, tokens.kind, strict=True):
        got.setdefault(int(text), (int(entry), int(kind), []))[2].append(tokens.vocab[rank])
    number = 0
    for entry, paper in enumerate(chunk):
        for kind, text in expected_texts(paper):
            found = [w.encode() for w in words(text)]
            if found:
                assert got[number] == (entry, kind, found)
            else:
                assert number not in got
            number += 1
    assert np.all(np.diff(tokens.text) >= 0)


@given(title=st.text(alphabet="abcXYZ019 -_.,:;'\"()\t\n\x0b\x1c\x1f!~", max_size=40))
def test_fast_title_key_equals_the_word_by_word_key(title: str) -> None:
    folded = ("".join(words(part)) for part in title.split())
    assert title_key(title) == "title:" + " ".join(part for part in folded if part)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.integers(0, (1 << 33) - 1), max_size=60),
    bits=st.sampled_from([1, 8, 16, 17, 33]),
)
def test_stable_order_is_a_stable_sort(values: list[int], bits: int) -> None:
    array = np.asarray([v & ((1 << bits) - 1) for v in values], dtype=np.int64)
    assert stable_order(array, 1 << bits).tolist() == np.argsort(array, kind="stable").tolist()


tokens_lists = st.lists(st.tuples(st.integers(0, 70_000), st.integers(0, 9)), max_size=80)


@settings(max_examples=200, deadline=None)
@given(tokens=tokens_lists, in_entry_order=st.booleans())
def test_counted_postings_count_each_word_of_each_entry(
    tokens: list[tuple[int, int]], in_entry_order: bool
) -> None:
    if in_entry_order:
        tokens = sorted(tokens, key=lambda token: token[1])
    rank = np.asarray([r for r, _ in tokens], dtype=np.uint32)
    entry = np.asarray([e for _, e in tokens], dtype=np.int32)
    posts, order, posting = counted_postings(rank, entry, 10)
    counted = Counter(tokens)
    assert list(zip(posts.rank.tolist(), posts.entry.tolist(), strict=True)) == sorted(counted)
    assert posts.counts.tolist() == [min(counted[key], 255) for key in sorted(counted)]
    assert order.tolist() == sorted(range(len(tokens)), key=lambda i: tokens[i])  # stable
    for i, p in zip(order.tolist(), posting.tolist(), strict=True):
        assert (posts.rank[p], posts.entry[p]) == tokens[i]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunk=st.lists(st.lists(st.integers(0, 40), max_size=12), max_size=8), codes=st.integers(1, 45))
def test_pairs_are_each_postings_distinct_next_words(
    chunk: list[list[int]], codes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each text a list of word ranks (text ``t`` of entry ``t // 2``); with ``codes`` coded
    words at most (the most frequent), as :data:`papershelf.library.pairs.CODES` caps them."""
    monkeypatch.setattr(pairs, "CODES", codes)
    rank = np.asarray([r for text in chunk for r in text], dtype=np.uint32)
    text = np.asarray([t for t, words in enumerate(chunk) for _ in words], dtype=np.int32)
    entry = text // 2
    posts, order, posting = counted_postings(rank, entry, 4)
    size = int(rank.max()) + 1 if rank.size else 0
    ptr = csr(posts.rank, size)
    followed = np.zeros(rank.size, dtype=np.bool_)
    followed[:-1] = text[1:] == text[:-1]
    paired = followed[order]
    built = PairData.build(ptr, posts.rank, (posting[paired], rank[order[paired] + 1].astype(np.int64)))
    frequency = np.diff(ptr)
    coded = sorted(sorted(range(size), key=lambda w: -frequency[w])[:codes]) if size > codes else range(size)
    assert built.words.tolist() == list(coded)
    code_of = {word: code for code, word in enumerate(coded)}
    postings = list(zip(posts.rank.tolist(), posts.entry.tolist(), strict=True))
    expected = []
    for number, (word, owner) in enumerate(postings):
        if word not in code_of:
            continue
        following = {
            code_of[words[i + 1]]
            for t, words in enumerate(chunk)
            if t // 2 == owner
            for i in range(len(words) - 1)
            if words[i] == word and words[i + 1] in code_of
        }
        expected += [(number, c) for c in sorted(following)] or [(number, pairs.NONE)]
    assert list(zip(built.post.tolist(), built.code.tolist(), strict=True)) == expected


def test_remapping_a_chunk_keeps_every_posting_or_drops_a_papers_postings() -> None:
    from papershelf.library.prepare import _segments  # noqa: PLC0415

    chunk = [
        Paper(title=f"Scaling laws {i}", abstract="of the model and the data", authors=("A B",), source="t")
        for i in range(6)
    ]
    segment, _ = _segments(list(enumerate(chunk)))
    moved = segment.remap(np.arange(6, dtype=np.int64) + 100)  # a batch of new papers
    assert moved.ptr.tolist() == segment.ptr.tolist()
    assert moved.postings.tolist() == (np.asarray(segment.postings) + 100).tolist()
    assert moved.pairs is segment.pairs
    assert moved.counts is segment.counts
    dropped = segment.remap(np.asarray([100, 101, -1, 103, 104, 105], dtype=np.int64))
    assert 102 not in dropped.postings.tolist()
    for word in range(len(segment.vocab)):
        before = np.asarray(segment.postings)[segment.ptr[word] : segment.ptr[word + 1]] + 100
        after = dropped.postings[dropped.ptr[word] : dropped.ptr[word + 1]]
        assert after.tolist() == [p for p in before.tolist() if p != 102]
    assert isinstance(dropped.pairs, PairData)
    assert dropped.pairs.post.size < segment.pairs.post.size
