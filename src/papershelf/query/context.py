"""What a query is evaluated against besides the papers: the reading state and the watch list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from papershelf.query.tree import Node, Or, replace_flag


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
class Context:
    """The reading state and what ``is:watched`` means (the config's watch list as a tree).

    The screen builds one and hands it to every filter; a :class:`~papershelf.query.search.Query`
    holds only what the reader typed and toggled.
    """

    state: StateLookup
    watch: Node | None = None

    def resolve(self, tree: Node) -> Node:
        """``tree`` with ``is:watched`` replaced by the watch list (nothing when there is none)."""
        return replace_flag(tree, "watched", self.watch if self.watch is not None else Or(()))
