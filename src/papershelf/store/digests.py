"""What each saved view matched at the last digest (``digests.json`` in the data directory).

``{"views": {"<view name>": {"at": "<ISO time>", "keys": ["arxiv:2401.00001", ...]}}}``. A
file that does not parse is moved aside and reported; the digest then starts afresh.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from papershelf.store.files import set_aside, write_atomic


@dataclass(frozen=True, slots=True)
class Seen:
    at: str  # when the digest ran (ISO 8601, UTC)
    keys: frozenset[str]


def load_seen(path: Path) -> tuple[dict[str, Seen], str | None]:
    """What each view matched last time (by view name), and a warning if the file was bad."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        views = data["views"]
        if not isinstance(views, dict):
            raise ValueError("'views' is not an object")
        seen = {}
        for name, item in views.items():
            keys, at = item.get("keys"), item.get("at")
            if (
                not isinstance(keys, list)
                or not all(isinstance(k, str) for k in keys)
                or not isinstance(at, str)
            ):
                raise ValueError(f"view {name!r}: 'keys' must be a list of strings, 'at' a string")
            seen[name] = Seen(at, frozenset(keys))
        return seen, None
    except FileNotFoundError:
        return {}, None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:
        return {}, set_aside(path, "Digest memory file", error)


def save_seen(path: Path, seen: dict[str, Seen]) -> None:
    data = {"views": {name: {"at": s.at, "keys": sorted(s.keys)} for name, s in seen.items()}}
    write_atomic(path, json.dumps(data, ensure_ascii=False) + "\n")
