"""``config.toml``: the user's settings, validated strictly.

Read with :mod:`tomllib`; every key is checked (unknown keys, wrong types, unknown values), and
a file that fails is reported with the key and the problem — the reader then starts with the
defaults, the command-line tools stop with exit status 2. The file is the user's: papershelf
never rewrites or moves it (``papershelf config init`` writes a commented default only when
there is none).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papershelf.query.search import SORTS, is_sort
from papershelf.query.tree import Node, Or, Phrase, Word
from papershelf.text import clean_line, words

MARK_READ = {
    "open": "a paper becomes read when its abstract is opened with enter (or with r)",
    "highlight": "a paper becomes read once the detail pane has shown it for a moment",
    "manual": "only r marks a paper read",
}
# The theme the reader starts in when config.toml names none.
DEFAULT_THEME = "textual-dark"
SOURCE_KEYS = ("hf_url", "arxiv_url", "rss_url", "arxiv_pdf_url", "s2_url", "s2_api_key", "timeout")

DEFAULT_CONFIG = """\
# papershelf configuration. Every key is optional; delete a line to get its default.
# An invalid file is reported (naming the key) and the defaults are used instead.

# A Textual theme (the command palette, ctrl+p, lists them: "Change theme"). A theme chosen
# in the palette is remembered and wins until this line changes.
# theme = "textual-dark"

# Order of the list at start when no session is restored: loaded, date, upvotes, title, unread.
# default_sort = "loaded"

# When a paper counts as read: "open" (enter opens its abstract, or r), "highlight" (the detail
# pane has shown it for a second), "manual" (only r).
# mark_read = "open"

# Where E (export) proposes to write. "~" is your home directory.
# export_dir = "~"

# Where downloaded PDFs are kept (d in the reader, papershelf download). Default: "papers" in
# the user data directory.
# pdf_dir = "~/papers"

# Keys by binding id (? in the reader lists every id with its key). Several keys: "j,down".
[keys]
# "paper.star" = "f"
# "list.down" = "j,down,ctrl+n"

# Papers by these authors or with these words/phrases are marked in the list and found by
# is:watched.
[watch]
authors = []
keywords = []

# Where the live sources are fetched from, and the network timeout in seconds. The
# PAPERSHELF_HF_URL / _ARXIV_URL / _RSS_URL / _TIMEOUT environment variables override these.
[sources]
# hf_url = "https://huggingface.co"
# arxiv_url = "http://export.arxiv.org"
# rss_url = "https://rss.arxiv.org"
# timeout = 20
# Semantic Scholar (papershelf fetch citations); a key raises the rate limit. S2_API_KEY in the
# environment overrides it.
# s2_url = "https://api.semanticscholar.org"
# s2_api_key = ""
"""


class ConfigError(ValueError):
    """The config file is invalid; the message names the file, the key and the problem."""


@dataclass(frozen=True, slots=True)
class Config:
    theme: str | None = None
    default_sort: str = "loaded"
    mark_read: str = "open"
    export_dir: Path | None = None
    pdf_dir: Path | None = None
    keys: Mapping[str, str] = field(default_factory=dict)
    watch_authors: tuple[str, ...] = ()
    watch_keywords: tuple[str, ...] = ()
    sources: Mapping[str, str | float] = field(default_factory=dict)

    @property
    def watch(self) -> Node | None:
        """``is:watched`` as a tree: any watched author, or any watched word/phrase."""
        terms: list[Node] = []
        for name, field_name in [(a, "author") for a in self.watch_authors] + [
            (k, "any") for k in self.watch_keywords
        ]:
            found = tuple(words(name))
            if len(found) == 1:
                terms.append(Word(found[0], field_name))
            elif found:
                terms.append(Phrase(found, field_name))
        return Or(tuple(terms)) if terms else None

    def export_directory(self) -> Path:
        return self.export_dir or Path.home()


def load_config(
    path: Path,
    *,
    themes: Collection[str] | None = None,
    binding_ids: Collection[str] | None = None,
) -> Config:
    """The config at ``path`` (defaults when there is no file); raises :class:`ConfigError`.

    ``themes`` and ``binding_ids``, when given, are the names ``theme`` and ``[keys]`` may use.
    """
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read ({getattr(error, 'strerror', None) or error})") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    return parse_config(data, path, themes=themes, binding_ids=binding_ids)


def parse_config(
    data: Mapping[str, Any],
    path: Path,
    *,
    themes: Collection[str] | None = None,
    binding_ids: Collection[str] | None = None,
) -> Config:
    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{path}: {key}: {problem}")

    def string(table: Mapping[str, Any], key: str, where: str) -> str | None:
        value = table.get(key)
        if value is not None and not isinstance(value, str):
            raise fail(where, f"must be a string, not {_kind(value)}")
        return value

    def table(key: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise fail(key, f"must be a table ([{key}]), not {_kind(value)}")
        return value

    known = {"theme", "default_sort", "mark_read", "export_dir", "pdf_dir", "keys", "watch", "sources"}
    for key in data:
        if key not in known:
            raise fail(key, f"unknown key (known: {', '.join(sorted(known))})")

    theme = string(data, "theme", "theme")
    if theme is not None and themes is not None and theme not in themes:
        raise fail("theme", f"unknown theme {theme!r} (known: {', '.join(sorted(themes))})")
    default_sort = string(data, "default_sort", "default_sort") or "loaded"
    if not is_sort(default_sort):
        raise fail("default_sort", f"unknown sort {default_sort!r} (known: {', '.join(SORTS)}, foryou:TAG)")
    mark_read = string(data, "mark_read", "mark_read") or "open"
    if mark_read not in MARK_READ:
        raise fail("mark_read", f"unknown policy {mark_read!r} (known: {', '.join(MARK_READ)})")
    export_text = string(data, "export_dir", "export_dir")
    export_dir = Path(os.path.expanduser(export_text)) if export_text else None
    pdf_text = string(data, "pdf_dir", "pdf_dir")
    pdf_dir = Path(os.path.expanduser(pdf_text)) if pdf_text else None

    keys: dict[str, str] = {}
    for binding_id, value in table("keys").items():
        where = f"keys.{binding_id}"
        if binding_ids is not None and binding_id not in binding_ids:
            raise fail(where, "unknown binding id (? in the reader lists them)")
        if not isinstance(value, str) or not value.strip(" ,"):
            raise fail(where, 'must be a non-empty string of keys, e.g. "j,down"')
        keys[binding_id] = ",".join(part.strip() for part in value.split(",") if part.strip())

    watch = table("watch")
    lists: dict[str, tuple[str, ...]] = {}
    for key in watch:
        if key not in ("authors", "keywords"):
            raise fail(f"watch.{key}", "unknown key (known: authors, keywords)")
    for key in ("authors", "keywords"):
        value = watch.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(f"watch.{key}", "must be a list of strings")
        lists[key] = tuple(clean_line(v) for v in value if words(v))

    sources = _sources(table("sources"), fail)

    return Config(
        theme=theme,
        default_sort=default_sort,
        mark_read=mark_read,
        export_dir=export_dir,
        pdf_dir=pdf_dir,
        keys=keys,
        watch_authors=lists["authors"],
        watch_keywords=lists["keywords"],
        sources=sources,
    )


def _sources(table: Mapping[str, Any], fail: Callable[[str, str], ConfigError]) -> dict[str, str | float]:
    """``[sources]``: URLs, the timeout and the Semantic Scholar key, checked."""
    sources: dict[str, str | float] = {}
    for key, value in table.items():
        where = f"sources.{key}"
        if key not in SOURCE_KEYS:
            raise fail(where, f"unknown key (known: {', '.join(SOURCE_KEYS)})")
        if key == "timeout":
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise fail(where, "must be a positive number of seconds")
            sources[key] = float(value)
        elif key == "s2_api_key":
            if not isinstance(value, str):
                raise fail(where, "must be a string")
            if value.strip():
                sources[key] = value.strip()
        else:
            if not isinstance(value, str) or not value.startswith(("http://", "https://")):
                raise fail(where, "must be an http:// or https:// URL")
            sources[key] = value.rstrip("/")
    return sources


def _kind(value: object) -> str:
    names = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__)
