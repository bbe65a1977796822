"""papershelf's own format: JSON Lines, one paper object per line (a JSON array also reads).

Fields (all but ``title`` optional): ``title`` (str), ``abstract`` (str), ``authors`` (list of
str), ``author_count`` (int), ``organization`` (str), ``published`` (``YYYY-MM-DD``),
``upvotes`` (int), ``arxiv_id`` (str), ``url`` (str), ``source`` (str), ``github`` (str),
``comments`` (int), ``note`` (str), ``doi`` (str), ``categories`` (list of
str), ``updated`` (``YYYY-MM-DD``) and ``key`` (str; written for scripts, recomputed on reading).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from papershelf.model import Paper, normalise_arxiv_id
from papershelf.sources.errors import SourceError
from papershelf.text import clean_line, clean_text

_STR_FIELDS = (
    "abstract",
    "organization",
    "published",
    "updated",
    "arxiv_id",
    "url",
    "source",
    "github",
    "note",
    "doi",
)
_INT_FIELDS = ("author_count", "upvotes", "comments")
# "reading": the reading state an export adds ({"starred", "read", "tags", "note"}); a paper
# list ignores it.
KNOWN_FIELDS = frozenset(("title", "authors", "categories", "key", "reading", *_STR_FIELDS, *_INT_FIELDS))


def paper_from_dict(obj: Any, source: str, line: int | None = None) -> Paper:
    """Validate one JSON object and build a :class:`Paper` (text cleaned of control characters)."""

    def fail(message: str) -> SourceError:
        return SourceError(source, message, line)

    if not isinstance(obj, dict):
        raise fail(f"expected a JSON object, got {type(obj).__name__}")
    unknown = sorted(set(obj) - KNOWN_FIELDS)
    if unknown:
        raise fail(f"unknown field {unknown[0]!r}")
    if not isinstance(obj.get("reading", {}), dict):
        raise fail("'reading' must be an object")
    title = obj.get("title")
    if not isinstance(title, str) or not clean_line(title):
        raise fail("'title' must be a non-empty string")
    for name in _STR_FIELDS:
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise fail(f"{name!r} must be a string")
    for name in _INT_FIELDS:
        value = obj.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise fail(f"{name!r} must be a whole number >= 0")
    lists = {}
    for name in ("authors", "categories"):
        value = obj.get(name) or []
        if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
            raise fail(f"{name!r} must be a list of strings")
        lists[name] = tuple(item for item in (clean_line(a) for a in value) if item)
    for name in ("published", "updated"):
        if obj.get(name):
            try:
                date.fromisoformat(obj[name])
            except ValueError:
                raise fail(f"{name!r} must be a date YYYY-MM-DD, got {obj[name]!r}") from None
    arxiv_id = None
    if obj.get("arxiv_id"):
        arxiv_id = normalise_arxiv_id(obj["arxiv_id"])
        if arxiv_id is None:
            raise fail(f"'arxiv_id' is not an arXiv id: {obj['arxiv_id']!r}")
    organization = clean_line(obj.get("organization") or "") or None
    return Paper(
        title=clean_line(title),
        abstract=clean_text(obj.get("abstract") or ""),
        authors=lists["authors"],
        author_count=obj.get("author_count"),
        organization=organization,
        published=obj.get("published") or None,
        updated=obj.get("updated") or None,
        categories=lists["categories"],
        upvotes=obj.get("upvotes") or 0,
        arxiv_id=arxiv_id,
        url=clean_line(obj.get("url") or "") or None,
        source=clean_line(obj.get("source") or "") or "jsonl",
        github=clean_line(obj.get("github") or "") or None,
        comments=obj.get("comments"),
        note=clean_line(obj.get("note") or "") or None,
        doi=clean_line(obj.get("doi") or "") or None,
    )


def parse_jsonl(text: str, source: str = "<text>") -> list[Paper]:
    """Papers of a JSON Lines text (or a JSON array). Blank lines are skipped."""
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as error:
            raise SourceError(source, f"invalid JSON: {error.msg}", error.lineno) from None
        if not isinstance(items, list):
            raise SourceError(source, "expected a JSON array of papers")
        papers = [paper_from_dict(item, source) for item in items]
    else:
        papers = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as error:
                raise SourceError(source, f"invalid JSON: {error.msg}", number) from None
            papers.append(paper_from_dict(obj, source, number))
    if not papers:
        raise SourceError(source, "no papers found (the file is empty)")
    return papers


def paper_to_dict(paper: Paper) -> dict[str, Any]:
    """The JSON object for ``paper``; empty optional fields are left out."""
    obj: dict[str, Any] = {"key": paper.key, "title": paper.title}
    if paper.arxiv_id:
        obj["arxiv_id"] = paper.arxiv_id
    if paper.abstract:
        obj["abstract"] = paper.abstract
    if paper.authors:
        obj["authors"] = list(paper.authors)
    for name in (
        "author_count",
        "organization",
        "published",
        "updated",
        "url",
        "github",
        "comments",
        "note",
        "doi",
    ):
        value = getattr(paper, name)
        if value is not None:
            obj[name] = value
    if paper.categories:
        obj["categories"] = list(paper.categories)
    obj["upvotes"] = paper.upvotes
    if paper.source:
        obj["source"] = paper.source
    return obj


def dump_jsonl(papers: Iterable[Paper]) -> str:
    """JSON Lines text for ``papers``; :func:`parse_jsonl` reads it back to equal papers."""
    return "".join(json.dumps(paper_to_dict(p), ensure_ascii=False) + "\n" for p in papers)
