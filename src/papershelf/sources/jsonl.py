"""papershelf's own format: JSON Lines, one paper object per line (a JSON array also reads).

Fields (all but ``title`` optional): ``title`` (str), ``abstract`` (str), ``authors`` (list of
str), ``author_count`` (int), ``organization`` (str), ``published`` (``YYYY-MM-DD``),
``upvotes`` (int), ``arxiv_id`` (str), ``url`` (str), ``source`` (str), ``github`` (str),
``comments`` (int), ``note`` (str), ``doi`` (str), ``venue`` (str), ``announce`` (str),
``version`` (int), ``ai_summary`` (str), ``ai_keywords`` (list of str), ``project_page`` (str),
``github_stars`` (int), ``categories`` (list of str), ``updated`` (``YYYY-MM-DD``) and ``key``
(str; written for scripts, recomputed on reading). Dates may be ``YYYY-MM`` or ``YYYY`` when
only that is known.

Lines are what JSON Lines calls lines: text between ``\n`` (a ``\r`` before it is dropped);
U+2028 and other Unicode line breaks are characters inside a line (:func:`json_lines`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from papershelf.model import ANNOUNCE_TYPES, Paper, iso_date, normalise_arxiv_id
from papershelf.sources.errors import SourceError
from papershelf.sources.record import MAX_COUNT, build_paper
from papershelf.text import clean_line

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
    "venue",
    "announce",
    "ai_summary",
    "project_page",
)
_INT_FIELDS = ("author_count", "upvotes", "comments", "version", "github_stars")
_LIST_FIELDS = ("authors", "categories", "ai_keywords")
# "reading": the reading state an export adds ({"starred", "read", "tags", "note"}); a paper
# list ignores it.
KNOWN_FIELDS = frozenset(("title", "key", "reading", *_LIST_FIELDS, *_STR_FIELDS, *_INT_FIELDS))


def json_lines(text: str) -> list[str]:
    """The lines of a JSON Lines text: split on ``\n`` only (``str.splitlines`` would also split
    on U+2028, U+0085 and others, which JSON allows inside strings)."""
    return [line.removesuffix("\r") for line in text.split("\n")]


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
        if value is not None and (type(value) is not int or not 0 <= value <= MAX_COUNT):
            raise fail(f"{name!r} must be a whole number from 0 to {MAX_COUNT}")
    lists = {}
    for name in _LIST_FIELDS:
        value = obj.get(name) or []
        if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
            raise fail(f"{name!r} must be a list of strings")
        lists[name] = value
    for name in ("published", "updated"):
        if obj.get(name) and iso_date(obj[name]) is None:
            raise fail(f"{name!r} must be a date YYYY-MM-DD (or YYYY-MM, YYYY), got {obj[name]!r}")
    if obj.get("announce") and obj["announce"] not in ANNOUNCE_TYPES:
        raise fail(f"'announce' must be one of {', '.join(ANNOUNCE_TYPES)}")
    arxiv_id = None
    if obj.get("arxiv_id"):
        arxiv_id = normalise_arxiv_id(obj["arxiv_id"])
        if arxiv_id is None:
            raise fail(f"'arxiv_id' is not an arXiv id: {obj['arxiv_id']!r}")
    return build_paper(
        title=title,
        abstract=obj.get("abstract") or "",
        authors=lists["authors"],
        author_count=obj.get("author_count"),
        organization=obj.get("organization"),
        published=obj.get("published") or None,
        updated=obj.get("updated") or None,
        categories=lists["categories"],
        upvotes=obj.get("upvotes") or 0,
        arxiv_id=arxiv_id,
        url=obj.get("url"),
        source=clean_line(obj.get("source") or "") or "jsonl",
        github=obj.get("github"),
        comments=obj.get("comments"),
        note=obj.get("note"),
        doi=obj.get("doi"),
        venue=obj.get("venue"),
        announce=obj.get("announce") or None,
        version=obj.get("version"),
        ai_summary=obj.get("ai_summary"),
        ai_keywords=lists["ai_keywords"],
        project_page=obj.get("project_page"),
        github_stars=obj.get("github_stars"),
    )


def load_json(text: str, source: str) -> Any:
    """A whole JSON text; raises :class:`SourceError` (with the line) when it is not JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceError(source, f"invalid JSON: {error.msg}", error.lineno) from None
    except RecursionError:
        raise SourceError(source, "invalid JSON: nested too deeply") from None


def parse_jsonl(text: str, source: str = "<text>") -> list[Paper]:
    """Papers of a JSON Lines text (or a JSON array). Blank lines are skipped."""
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith("["):
        papers = papers_of_array(load_json(text, source), source)
    else:
        papers = []
        for number, line in enumerate(json_lines(text), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as error:
                raise SourceError(source, f"invalid JSON: {error.msg}", number) from None
            except RecursionError:
                raise SourceError(source, "invalid JSON: nested too deeply", number) from None
            papers.append(paper_from_dict(obj, source, number))
    if not papers:
        raise SourceError(source, "no papers found (the file is empty)")
    return papers


def papers_of_array(items: object, source: str) -> list[Paper]:
    """The papers of a decoded JSON array of papershelf paper objects."""
    if not isinstance(items, list):
        raise SourceError(source, "expected a JSON array of papers")
    return [paper_from_dict(item, source) for item in items]


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
        "venue",
        "announce",
        "version",
        "ai_summary",
        "project_page",
        "github_stars",
    ):
        value = getattr(paper, name)
        if value is not None:
            obj[name] = value
    if paper.categories:
        obj["categories"] = list(paper.categories)
    if paper.ai_keywords:
        obj["ai_keywords"] = list(paper.ai_keywords)
    obj["upvotes"] = paper.upvotes
    if paper.source:
        obj["source"] = paper.source
    return obj


def dump_jsonl(papers: Iterable[Paper]) -> str:
    """JSON Lines text for ``papers``; :func:`parse_jsonl` reads it back to equal papers."""
    return "".join(json.dumps(paper_to_dict(p), ensure_ascii=False) + "\n" for p in papers)
