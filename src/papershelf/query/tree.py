"""The query tree: what a parsed query is, and what it asks for.

:mod:`papershelf.query.syntax` builds it from text; the evaluators (:mod:`~papershelf.query.reference`,
:mod:`~papershelf.query.compiled`, :mod:`papershelf.library.evaluate`) answer it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class QueryError(ValueError):
    """The query does not parse: ``message`` says what is wrong, ``position`` where (0-based)."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (column {position + 1})")
        self.message = message
        self.position = position


# --- the tree ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Everything:
    """The empty query: every paper."""


@dataclass(frozen=True, slots=True)
class Word:
    """``word`` starts a word of ``field`` ("any": title, abstract, authors, organisation, tags)."""

    word: str
    field: str = "any"


@dataclass(frozen=True, slots=True)
class Phrase:
    """Adjacent words of one field, in order, each starting the corresponding word."""

    words: tuple[str, ...]
    field: str = "any"


@dataclass(frozen=True, slots=True)
class Prefix:
    """A tag, arXiv category or arXiv id (``field``) starts with ``value`` (case-folded)."""

    field: str  # "tag", "cat", "id"
    value: str


@dataclass(frozen=True, slots=True)
class Flag:
    """``is:<name>`` or ``has:<name>``: starred, unread, read, tagged, watched, note, pdf."""

    name: str


@dataclass(frozen=True, slots=True)
class Range:
    """A number field within ``low``..``high`` (inclusive, None = open).

    ``field`` is "upvotes", "citations" or "date"; dates are numbers ``YYYYMMDD``.
    """

    field: str
    low: int | None
    high: int | None

    def contains(self, value: int) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


@dataclass(frozen=True, slots=True)
class Keys:
    """The papers with these keys: what the context knows beside the papers (``has:pdf``, the
    papers with a downloaded PDF; ``citations:>=100``, those counted so), put in the tree by
    :meth:`~papershelf.query.context.Context.resolve` before evaluation."""

    name: str
    keys: frozenset[str]


@dataclass(frozen=True, slots=True)
class Not:
    node: Node


@dataclass(frozen=True, slots=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    nodes: tuple[Node, ...]


Node = Everything | Word | Phrase | Prefix | Flag | Range | Keys | Not | And | Or


def map_leaves(node: Node, change: Callable[[Node], Node]) -> Node:
    """The tree with each leaf (anything but NOT, AND, OR) replaced by ``change(leaf)``."""
    if isinstance(node, Not):
        return Not(map_leaves(node.node, change))
    if isinstance(node, And):
        return And(tuple(map_leaves(n, change) for n in node.nodes))
    if isinstance(node, Or):
        return Or(tuple(map_leaves(n, change) for n in node.nodes))
    return change(node)


# --- what the tree asks for --------------------------------------------------------------------


def positive_words(
    node: Node, fields: tuple[str, ...] = ("any", "title", "abstract", "author")
) -> tuple[str, ...]:
    """The words a paper was found by (not under a NOT), in ``fields``: what to highlight."""
    found: list[str] = []

    def walk(n: Node) -> None:
        if isinstance(n, Word) and n.field in fields:
            found.append(n.word)
        elif isinstance(n, Phrase) and n.field in fields:
            found.extend(n.words)
        elif isinstance(n, And | Or):
            for child in n.nodes:
                walk(child)

    walk(node)
    return tuple(dict.fromkeys(found))


def all_words(node: Node) -> tuple[str, ...]:
    """Every word the index is asked about (for the cost estimate)."""
    found: list[str] = []

    def walk(n: Node) -> None:
        if isinstance(n, Word):
            found.append(n.word)
        elif isinstance(n, Phrase):
            found.extend(n.words)
        elif isinstance(n, Not):
            walk(n.node)
        elif isinstance(n, And | Or):
            for child in n.nodes:
                walk(child)

    walk(node)
    return tuple(found)


def needs(node: Node, kind: type, where: Callable[[Node], bool] = lambda node: True) -> bool:
    """Whether the tree holds a node of ``kind`` (e.g. :class:`Phrase`) for which ``where`` holds."""
    if isinstance(node, kind) and where(node):
        return True
    if isinstance(node, Not):
        return needs(node.node, kind, where)
    if isinstance(node, And | Or):
        return any(needs(child, kind, where) for child in node.nodes)
    return False


def replace_flag(node: Node, name: str, by: Node) -> Node:
    """The tree with every ``Flag(name)`` replaced by ``by`` (``is:watched`` -> the watch list)."""
    return map_leaves(node, lambda leaf: by if isinstance(leaf, Flag) and leaf.name == name else leaf)
