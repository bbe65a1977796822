"""Reading state (starred, read, tags, note) keyed by paper key, stored as TOML.

The file is hand-editable::

    version = 1

    [papers."arxiv:2409.04095"]
    starred = true
    read = true
    tags = ["vision", "ocr"]
    note = "Read section 3 again."

**Every save merges.** Several readers may share the file (two terminals, or a config directory
synced between machines). The store remembers which fields of which papers this process changed
since its last save; a save takes the lock file beside ``state.toml``, re-reads the file when it
changed since this process last read or wrote it, applies only its own changes on top, writes
atomically (temp file, fsync, ``os.replace``) and releases the lock. So the change saved last wins,
field by field. A file that does not parse or validate is moved aside to
``state.toml.corrupt-<timestamp>`` and reported; it is never overwritten. A failed save keeps the
changes pending (they are tried again) and never touches the old file.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from papershelf.store.files import Signature, aside_path, file_digest, file_lock, signature_of, write_atomic
from papershelf.store.paper_state import FIELDS, PaperState, ReadingState, clean_note, parse_tags
from papershelf.store.state_text import (
    STATE_VERSION,
    StateFileError,
    fragment,
    parse_changed,
    parse_full,
    parse_known,
    read_cache,
    render,
    write_cache,
)

__all__ = [
    "FIELDS",
    "STATE_VERSION",
    "LoadResult",
    "PaperState",
    "ReadingState",
    "StateFileError",
    "StateStore",
    "clean_note",
    "parse_tags",
]


@dataclass(frozen=True, slots=True)
class LoadResult:
    state: ReadingState
    warning: str | None = None
    writable: bool = True


class StateStore:
    """The state file at ``path``: load with recovery, merged saves, and following outside changes.

    Thread-safe: the UI thread records changes (:meth:`record`), a writer thread saves them
    (:meth:`save_pending`), a poller re-reads the file (:meth:`refresh`).

    ``cache_path``, when given, holds a JSON copy of the entries with the fingerprint of the TOML
    text it came from: TOML parsing is pure Python (~1.5 s for 100,000 read marks), JSON is not.
    ``state.toml`` stays the truth: a cache that does not match it is ignored.
    """

    def __init__(self, path: Path, cache_path: Path | None = None) -> None:
        self.path = path
        self.cache_path = cache_path
        self.lock_path = path.with_name(path.name + ".lock")
        self._entries: dict[str, PaperState] = {}  # the file as this process last read or wrote it
        self._texts: dict[str, str] = {}  # key -> its table as written, for entries unchanged since
        self._text: str | None = None  # the whole file as last read or written
        self._signature: Signature | None = None
        self._digest: str | None = None
        self._pending: dict[str, dict[str, Any]] = {}  # own changes not saved yet: key -> fields
        self._inflight: dict[str, dict[str, Any]] = {}  # own changes being saved right now
        self._outside: set[str] = set()  # keys another writer changed, not yet taken by the reader
        self._problems: list[str] = []
        self._reported: set[str] = set()
        self._mutex = threading.Lock()  # the fields above; held briefly, never during I/O
        self._io = threading.RLock()  # one save or re-read at a time in this process

    # -- loading -------------------------------------------------------------------------------

    def load(self, *, readonly: bool = False) -> LoadResult:
        """Read the state. A corrupt file is moved aside (left in place when ``readonly``: the
        command line never changes reading state) and an empty state returned, with a warning."""
        try:
            raw, signature = self._read()
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
        entries = read_cache(self.cache_path, fingerprint)
        try:
            text = raw.decode("utf-8")
            if entries is None:
                entries = parse_full(text, self.path)
                write_cache(self.cache_path, fingerprint, entries)
        except (UnicodeDecodeError, ValueError, StateFileError) as error:
            return self._invalid(error, readonly)
        with self._mutex:
            self._entries, self._texts, self._text = entries, {}, text
            self._signature, self._digest = signature, fingerprint
        return LoadResult(ReadingState(entries))

    def _invalid(self, error: Exception, readonly: bool) -> LoadResult:
        if readonly:
            return LoadResult(
                ReadingState(),
                f"State file {self.path} is invalid ({error}); it was not used.",
                writable=False,
            )
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

    def _read(self) -> tuple[bytes, Signature]:
        with self.path.open("rb") as handle:
            signature = signature_of(os.fstat(handle.fileno()))
            return handle.read(), signature

    def write_cache(self) -> None:
        """Cache the file as last read or written (done when the reader closes)."""
        with self._io:  # no save or re-read changes the entries meanwhile
            fingerprint, text = self._digest, self._text
            if fingerprint is None and text is not None:
                fingerprint = file_digest(text.encode("utf-8"))
            if fingerprint is not None:
                write_cache(self.cache_path, fingerprint, self._entries)

    def warm(self) -> None:
        """Serialise every entry once (the writer thread does it at start), so that the first
        save costs what every later one does."""
        with self._io:
            render(self._entries, self._texts)

    # -- own changes -----------------------------------------------------------------------------

    def record(self, key: str, before: PaperState, after: PaperState) -> None:
        """This process changed ``key`` from ``before`` to ``after``: the fields that differ are
        saved (merged over the file) at the next :meth:`save_pending`."""
        fields = before.differing(after)
        if fields:
            with self._mutex:
                self._pending.setdefault(key, {}).update(fields)

    def save(self, entries: Mapping[str, PaperState]) -> None:
        """Make the file hold ``entries``: every difference from it is recorded and saved."""
        base, empty = self.current() if self.unsaved else self._entries, PaperState()
        for key in base.keys() - entries.keys():
            self.record(key, base[key], empty)
        for key, value in entries.items():
            if base.get(key) != value:
                self.record(key, base.get(key, empty), value)
        self.save_pending()

    @property
    def unsaved(self) -> int:
        """How many papers have changes of this process that are not on disk yet."""
        with self._mutex:
            return len(self._pending.keys() | self._inflight.keys())

    def save_pending(self) -> bool:
        """Merge this process's pending changes into the file; returns whether it wrote.

        On failure (OSError: disk full, read-only, lock timeout) the changes stay pending and the
        old file is untouched; the error is raised.
        """
        with self._io:
            with self._mutex:
                if not self._pending:
                    return False
                batch, self._pending = self._pending, {}
                self._inflight = batch
            before: dict[str, PaperState] = {}
            try:
                with self.locked():
                    self._reread(on_invalid="set aside")
                    with self._mutex:
                        for key, fields in batch.items():
                            old = before.setdefault(key, self._entries.get(key, PaperState()))
                            self._put(key, old.with_fields(fields))
                    text = render(self._entries, self._texts)
                    write_atomic(self.path, text)
                    signature = signature_of(self.path.stat())
            except BaseException:
                with self._mutex:
                    for key, old in before.items():
                        self._put(key, old)
                    for key, fields in batch.items():
                        self._pending[key] = {**fields, **self._pending.get(key, {})}
                    self._inflight = {}
                raise
            with self._mutex:
                self._text, self._inflight = text, {}
                self._signature, self._digest = signature, None  # computed when needed
            return True

    def _put(self, key: str, value: PaperState) -> None:
        """Set the file's entry for ``key`` and its table (held: ``_io`` and ``_mutex``)."""
        if value.is_empty:
            self._entries.pop(key, None)
            self._texts.pop(key, None)
        else:
            self._entries[key] = value
            self._texts[key] = fragment(key, value)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the lock file beside ``state.toml`` (every save does; re-entrant)."""
        with self._io, file_lock(self.lock_path):
            yield

    # -- other writers -------------------------------------------------------------------------

    def refresh(self) -> bool:
        """Re-read the file when it changed on disk; returns whether it did. A file that does not
        parse is left alone here (it may be half-written by an editor) and reported once. A file
        that cannot be looked at just now (its directory removed or replaced by a file, no
        permission) is looked at again next time; a save says why it fails."""
        with self._io:
            try:
                return self._reread(on_invalid="report")
            except OSError:
                return False

    def _reread(self, on_invalid: str) -> bool:
        try:
            signature: Signature | None = signature_of(self.path.stat())
        except FileNotFoundError:
            signature = None
        if signature is None or signature == self._signature:
            return False  # unchanged, or removed (the next save writes it again)
        raw, signature = self._read()
        try:
            text = raw.decode("utf-8")
            if text == self._text:  # touched, or written back as it was
                self._signature = signature
                return False
            digest = file_digest(raw)
            if digest in self._reported and on_invalid == "report":
                return False
            changed = self._parse(text)
        except (UnicodeDecodeError, ValueError, StateFileError) as error:
            if on_invalid == "set aside":
                aside = aside_path(self.path)
                os.replace(self.path, aside)
                self._problem(f"{self.path} had become invalid ({error}); it was moved to {aside}.")
                self._signature = None
            else:
                self._reported.add(file_digest(raw))
                self._problem(f"{self.path} was changed on disk but is not valid ({error}); not used.")
            return False
        with self._mutex:
            self._text, self._signature, self._digest = text, signature, digest
            self._outside |= changed
        return True

    def _parse(self, text: str) -> set[str]:
        """Take ``text`` as the file; returns the keys whose state it changed. Only the tables that
        changed are parsed when that can be told apart (see state_text)."""
        old = self._entries
        if self._text is not None:
            quick = parse_changed(self._text, text, old, self.path)
            if quick is not None:
                gone, tables = quick
                changed = {key for key in gone | tables.keys() if old.get(key) != tables.get(key)}
                with self._mutex:
                    for key in gone - tables.keys():
                        self._put(key, PaperState())
                    for key in changed & tables.keys():
                        self._put(key, tables[key])
                return changed
        known = {table: key for key, table in self._texts.items()}
        parsed = parse_known(text, known, old, self.path)
        entries = parse_full(text, self.path) if parsed is None else parsed[0]
        changed = {key for key in entries.keys() | old.keys() if old.get(key) != entries.get(key)}
        texts = {
            key: self._texts.get(key) or fragment(key, value) if key not in changed else fragment(key, value)
            for key, value in entries.items()
        }
        with self._mutex:
            self._entries, self._texts = entries, texts
        return changed

    def _problem(self, message: str) -> None:
        with self._mutex:
            self._problems.append(message)

    def take_problems(self) -> list[str]:
        """What went wrong with the file since the last call (each said once)."""
        with self._mutex:
            problems, self._problems = self._problems, []
        return problems

    def take_outside(self) -> set[str]:
        """The keys other writers changed since the last call."""
        with self._mutex:
            keys, self._outside = self._outside, set()
        return keys

    def current(self, keys: Iterable[str] | None = None) -> dict[str, PaperState]:
        """What the reader should show for ``keys`` (all when None): the file as last read,
        with this process's unsaved changes on top."""
        with self._mutex:
            base = self._entries
            own = {**self._inflight}
            for key, fields in self._pending.items():
                own[key] = {**own.get(key, {}), **fields}
            wanted = base.keys() | own.keys() if keys is None else set(keys)
            out = {}
            for key in wanted:
                value = base.get(key, PaperState())
                mine = own.get(key)
                out[key] = value.with_fields(mine) if mine else value
            return out

    def rescue(self, path: Path) -> None:
        """Write the whole reading state as this process sees it (the file plus its unsaved
        changes) to ``path``, in the format of ``state.toml``."""
        with self._io:
            entries = {key: value for key, value in self.current().items() if not value.is_empty}
            with self._mutex:
                own = self._pending.keys() | self._inflight.keys()
                texts = {key: text for key, text in self._texts.items() if key not in own}
            write_atomic(path, render(entries, texts))
