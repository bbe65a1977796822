"""One paper's reading state (starred, read, tags, note) and the clean-up of what is typed into it."""

from __future__ import annotations

from dataclasses import dataclass
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
