"""The arXiv metadata snapshot (the public Kaggle/arXiv dump): one JSON object per line.

Each record has ``id``, ``title``, ``abstract``, ``authors`` (one string), ``authors_parsed``
(``[last, first, suffix]`` lists), ``categories`` (space-separated), ``versions`` (``created``
dates), ``update_date``, ``doi``, ``journal-ref`` (kept as the venue), ``comments`` (the
authors' comment, kept as the note) and more. Title and abstract are hard-wrapped; they are
re-flowed here.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from papershelf.model import Paper, normalise_arxiv_id
from papershelf.sources.errors import SourceError
from papershelf.sources.record import NoTitle, build_paper
from papershelf.text import clean_line

_AUTHOR_SPLIT = re.compile(r",\s*|\s+and\s+")
REQUIRED = ("id", "title", "abstract")
MARKERS = ("versions", "update_date", "authors_parsed", "categories", "submitter")


def looks_like_arxiv_record(obj: Any) -> bool:
    """Whether a decoded JSON object has the snapshot's shape (not papershelf's own)."""
    return isinstance(obj, dict) and "id" in obj and "abstract" in obj and any(m in obj for m in MARKERS)


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}


def _date(value: Any) -> str | None:
    """``2008-11-13`` or ``Mon, 2 Apr 2007 19:18:42 GMT`` -> ISO date; None if neither."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    try:
        if "," in value:  # RFC 2822, as in "versions"; parsed by hand (strptime is slow)
            _, day, month, year = value.split()[:4]
            if len(year) != 4 or len(day) > 2:
                return None
            return date(int(year), _MONTHS[month], int(day)).isoformat()
        return date.fromisoformat(value).isoformat()
    except (ValueError, KeyError, OverflowError):
        return None


def _authors(obj: dict[str, Any]) -> tuple[str, ...]:
    parsed = obj.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for entry in parsed:  # [last, first, suffix]; this loop runs for every author of millions
            if type(entry) is not list or not entry:
                continue
            if len(entry) == 3:  # the snapshot's shape: three strings
                last, first, suffix = entry
                if type(last) is str and type(first) is str and type(suffix) is str:
                    names.append(" ".join(filter(None, (first, last, suffix))))
                    continue
            parts = [p for p in (entry[1:2] + entry[:1] + entry[2:3]) if type(p) is str and p]
            names.append(" ".join(parts))
        if any(names):
            return tuple(names)  # cleaned by build_paper
    authors = obj.get("authors")
    if isinstance(authors, str):
        return tuple(_AUTHOR_SPLIT.split(clean_line(authors)))
    return ()


def _optional(obj: dict[str, Any], name: str) -> str | None:
    value = obj.get(name)
    return value if isinstance(value, str) else None


def paper_from_arxiv_record(obj: Any, source: str, line: int | None = None) -> Paper:
    """One snapshot record -> :class:`Paper`, or :class:`SourceError` naming the line."""
    if not isinstance(obj, dict):
        raise SourceError(source, f"expected a JSON object, got {type(obj).__name__}", line)
    for name in REQUIRED:
        if not isinstance(obj.get(name), str) or not obj[name].strip():
            raise SourceError(source, f"{name!r} must be a non-empty string", line)
    arxiv_id = normalise_arxiv_id(obj["id"])
    if arxiv_id is None:
        raise SourceError(source, f"'id' is not an arXiv id: {obj['id']!r}", line)
    versions = obj.get("versions")
    created = None
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        created = _date(versions[0].get("created"))
    updated = _date(obj.get("update_date"))
    categories = obj.get("categories")
    try:
        return _build(obj, arxiv_id, created, updated, categories)
    except NoTitle:
        raise SourceError(source, "'title' has no text", line) from None


def _build(
    obj: dict[str, Any], arxiv_id: str, created: str | None, updated: str | None, categories: Any
) -> Paper:
    return build_paper(
        title=obj["title"],
        abstract=obj["abstract"],
        authors=_authors(obj),
        published=created or updated,
        updated=updated or created,
        arxiv_id=arxiv_id,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        source="arxiv-snapshot",
        categories=categories.split() if isinstance(categories, str) else (),
        note=_optional(obj, "comments"),
        doi=_optional(obj, "doi"),
        venue=_optional(obj, "journal-ref"),
    )
