"""What a query is evaluated against besides the papers: the reading state and the watch list."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from papershelf.query.tree import Flag, Keys, Node, Or, Range, map_leaves, replace_flag


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


class Cancelled(Exception):
    """A filter was stopped from outside (a newer keystroke, escape, the reader closing)."""


def _never() -> bool:
    return False


@dataclass(frozen=True, slots=True)
class Context:
    """The reading state and what ``is:watched`` means (the config's watch list as a tree).

    The screen builds one and hands it to every filter; a :class:`~papershelf.query.search.Query`
    holds only what the reader typed and toggled.
    """

    state: StateLookup
    watch: Node | None = None
    pdfs: frozenset[str] = frozenset()  # keys of the papers with a downloaded PDF
    citations: Mapping[str, int] = field(default_factory=dict, compare=False)  # count by key
    # Asked inside the loops that read papers' text; true stops the filter with Cancelled.
    cancelled: Callable[[], bool] = field(default=_never, compare=False)

    def check(self) -> None:
        """Raise :class:`Cancelled` when the filter has been called off."""
        if self.cancelled():
            raise Cancelled

    def resolve(self, tree: Node) -> Node:
        """``tree`` with ``is:watched`` replaced by the watch list (nothing when there is none),
        ``has:pdf`` and ``citations:`` by the keys they mean (a paper without a count never
        matches ``citations:``)."""
        tree = replace_flag(tree, "watched", self.watch if self.watch is not None else Or(()))

        def facts(leaf: Node) -> Node:
            if isinstance(leaf, Flag) and leaf.name == "pdf":
                return Keys("pdf", self.pdfs)
            if isinstance(leaf, Range) and leaf.field == "citations":
                return Keys("citations", frozenset(k for k, n in self.citations.items() if leaf.contains(n)))
            return leaf

        return map_leaves(tree, facts)
