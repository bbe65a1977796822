"""The command palette's paper commands: the actions of the table, then the saved views.

The screen that opened the palette says what it offers (:class:`OffersCommands`); the provider
only matches and lists, so it needs no screen class of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider

Command = tuple[str, str, Callable[[], object]]  # (title, help, callback)


@runtime_checkable
class OffersCommands(Protocol):
    def palette_commands(self) -> Iterable[Command]:
        """(title, help, callback) of every command the palette should list."""
        ...


class PaperCommands(Provider):
    def _commands(self) -> list[Command]:
        screen = self.screen
        return list(screen.palette_commands()) if isinstance(screen, OffersCommands) else []

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
