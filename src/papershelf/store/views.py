"""Saved views: a query, its toggles and its sort under a name, recalled with 1-9.

Kept in ``views.toml`` in the config directory::

    [[view]]
    name = "unread vision"
    query = "vision"
    unread_only = true
    sort = "date"

A file that does not parse is moved aside and reported, like the reading state.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from papershelf.query.search import SORTS, Query
from papershelf.store.files import set_aside, write_atomic
from papershelf.text import clean_line

MAX_VIEWS = 9


@dataclass(frozen=True, slots=True)
class SavedView:
    name: str
    query: Query


def load_views(path: Path) -> tuple[list[SavedView], str | None]:
    """The saved views (none when there is no file) and a warning if the file was bad."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        views = []
        for number, item in enumerate(data.get("view", []), start=1):
            if not isinstance(item, dict):
                raise ValueError(f"view {number} is not a table")
            name = item.get("name")
            text = item.get("query", "")
            flags = (item.get("starred_only", False), item.get("unread_only", False))
            sort = item.get("sort", "loaded")
            if not isinstance(name, str) or not clean_line(name):
                raise ValueError(f"view {number}: 'name' must be a non-empty string")
            if not isinstance(text, str) or not all(isinstance(f, bool) for f in flags):
                raise ValueError(f"view {number}: 'query' must be a string, the toggles true/false")
            if sort not in SORTS:
                raise ValueError(f"view {number}: unknown sort {sort!r}")
            views.append(SavedView(clean_line(name), Query(text, flags[0], flags[1], sort)))
        return views[:MAX_VIEWS], None
    except FileNotFoundError:
        return [], None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as error:
        return [], set_aside(path, "Saved views file", error)


def save_views(path: Path, views: list[SavedView]) -> None:
    data = {
        "view": [
            {
                "name": view.name,
                "query": view.query.text,
                "starred_only": view.query.starred_only,
                "unread_only": view.query.unread_only,
                "sort": view.query.sort,
            }
            for view in views
        ]
    }
    write_atomic(path, tomli_w.dumps(data))


def with_view(views: list[SavedView], view: SavedView) -> tuple[list[SavedView], int]:
    """``views`` with ``view`` saved: replacing one of the same name, else added (at most 9).

    Returns the new list and the view's number (1-9). When all nine are taken, the oldest goes.
    """
    names = [v.name.casefold() for v in views]
    if view.name.casefold() in names:
        at = names.index(view.name.casefold())
        updated = [*views[:at], view, *views[at + 1 :]]
        return updated, at + 1
    updated = [*views, view][-MAX_VIEWS:]
    return updated, len(updated)
