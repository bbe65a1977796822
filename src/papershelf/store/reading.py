"""Reading state (starred, read, tags) keyed by paper key, stored as TOML.

The file is hand-editable::

    version = 1

    [papers."arxiv:2409.04095"]
    starred = true
    read = true
    tags = ["vision", "ocr"]
    note = "Read section 3 again."

Writes are atomic (temp file in the same directory, flush, fsync, ``os.replace``). A file that
does not parse or validate is moved aside to ``state.toml.corrupt-<timestamp>`` and reported;
it is never overwritten. :class:`~papershelf.store.writer.StateWriter` saves from a background
thread, so a change reaches the disk within milliseconds without the UI waiting on the disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import tomli_w

from papershelf.store.files import aside_path, file_digest, write_atomic
from papershelf.text import clean_line, strip_controls

STATE_VERSION = 1
_HEADER = (
    '# papershelf reading state: one [papers."<key>"] table per paper with\n'
    "# starred / read (true or false), tags (a list of strings) and note (text). Safe to edit by hand\n"
    "# while papershelf is not running.\n"
)


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


class StateFileError(Exception):
    """The state file exists but is not valid; the message says where and why."""


def _validate(data: dict[str, Any], path: Path) -> dict[str, PaperState]:
    def fail(message: str) -> StateFileError:
        return StateFileError(f"{path}: {message}")

    unknown = sorted(set(data) - {"version", "papers"})
    if unknown:
        raise fail(f"unknown top-level key {unknown[0]!r}")
    version = data.get("version", STATE_VERSION)
    if version != STATE_VERSION:
        raise fail(f"unsupported version {version!r} (this papershelf reads {STATE_VERSION})")
    papers = data.get("papers", {})
    if not isinstance(papers, dict):
        raise fail("'papers' must be a table")
    entries: dict[str, PaperState] = {}
    for key, value in papers.items():
        where = f"papers.{key!r}"
        if not isinstance(value, dict):
            raise fail(f"{where} must be a table")
        extra = sorted(set(value) - {"starred", "read", "tags", "note"})
        if extra:
            raise fail(f"{where}: unknown key {extra[0]!r}")
        for flag in ("starred", "read"):
            if not isinstance(value.get(flag, False), bool):
                raise fail(f"{where}.{flag} must be true or false")
        tags = value.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise fail(f"{where}.tags must be a list of strings")
        note = value.get("note", "")
        if not isinstance(note, str):
            raise fail(f"{where}.note must be a string")
        entries[key] = PaperState(
            starred=value.get("starred", False),
            read=value.get("read", False),
            tags=parse_tags(",".join(tags)),
            note=clean_note(note),
        )
    return entries


@dataclass(frozen=True, slots=True)
class LoadResult:
    state: ReadingState
    warning: str | None = None
    writable: bool = True


class StateStore:
    """The state file at ``path``: load with recovery, save atomically.

    ``cache_path``, when given, holds a JSON copy of the entries with the fingerprint of the TOML
    text it came from: TOML parsing is pure Python (~0.6 s for 50,000 read marks), JSON is not
    (~40 ms). ``state.toml`` stays the truth: a cache that does not match it is ignored.
    """

    def __init__(self, path: Path, cache_path: Path | None = None) -> None:
        self.path = path
        self.cache_path = cache_path
        self._saved: tuple[str, Mapping[str, PaperState]] | None = None
        # key -> (state, its TOML fragment): only changed entries are re-serialised on save.
        self._fragments: dict[str, tuple[PaperState, str]] = {}
        self._lock = threading.Lock()

    def load(self) -> LoadResult:
        """Read the state. A corrupt file is moved aside and an empty state returned, with a warning."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return LoadResult(ReadingState())
        except OSError as error:
            return LoadResult(
                ReadingState(),
                f"Cannot read {self.path} ({error.strerror or error}); "
                "changes will not be saved this session.",
                writable=False,
            )
        fingerprint = file_digest(raw)
        cached = self._read_cache(fingerprint)
        if cached is not None:
            return LoadResult(ReadingState(cached))
        try:
            data = tomllib.loads(raw.decode("utf-8"))
            entries = _validate(data, self.path)
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, StateFileError) as error:
            aside = aside_path(self.path)
            try:
                os.replace(self.path, aside)
            except OSError as move_error:
                return LoadResult(
                    ReadingState(),
                    f"State file {self.path} is invalid ({error}) and could not be moved aside "
                    f"({move_error.strerror}); changes will not be saved this session.",
                    writable=False,
                )
            return LoadResult(
                ReadingState(),
                f"State file was invalid ({error}); it was moved to {aside} and papershelf "
                "started with empty reading state.",
            )
        self._write_cache(fingerprint, entries)
        return LoadResult(ReadingState(entries))

    def _read_cache(self, fingerprint: str) -> dict[str, PaperState] | None:
        if self.cache_path is None:
            return None
        try:
            data = json.loads(self.cache_path.read_bytes())
            if data.get("fingerprint") != fingerprint:
                return None
            return {
                key: PaperState(bool(starred), bool(read), tuple(tags), str(note))
                for key, (starred, read, tags, note) in data["entries"].items()
            }
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None  # no cache, or not one we wrote: parse the TOML

    def _write_cache(self, fingerprint: str, entries: Mapping[str, PaperState]) -> None:
        if self.cache_path is None:
            return
        data = {
            "fingerprint": fingerprint,
            "entries": {key: [e.starred, e.read, list(e.tags), e.note] for key, e in entries.items()},
        }
        with contextlib.suppress(OSError):  # only a speed-up
            write_atomic(self.cache_path, json.dumps(data, ensure_ascii=False), durable=False)

    def write_cache(self) -> None:
        """Cache what was saved last (done when the reader closes, off the keystroke path)."""
        with self._lock:
            if self._saved is not None:
                self._write_cache(*self._saved)

    def render(self, entries: Mapping[str, PaperState]) -> str:
        """The TOML text for ``entries`` (sorted by key for stable diffs)."""
        cache = self._fragments
        parts = [_HEADER, tomli_w.dumps({"version": STATE_VERSION})]
        fresh: dict[str, tuple[PaperState, str]] = {}
        for key in sorted(entries):
            value = entries[key]
            cached = cache.get(key)
            if cached is None or cached[0] != value:
                cached = (
                    value,
                    "\n" + tomli_w.dumps({"papers": {key: value.to_toml()}}, multiline_strings=True),
                )
            fresh[key] = cached
            parts.append(cached[1])
        self._fragments = fresh
        return "".join(parts)

    def warm(self, entries: Mapping[str, PaperState]) -> None:
        """Fill the fragment cache for ``entries`` without writing anything."""
        with self._lock:
            self.render(entries)

    def save(self, entries: Mapping[str, PaperState]) -> None:
        """Write ``entries`` atomically: temp file, flush, fsync, rename, fsync the directory."""
        with self._lock:
            text = self.render(entries)
            write_atomic(self.path, text)
            self._saved = (file_digest(text.encode("utf-8")), entries)
