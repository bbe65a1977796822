"""The live filter: what the text in the filter box means, with the toggles and the sort.

Text and query are split into words (runs of letters and digits, case and accents folded). A
paper matches when every query word is the start of some word of its title, abstract,
authors/organisation or tags: "scal" finds "Scaling" and "ScaleKD", "pre train" finds
"pre-training", "caling" finds nothing. "Starred only" and "unread only" combine with the text.
On top of words the box takes a query language (:mod:`papershelf.query.syntax`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from papershelf.query.syntax import parse
from papershelf.query.tree import And, Everything, Flag, Node, Not, QueryError, Range, needs, positive_words
from papershelf.text import words


def _parsed(text: str) -> Node | QueryError:
    try:
        return parse(text)
    except QueryError as problem:
        return problem


@dataclass(frozen=True, slots=True)
class Query:
    """What the list shows: the text typed, the two toggles, and the sort order.

    The text is parsed once, when the query is made; ``is:watched`` stays a flag in the tree
    (a :class:`~papershelf.query.context.Context` says what it means).
    """

    text: str = ""
    starred_only: bool = False
    unread_only: bool = False
    sort: str = "loaded"
    _parsed: Node | QueryError = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_parsed", _parsed(self.text))

    @property
    def text_tree(self) -> Node:
        """The parsed text; raises :class:`~papershelf.query.tree.QueryError`."""
        if isinstance(self._parsed, QueryError):
            raise self._parsed
        return self._parsed

    @property
    def tree(self) -> Node:
        """Text and toggles as one tree; raises :class:`~papershelf.query.tree.QueryError`."""
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
        return self._parsed if isinstance(self._parsed, QueryError) else None

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
        if isinstance(self._parsed, QueryError):
            return tuple(words(self.text))
        return positive_words(self._parsed)

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
    "foryou": "for you",
    "relevance": "best match",
    "citations": "most cited",
}
# Beside these: "foryou:TAG" (ranked by the papers tagged TAG) and, in the reader only,
# "like:KEY" (more like one paper; see papershelf.rank).


def next_sort(sort: str) -> str:
    """The next sort of the cycle; a "foryou:TAG" or "like:KEY" sort goes back to the first."""
    names = list(SORTS)
    return names[(names.index(sort) + 1) % len(names)] if sort in SORTS else names[0]


def is_sort(sort: str) -> bool:
    """Whether ``sort`` names a sort a view, the session or config.toml may keep."""
    return sort in SORTS or (sort.startswith("foryou:") and bool(sort[len("foryou:") :].strip()))


def sort_label(sort: str) -> str:
    """What the screen calls ``sort``."""
    if sort.startswith("foryou:"):
        return f"for you: {sort[len('foryou:') :]}"
    return SORTS.get(sort, sort)


def asks_for(query: Query) -> tuple[bool, bool]:
    """Whether ``query`` needs (the downloaded PDFs, the citation counts): ``has:pdf``,
    ``citations:`` or the citations sort. A query that does not parse needs neither."""
    try:
        tree = query.tree
    except QueryError:
        return False, False
    pdfs = needs(tree, Flag, lambda n: isinstance(n, Flag) and n.name == "pdf")
    counts = query.sort == "citations" or needs(
        tree, Range, lambda n: isinstance(n, Range) and n.field == "citations"
    )
    return pdfs, counts
