"""The live filter: what the text in the filter box means.

Text and query are split into words (runs of letters and digits, case and accents folded). A
paper matches when every query word is the start of some word of its title, abstract,
authors/organisation or tags: "scal" finds "Scaling" and "ScaleKD", "pre train" finds
"pre-training", "caling" finds nothing. "Starred only" and "unread only" combine with the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from papershelf.text import words


class StateLookup(Protocol):
    """What the filter needs to know of the reading state."""

    def starred(self, key: str) -> bool: ...
    def read(self, key: str) -> bool: ...
    def tags(self, key: str) -> tuple[str, ...]: ...
    def starred_keys(self) -> list[str]: ...
    def read_keys(self) -> list[str]: ...
    def tagged(self) -> dict[str, tuple[str, ...]]: ...


@dataclass(frozen=True, slots=True)
class Query:
    """What the list shows: the text typed, the two toggles, and the sort order."""

    text: str = ""
    starred_only: bool = False
    unread_only: bool = False
    sort: str = "loaded"

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(words(self.text))

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.starred_only or self.unread_only)


# Sort orders, in the order ``S`` cycles through them, with what the screen calls them. Ties
# keep the order the papers were loaded in.
SORTS: dict[str, str] = {
    "loaded": "as loaded",
    "date": "newest first",
    "upvotes": "most upvoted",
    "title": "by title",
    "unread": "unread first",
}


def next_sort(sort: str) -> str:
    names = list(SORTS)
    return names[(names.index(sort) + 1) % len(names)] if sort in SORTS else names[0]


_WORD_SPAN = re.compile(r"[^\W_]+")


def match_spans(text: str, query_words: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of each word of ``text`` that a query word starts (to highlight it)."""
    if not query_words:
        return []
    spans = []
    for match in _WORD_SPAN.finditer(text):
        folded = words(match.group())
        if any(w.startswith(q) for w in folded for q in query_words):
            spans.append(match.span())
    return spans


def word_index(text: str) -> str:
    """The searchable form of ``text``: its folded words, each preceded by a space.

    ``" " + query_word in word_index(text)`` is then exactly "query_word starts a word of text".
    """
    return "".join(" " + word for word in words(text))


def matches_words(index: str, query_words: tuple[str, ...], tags: tuple[str, ...] = ()) -> bool:
    """Whether every query word starts a word of ``index`` (see :func:`word_index`) or of a tag."""
    tag_index: str | None = None
    for word in query_words:
        needle = " " + word
        if needle in index:
            continue
        if not tags:
            return False
        if tag_index is None:
            tag_index = word_index(" ".join(tags))
        if needle not in tag_index:
            return False
    return True


def matches_state(key: str, query: Query, state: StateLookup) -> bool:
    if query.starred_only and not state.starred(key):
        return False
    return not (query.unread_only and state.read(key))
