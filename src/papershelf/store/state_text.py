"""The text of ``state.toml``: validating it, writing one table per paper, and reading it back
fast when most of its tables are ones this process wrote itself.

A save re-reads the file whenever another reader (or a sync tool, or a hand edit) changed it.
TOML parsing is pure Python (~1.5 s for 100,000 read marks), so :func:`parse_known` splits the
text at its ``[papers."<key>"]`` headers and looks each table up among the tables this process
last wrote: only the tables that differ are parsed. Anything unusual (a table split inside a
multi-line string, a key twice, an inline ``papers`` table) gives None, and the caller parses the
whole file with :mod:`tomllib`, which is always the judge.
"""

from __future__ import annotations

import contextlib
import json
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from papershelf.store.files import write_atomic
from papershelf.store.paper_state import PaperState, clean_note, parse_tags

STATE_VERSION = 1
HEADER = (
    '# papershelf reading state: one [papers."<key>"] table per paper with\n'
    "# starred / read (true or false), tags (a list of strings) and note (text). Safe to edit by hand,\n"
    "# also while papershelf runs: a running reader picks the edit up and merges its own changes.\n"
)
PRELUDE = HEADER + tomli_w.dumps({"version": STATE_VERSION})
_TABLE = re.compile(r"^\[papers\.", re.MULTILINE)


class StateFileError(Exception):
    """The state file exists but is not valid; the message says where and why."""


def validate(data: dict[str, Any], path: Path) -> dict[str, PaperState]:
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


def parse_full(text: str, path: Path) -> dict[str, PaperState]:
    """Every entry of the file (raises tomllib.TOMLDecodeError or StateFileError)."""
    return validate(tomllib.loads(text), path)


def fragment(key: str, value: PaperState) -> str:
    """One paper's table as written in the file (a blank line before it).

    The common table (a plain key, only flags) is formatted here, ~20x faster than tomli_w, which
    writes everything else (tags, notes, keys that need escapes)."""
    if value.tags or value.note or not _PLAIN_KEY.fullmatch(key):
        return "\n" + tomli_w.dumps({"papers": {key: value.to_toml()}}, multiline_strings=True)
    return f'\n[papers."{key}"]\n' + _FLAGS[value.starred, value.read]


_PLAIN_KEY = re.compile(r'[^"\\\x00-\x1f\x7f]*')
_FLAGS = {
    (False, False): "",
    (True, False): "starred = true\n",
    (False, True): "read = true\n",
    (True, True): "starred = true\nread = true\n",
}


def render(entries: Mapping[str, PaperState], texts: dict[str, str]) -> str:
    """The file for ``entries``; ``texts`` (key -> table text, kept in the order written: new
    papers at the end) is used and filled."""
    if len(texts) != len(entries):
        made = {key: texts.get(key) or fragment(key, value) for key, value in entries.items()}
        texts.clear()
        texts.update(made)
    return PRELUDE + "".join(texts.values())


def parse_known(
    text: str, known: Mapping[str, str], entries: Mapping[str, PaperState], path: Path
) -> tuple[dict[str, PaperState], dict[str, str]] | None:
    """Parse ``text`` table by table: a table whose text is ``known`` (text -> key, for tables of
    ``entries`` this process wrote) is not parsed again. Returns the entries and the texts of the
    tables recognised, or None when the file must be parsed as a whole."""
    starts = [match.start() for match in _TABLE.finditer(text)]
    if not starts or starts[0] == 0:
        return None
    try:
        head = tomllib.loads(text[: starts[0] - 1])
    except tomllib.TOMLDecodeError:
        return None
    if set(head) - {"version"} or head.get("version", STATE_VERSION) != STATE_VERSION:
        return None
    found: dict[str, PaperState] = {}
    texts: dict[str, str] = {}
    ends = [*starts[1:], len(text) + 1]
    for start, end in zip(starts, ends, strict=True):
        chunk = text[start - 1 : end - 1]
        key = known.get(chunk)
        if key is not None and key in entries:
            if key in found:
                return None
            found[key] = entries[key]
            texts[key] = chunk
            continue
        try:
            table = validate(tomllib.loads(chunk), path)
        except (tomllib.TOMLDecodeError, StateFileError):
            return None
        if len(table) != 1:
            return None
        ((key, value),) = table.items()
        if key in found:
            return None
        found[key] = value
    return found, texts


def read_cache(path: Path | None, fingerprint: str) -> dict[str, PaperState] | None:
    """The entries of the JSON copy at ``path`` when it was made from the file ``fingerprint``."""
    if path is None:
        return None
    try:
        data = json.loads(path.read_bytes())
        if data.get("fingerprint") != fingerprint:
            return None
        return {
            key: PaperState(bool(starred), bool(read), tuple(tags), str(note))
            for key, (starred, read, tags, note) in data["entries"].items()
        }
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None  # no cache, or not one we wrote: parse the TOML


def write_cache(path: Path | None, fingerprint: str, entries: Mapping[str, PaperState]) -> None:
    if path is None:
        return
    data = {
        "fingerprint": fingerprint,
        "entries": {key: [e.starred, e.read, list(e.tags), e.note] for key, e in entries.items()},
    }
    with contextlib.suppress(OSError):  # only a speed-up
        write_atomic(path, json.dumps(data, ensure_ascii=False), durable=False)


def _common_prefix(a: str, b: str, block: int = 1 << 16) -> int:
    """Length of the common start of ``a`` and ``b`` (block compares in C, then halving)."""
    limit = min(len(a), len(b))
    at = 0
    while at < limit and a[at : at + block] == b[at : at + block]:
        at += block
    low, high = at, min(at + block, limit)
    while low < high:  # a[:low] == b[:low]; the first difference is before high
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


_HEAD = "\n[papers."


def _tables(region: str, path: Path) -> dict[str, PaperState] | None:
    """The tables of ``region`` (whole tables, each after a blank line), or None if it is not that."""
    found: dict[str, PaperState] = {}
    starts = [m.start() - 1 for m in _TABLE.finditer(region)]
    if region and (not starts or starts[0] != 0):
        return None
    for start, end in zip(starts, [*starts[1:], len(region)], strict=True):
        try:
            table = validate(tomllib.loads(region[start:end]), path)
        except (tomllib.TOMLDecodeError, StateFileError):
            return None
        if len(table) != 1 or table.keys() & found.keys():
            return None
        found.update(table)
    return found


def _common_suffix(a: str, b: str, limit: int, block: int = 1 << 16) -> int:
    """Length of the common end of ``a`` and ``b``, at most ``limit``."""
    at = 0
    while (
        at < limit
        and a[len(a) - min(at + block, limit) : len(a) - at]
        == b[len(b) - min(at + block, limit) : len(b) - at]
    ):
        at = min(at + block, limit)
    low, high = at, min(at + block, limit)
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle : len(a) - low] == b[len(b) - middle : len(b) - low]:
            low = middle
        else:
            high = middle - 1
    return low


def parse_changed(
    old: str, new: str, entries: Mapping[str, PaperState], path: Path
) -> tuple[set[str], dict[str, PaperState]] | None:
    """How ``new`` differs from ``old`` (whose entries are ``entries``) when it differs in a run
    of whole tables: only those are parsed. Returns the keys of the old run and the entries of
    the new one, or None when that does not apply (then parse otherwise)."""
    if old.count(_HEAD) != len(entries):
        return None  # a note holding a table header, or a duplicate: boundaries cannot be trusted
    same_start = _common_prefix(old, new)
    same_end = _common_suffix(old, new, min(len(old), len(new)) - same_start)
    start = old.rfind(_HEAD, 0, same_start)
    if start < 0:
        return None
    ends = [text.find(_HEAD, len(text) - same_end) for text in (old, new)]
    old_end, new_end = (end if end >= 0 else len(text) for end, text in zip(ends, (old, new), strict=True))
    if len(old) - old_end != len(new) - new_end:
        return None
    before = _tables(old[start:old_end], path)
    after = _tables(new[start:new_end], path)
    if before is None or after is None or (after.keys() - before.keys()) & entries.keys():
        return None
    return set(before), after
