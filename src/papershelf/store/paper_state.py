"""One paper's reading state (starred, read, tags, note), all papers' in memory (ReadingState),
and the clean-up of what is typed into them. Saved by :class:`~papershelf.store.reading.StateStore`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from papershelf.text import clean_line, strip_controls

# The fields a reader changes one at a time; a save merges them one by one (see StateStore).
FIELDS = ("starred", "read", "tags", "note")


@dataclass(frozen=True, slots=True)
class PaperState:
    """What the reader has done with one paper."""

    starred: bool = False
    read: bool = False
    tags: tuple[str, ...] = ()
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.starred or self.read or self.tags or self.note)

    def to_toml(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.starred:
            out["starred"] = True
        if self.read:
            out["read"] = True
        if self.tags:
            out["tags"] = list(self.tags)
        if self.note:
            out["note"] = self.note
        return out

    def differing(self, other: PaperState) -> dict[str, Any]:
        """The fields whose value in ``other`` differs from this one, with ``other``'s values."""
        if self == other:
            return {}
        return {name: getattr(other, name) for name in FIELDS if getattr(self, name) != getattr(other, name)}

    def with_fields(self, fields: dict[str, Any]) -> PaperState:
        """This state with ``fields`` (name -> value) changed."""
        if not fields:
            return self
        get = fields.get
        return PaperState(
            get("starred", self.starred),
            get("read", self.read),
            get("tags", self.tags),
            get("note", self.note),
        )


def clean_note(text: str) -> str:
    """A note as typed, minus control characters and trailing blank space; newlines kept."""
    text = text.replace("\r\n", "\n").replace("\t", "    ")
    if not text.replace("\n", "").isprintable():
        text = strip_controls(text, keep_newlines=True)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def parse_tags(text: str) -> tuple[str, ...]:
    """Comma-separated tags -> a tuple: trimmed, empty ones dropped, duplicates (any case) once."""
    seen: set[str] = set()
    tags = []
    for raw in text.split(","):
        tag = clean_line(raw)
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tuple(tags)


class ReadingState:
    """All papers' reading state in memory. ``version`` grows with every change."""

    def __init__(self, entries: Mapping[str, PaperState] | None = None) -> None:
        self._entries: dict[str, PaperState] = {
            key: value for key, value in (entries or {}).items() if not value.is_empty
        }
        self.version = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> PaperState:
        return self._entries.get(key) or PaperState()

    def starred(self, key: str) -> bool:
        entry = self._entries.get(key)
        return entry is not None and entry.starred

    def read(self, key: str) -> bool:
        entry = self._entries.get(key)
        return entry is not None and entry.read

    def tags(self, key: str) -> tuple[str, ...]:
        entry = self._entries.get(key)
        return entry.tags if entry is not None else ()

    def note(self, key: str) -> str:
        entry = self._entries.get(key)
        return entry.note if entry is not None else ""

    def set(self, key: str, value: PaperState) -> bool:
        """Store ``value`` for ``key``; returns whether anything changed."""
        if self.get(key) == value:
            return False
        if value.is_empty:
            self._entries.pop(key, None)
        else:
            self._entries[key] = value
        self.version += 1
        return True

    def changed(self, key: str, **changes: Any) -> PaperState:
        """``key``'s state with ``changes`` applied (not stored)."""
        return replace(self.get(key), **changes)

    def update(self, key: str, **changes: Any) -> bool:
        return self.set(key, self.changed(key, **changes))

    def apply(self, changes: Mapping[str, PaperState]) -> dict[str, PaperState]:
        """Set several papers at once; returns the previous state of those that changed."""
        previous = {}
        for key, value in changes.items():
            before = self.get(key)
            if self.set(key, value):
                previous[key] = before
        return previous

    def starred_keys(self) -> list[str]:
        return [key for key, entry in self._entries.items() if entry.starred]

    def read_keys(self) -> list[str]:
        return [key for key, entry in self._entries.items() if entry.read]

    def tagged(self) -> dict[str, tuple[str, ...]]:
        return {key: entry.tags for key, entry in self._entries.items() if entry.tags}

    def noted_keys(self) -> list[str]:
        return [key for key, entry in self._entries.items() if entry.note]

    def snapshot(self) -> dict[str, PaperState]:
        """A copy of the entries, safe to hand to another thread."""
        return dict(self._entries)
