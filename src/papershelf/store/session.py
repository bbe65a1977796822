"""The reader's session: the last query, sort and highlighted paper, restored at the next start.

Kept in ``session.toml`` in the config directory, written when the reader closes. A file that
does not parse is moved aside (``session.toml.corrupt-<timestamp>``) and reported, like the
reading state.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from papershelf.query.search import SORTS, Query
from papershelf.store.files import set_aside, write_atomic


@dataclass(frozen=True, slots=True)
class Session:
    query: Query = field(default_factory=Query)
    paper: str | None = None  # key of the highlighted paper
    theme: str | None = None  # chosen in the command palette
    config_theme: str | None = None  # config.toml's theme when it was chosen (a new one wins)


def load_session(path: Path) -> tuple[Session, str | None]:
    """The saved session (an empty one when there is none) and a warning if the file was bad."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        query = Query(
            text=_typed(data, "query", str, ""),
            starred_only=_typed(data, "starred_only", bool, False),
            unread_only=_typed(data, "unread_only", bool, False),
            sort=_typed(data, "sort", str, "loaded"),
        )
        if query.sort not in SORTS:
            raise ValueError(f"unknown sort {query.sort!r}")
        paper, theme, config_theme = (data.get(name) for name in ("paper", "theme", "config_theme"))
        for name, value in (("paper", paper), ("theme", theme), ("config_theme", config_theme)):
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{name!r} must be a string")
        return Session(query, paper, theme, config_theme), None
    except FileNotFoundError:
        return Session(), None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as error:
        return Session(), set_aside(path, "Session file", error) + " Starting fresh."


def _typed(data: dict[str, object], name: str, kind: type, default: object):  # type: ignore[no-untyped-def]
    value = data.get(name, default)
    if not isinstance(value, kind):
        raise ValueError(f"{name!r} must be a {kind.__name__}")
    return value


def save_session(path: Path, session: Session) -> None:
    data: dict[str, object] = {
        "query": session.query.text,
        "starred_only": session.query.starred_only,
        "unread_only": session.query.unread_only,
        "sort": session.query.sort,
    }
    for name in ("paper", "theme", "config_theme"):
        value = getattr(session, name)
        if value:
            data[name] = value
    write_atomic(path, tomli_w.dumps(data))
