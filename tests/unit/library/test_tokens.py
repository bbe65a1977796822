"""The vectorised tokeniser finds exactly the words of :func:`papershelf.text.words`, text by
text, and the fast title key equals the word-by-word one."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from papershelf.library.tokens import ABSTRACT, EXTRA, PEOPLE, TITLE, tokenise
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
