"""The filter box's query language, parsed into a tree.

::

    vision transformer            both words (each starts a word of the paper)
    "language model"              the words adjacent, in this order (each a word prefix)
    -diffusion  -"text to image"  NOT; also NOT diffusion
    ocr OR vision   ocr | vision  either; juxtaposition is AND, OR binds weaker
    (ocr | vision) -survey        parentheses group
    title:scaling  title:"scaling law"  title:(ocr | vision)
    abstract:  author:  (authors or the organisation)  venue:  (journal, proceedings)
    tag:vis  cat:cs.CL  id:2409   (prefixes of a tag, an arXiv category, an arXiv id)
    is:starred is:unread is:read is:tagged is:watched   has:note has:pdf
    is:new is:replaced is:crosslisted   (how an arXiv listing announced it)   has:code
    year:2024  year:2023..2025  year:>=2023
    after:2024-06-01  before:2025-01   (after: from that day on; before: up to the day before)
    upvotes:>=3  upvotes:1..10  (> >= < <= = and ranges a..b)   citations:>=100

:func:`parse` returns a :class:`~papershelf.query.tree.Node`; a query that does not parse
raises :class:`~papershelf.query.tree.QueryError` with a message and the position (0-based
column) where the problem is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from papershelf.query.tree import (
    And,
    Everything,
    Flag,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    QueryError,
    Range,
    Word,
    map_leaves,
)
from papershelf.text import words

TEXT_FIELDS = ("any", "title", "abstract", "author", "venue")
_IN_FIELD = ("title", "abstract", "author", "venue")  # fields a word, phrase or group can be in
FIELDS = (
    "title",
    "abstract",
    "author",
    "venue",
    "tag",
    "cat",
    "id",
    "is",
    "has",
    "year",
    "after",
    "before",
    "upvotes",
    "citations",
)
IS_VALUES = ("starred", "unread", "read", "tagged", "watched", "new", "replaced", "crosslisted")
HAS_VALUES = ("note", "code", "pdf")


# --- tokens ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "word", "phrase", "field", "(", ")", "or", "not", "and"
    text: str
    position: int
    field: str = ""  # for "field": the field name; text is the value ("" when a phrase/group follows)


_FIELD = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_BREAK = set(' \t\n()"|')


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char, char, i))
            i += 1
        elif char == "|":
            tokens.append(_Token("or", char, i))
            i += 1
        elif char == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError("missing closing quote", i)
            tokens.append(_Token("phrase", text[i + 1 : end], i))
            i = end + 1
        elif char == "-" and i + 1 < n and text[i + 1] not in " \t\n)|-":
            tokens.append(_Token("not", "-", i))
            i += 1
        else:
            start = i
            while i < n and text[i] not in _BREAK:
                i += 1
            raw = text[start:i]
            field = _FIELD.fullmatch(raw)
            if field:
                name = field.group(1).lower()
                if name not in FIELDS:
                    raise QueryError(f"unknown field '{field.group(1)}:'", start)
                tokens.append(_Token("field", field.group(2), start, name))
            elif raw in ("OR", "AND", "NOT"):
                tokens.append(_Token(raw.lower(), raw, start))
            else:
                tokens.append(_Token("word", raw, start))
    return tokens


# --- parser ------------------------------------------------------------------------------------


# How deep parentheses and NOTs may nest. Every walk over a tree (evaluation, highlighting,
# the index's plan) recurses once per level, so an unbounded depth ends in RecursionError; no
# real query comes near this.
MAX_NESTING = 50


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0
        self.depth = 0

    def enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise QueryError(
                f"nested too deeply: at most {MAX_NESTING} levels of parentheses and NOT", token.position
            )

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def parse(self) -> Node:
        node = self.or_expr()
        token = self.peek()
        if token is not None:  # only a stray ")" stops an or_expr before the end
            raise QueryError("')' without a matching '('", token.position)
        return node

    def or_expr(self) -> Node:
        nodes = [self.and_expr()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            if not nodes[-1] or (nxt := self.peek()) is None or nxt.kind in ("or", ")"):
                raise QueryError(f"'{token.text}' needs a term on both sides", token.position)
            nodes.append(self.and_expr())
        if len(nodes) > 1:
            return _or(tuple(_and(group) for group in nodes))
        return _and(nodes[0])

    def and_expr(self) -> list[Node]:
        nodes: list[Node] = []
        while (token := self.peek()) is not None and token.kind not in ("or", ")"):
            if token.kind == "and":
                self.take()
                if not nodes or (nxt := self.peek()) is None or nxt.kind in ("or", ")", "and"):
                    raise QueryError("'AND' needs a term on both sides", token.position)
                continue
            node = self.unary()
            if node is not None:
                nodes.append(node)
        return nodes

    def unary(self) -> Node | None:
        token = self.peek()
        assert token is not None
        if token.kind == "not":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("or", ")", "and"):
                raise QueryError(f"'{token.text}' needs a word, phrase or field after it", token.position)
            self.enter(token)
            inner = self.unary()
            self.depth -= 1
            if inner is None:  # "-." or "-—": punctuation, ignored like any other
                return None
            return Not(inner)
        return self.atom()

    def group(self, opening: _Token) -> Node:
        self.enter(opening)
        inner = self.or_expr()
        self.depth -= 1
        closing = self.peek()
        if closing is None or closing.kind != ")":
            raise QueryError("missing ')'", opening.position)
        self.take()
        if isinstance(inner, Everything):
            raise QueryError("empty parentheses", opening.position)
        return inner

    def atom(self) -> Node | None:
        token = self.take()
        if token.kind == "(":
            return self.group(token)
        if token.kind == "phrase":
            return _phrase(token.text, "any", token.position)
        if token.kind == "word":
            found = words(token.text)
            return _and([Word(w) for w in found]) if found else None  # punctuation alone: nothing
        return self.field(token)

    def field(self, token: _Token) -> Node:
        name, value, where = token.field, token.text, token.position
        if not value:
            nxt = self.peek()
            glued = nxt is not None and nxt.position == where + len(name) + 1
            if glued and nxt is not None and nxt.kind == "phrase" and name in (*_IN_FIELD, "tag"):
                self.take()
                if name == "tag":
                    return _prefix("tag", nxt.text, where)
                return _phrase(nxt.text, name, where)
            if glued and nxt is not None and nxt.kind == "(" and name in _IN_FIELD:
                self.take()
                return _in_field(self.group(nxt), name, where)
            raise QueryError(f"'{name}:' needs a value", where)
        at = where + len(name) + 1  # where the value starts: errors in it point there
        if name in _IN_FIELD:
            found = words(value)
            if not found:
                raise QueryError(f"'{name}:' needs a word", where)
            return _and([Word(w, name) for w in found])
        if name in ("tag", "cat", "id"):
            return _prefix(name, value, where)
        if name == "is":
            if value.lower() not in IS_VALUES:
                raise QueryError(f"unknown 'is:{value}' (is: {', '.join(IS_VALUES)})", at)
            return Flag(value.lower())
        if name == "has":
            if value.lower() not in HAS_VALUES:
                raise QueryError(f"unknown 'has:{value}' (has: {', '.join(HAS_VALUES)})", at)
            return Flag(value.lower())
        if name in ("upvotes", "citations"):
            return _number_range(name, value, at, _int_value)
        if name == "year":
            return _number_range("date", value, at, _year_value)
        # after: / before:
        low, _ = _date_bounds(value, at)
        return Range("date", low, None) if name == "after" else Range("date", None, low - 1)


def _and(nodes: list[Node] | tuple[Node, ...]) -> Node:
    flat: list[Node] = []
    for node in nodes:
        flat.extend(node.nodes if isinstance(node, And) else (node,))
    flat = [n for n in flat if not isinstance(n, Everything)]
    if not flat:
        return Everything()
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def _or(nodes: tuple[Node, ...]) -> Node:
    flat: list[Node] = []
    for node in nodes:
        flat.extend(node.nodes if isinstance(node, Or) else (node,))
    return flat[0] if len(flat) == 1 else Or(tuple(flat))


def _phrase(text: str, field: str, where: int) -> Node:
    found = tuple(words(text))
    if not found:
        raise QueryError("empty phrase", where)
    return Word(found[0], field) if len(found) == 1 else Phrase(found, field)


def _prefix(field: str, value: str, where: int) -> Prefix:
    value = value.strip().casefold()
    if not value:
        raise QueryError(f"'{field}:' needs a value", where)
    return Prefix(field, value)


def _in_field(node: Node, field: str, where: int) -> Node:
    """``title:(a | "b c")``: the words and phrases of a group, searched in ``field``."""

    def move(leaf: Node) -> Node:
        if isinstance(leaf, Word) and leaf.field == "any":
            return Word(leaf.word, field)
        if isinstance(leaf, Phrase) and leaf.field == "any":
            return Phrase(leaf.words, field)
        raise QueryError(f"'{field}:( )' takes only words and phrases", where)

    return map_leaves(node, move)


def _int_value(text: str, where: int) -> int:
    if not text.isdigit():
        raise QueryError(f"'{text}' is not a whole number", where)
    return int(text)


def _year_value(text: str, where: int) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise QueryError(f"'{text}' is not a year (4 digits)", where)
    return int(text)


_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _date_bounds(text: str, where: int) -> tuple[int, int]:
    """First and last day (YYYYMMDD) of ``2024``, ``2024-06`` or ``2024-06-01``."""
    match = _DATE.fullmatch(text)
    if not match:
        raise QueryError(f"'{text}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", where)
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is not None and not 1 <= month <= 12:
        raise QueryError(f"'{text}': no month {month}", where)
    if day is not None and not 1 <= day <= 31:
        raise QueryError(f"'{text}': no day {day}", where)
    if month is None:
        return year * 10000 + 101, year * 10000 + 1231
    if day is None:
        return year * 10000 + month * 100 + 1, year * 10000 + month * 100 + 31
    return year * 10000 + month * 100 + day, year * 10000 + month * 100 + day


_COMPARISON = re.compile(r"(>=|<=|>|<|=)?(.*)", re.DOTALL)


def _number_range(field: str, value: str, where: int, convert: object) -> Range:
    assert callable(convert)
    scale = 10000 if field == "date" else 1  # years -> YYYYMMDD bounds
    last = 1231 if field == "date" else 0
    first = 101 if field == "date" else 0
    if ".." in value:
        left, right = value.split("..", 1)
        if not left and not right:
            raise QueryError("a range needs at least one end (a..b, a.., ..b)", where)
        low = convert(left, where) if left else None
        high = convert(right, where) if right else None
        if low is not None and high is not None and low > high:
            raise QueryError(f"empty range {value}", where)
        return Range(
            field,
            None if low is None else low * scale + first,
            None if high is None else high * scale + last,
        )
    match = _COMPARISON.fullmatch(value)
    assert match is not None
    operator, number_text = match.group(1) or "=", match.group(2)
    if not number_text:
        raise QueryError(f"'{'year' if field == 'date' else field}:{value}' needs a number", where)
    number = convert(number_text, where)
    low_of, high_of = number * scale + first, number * scale + last
    if operator == "=":
        return Range(field, low_of, high_of)
    if operator == ">=":
        return Range(field, low_of, None)
    if operator == ">":
        return Range(field, high_of + 1, None)
    if operator == "<=":
        return Range(field, None, high_of)
    return Range(field, None, low_of - 1)


@lru_cache(maxsize=256)
def parse(text: str) -> Node:
    """The tree for ``text``; raises :class:`QueryError`. Cached: the box parses on every key."""
    return _Parser(text).parse()
