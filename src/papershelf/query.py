"""The live filter: what the text in the filter box means.

Text and query are split into words (runs of letters and digits, case and accents folded). A
paper matches when every query word is the start of some word of its title, abstract,
authors/organisation or tags: "scal" finds "Scaling" and "ScaleKD", "pre train" finds
"pre-training", "caling" finds nothing. "Starred only" and "unread only" combine with the text.
On top of words the box takes a query language (:mod:`papershelf.query_parse`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from papershelf.query_parse import (
    And,
    Everything,
    Flag,
    Node,
    Not,
    Or,
    QueryError,
    parse,
    positive_words,
    replace_flag,
)
from papershelf.text import words


class StateLookup(Protocol):
    """What the filter needs to know of the reading state."""

    def starred(self, key: str) -> bool: ...
    def read(self, key: str) -> bool: ...
    def tags(self, key: str) -> tuple[str, ...]: ...
    def starred_keys(self) -> list[str]: ...
    def read_keys(self) -> list[str]: ...
    def tagged(self) -> dict[str, tuple[str, ...]]: ...
    def note(self, key: str) -> str: ...
    def noted_keys(self) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class Query:
    """What the list shows: the text typed, the two toggles, and the sort order.

    ``watch`` is what ``is:watched`` means (the config's watch list as a tree); it is not part
    of a saved view or of equality.
    """

    text: str = ""
    starred_only: bool = False
    unread_only: bool = False
    sort: str = "loaded"
    watch: Node | None = field(default=None, compare=False)

    @property
    def text_tree(self) -> Node:
        """The parsed text; raises :class:`~papershelf.query_parse.QueryError`."""
        node = parse(self.text)
        return replace_flag(node, "watched", self.watch if self.watch is not None else Or(()))

    @property
    def tree(self) -> Node:
        """Text and toggles as one tree; raises :class:`~papershelf.query_parse.QueryError`."""
        parts = [self.text_tree]
        if self.starred_only:
            parts.append(Flag("starred"))
        if self.unread_only:
            parts.append(Not(Flag("read")))
        parts = [p for p in parts if not isinstance(p, Everything)]
        if not parts:
            return Everything()
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    @property
    def problem(self) -> QueryError | None:
        """Why and where the text does not parse, or None."""
        try:
            parse(self.text)
        except QueryError as problem:
            return problem
        return None

    @property
    def error(self) -> str | None:
        """Why the text does not parse (with the column), or None."""
        problem = self.problem
        return None if problem is None else str(problem)

    @property
    def error_position(self) -> int | None:
        """Where the text stops parsing (0-based), or None."""
        problem = self.problem
        return None if problem is None else problem.position

    @property
    def words(self) -> tuple[str, ...]:
        """The words to highlight: those the query looks for (not under a NOT)."""
        try:
            return positive_words(parse(self.text))
        except ValueError:
            return tuple(words(self.text))

    @property
    def is_empty(self) -> bool:
        return isinstance(self.tree, Everything)


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
