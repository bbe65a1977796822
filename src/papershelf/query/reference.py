"""The definition of the query language: :func:`reference_match`, one paper at a time.

Written for clarity: a paper's text is split into words on every call. The differential tests
hold every faster evaluator to it (:mod:`papershelf.query.compiled` in memory,
:mod:`papershelf.library.evaluate` over the search index).

Fields do not run into each other: a phrase never spans the end of the title and the start of
the abstract, or two authors, or two tags.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from papershelf.model import PAPER_FLAGS, Paper, date_number, paper_flag
from papershelf.query.context import StateLookup
from papershelf.query.tree import And, Everything, Flag, Keys, Node, Not, Or, Phrase, Prefix, Range, Word
from papershelf.text import words

# --- the reference -----------------------------------------------------------------------------

# The reference splits text on every call; remembering the splits only makes it quicker to run
# over a test corpus many times.
_words = lru_cache(maxsize=1 << 16)(words)


def _field_texts(paper: Paper, field: str, tags: tuple[str, ...]) -> list[str]:
    """The separate texts a word or phrase in ``field`` is looked for in."""
    people = [*paper.authors, *([paper.organization] if paper.organization else [])]
    if field == "title":
        return [paper.title]
    if field == "abstract":
        return [paper.abstract]
    if field == "author":
        return people
    if field == "venue":
        return [paper.venue] if paper.venue else []
    return [paper.title, paper.abstract, *people, *tags, *paper.extra_texts]


def _has_run(sequence: list[str], prefixes: Sequence[str]) -> bool:
    n = len(prefixes)
    return any(
        all(sequence[start + k].startswith(prefixes[k]) for k in range(n))
        for start in range(len(sequence) - n + 1)
    )


def flag_matches(name: str, key: str, state: StateLookup) -> bool:
    if name == "starred":
        return state.starred(key)
    if name == "read":
        return state.read(key)
    if name == "unread":
        return not state.read(key)
    if name == "tagged":
        return bool(state.tags(key))
    if name == "note":
        return bool(state.note(key))
    return False  # "watched" and "pdf" are replaced before evaluation (Context.resolve)


def prefix_matches(node: Prefix, paper: Paper, tags: tuple[str, ...]) -> bool:
    if node.field == "tag":
        return any(tag.casefold().startswith(node.value) for tag in tags)
    if node.field == "cat":
        return any(cat.casefold().startswith(node.value) for cat in paper.categories)
    return paper.arxiv_id is not None and paper.arxiv_id.casefold().startswith(node.value)


def reference_match(node: Node, paper: Paper, state: StateLookup) -> bool:
    """Whether ``paper`` matches ``node``: the plain definition of the query language."""
    tags = state.tags(paper.key)
    if isinstance(node, Everything):
        return True
    if isinstance(node, Word):
        return any(
            w.startswith(node.word) for text in _field_texts(paper, node.field, tags) for w in _words(text)
        )
    if isinstance(node, Phrase):
        return any(_has_run(_words(text), node.words) for text in _field_texts(paper, node.field, tags))
    if isinstance(node, Prefix):
        return prefix_matches(node, paper, tags)
    if isinstance(node, Flag):
        if node.name in PAPER_FLAGS:
            return paper_flag(paper, node.name)
        return flag_matches(node.name, paper.key, state)
    if isinstance(node, Keys):
        return paper.key in node.keys
    if isinstance(node, Range):
        if node.field == "upvotes":
            return node.contains(paper.upvotes)
        day = date_number(paper.published)
        return day is not None and node.contains(day)
    if isinstance(node, Not):
        return not reference_match(node.node, paper, state)
    if isinstance(node, And):
        return all(reference_match(n, paper, state) for n in node.nodes)
    assert isinstance(node, Or)
    return any(reference_match(n, paper, state) for n in node.nodes)
