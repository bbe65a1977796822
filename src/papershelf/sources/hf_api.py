"""The Hugging Face papers API: ``/api/daily_papers`` and ``/api/papers/search`` (JSON).

Each item is ``{"paper": {...}, "numComments", "submittedBy", ...}`` (search results have the
same shape; a bare paper object is accepted too). The shape has changed before, so parsing is
defensive: an item missing a required field (``id``, ``title``) is skipped and counted, never a
crash; optional fields may be missing or of the wrong type and are then ignored. Summaries and
(in 2024 answers) titles have hard line breaks (re-flowed here); hidden authors are left out.
Answers since 2025 add ``organization``, ``ai_summary`` (kept apart from the abstract),
``ai_keywords``, ``githubStars`` and ``projectPage``; the 2024 shape has no top-level
``summary`` (the abstract is ``paper.summary``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from papershelf.model import Paper, normalise_arxiv_id
from papershelf.sources.errors import SourceError
from papershelf.sources.record import build_paper


@dataclass
class Parsed:
    """Papers read from a response, and how many items were skipped (with why, for the first few)."""

    papers: list[Paper] = field(default_factory=list)
    skipped: int = 0
    reasons: list[str] = field(default_factory=list)

    def skip(self, reason: str) -> None:
        self.skipped += 1
        if len(self.reasons) < 10:
            self.reasons.append(reason)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _organization(*places: Any) -> str | None:
    for organization in places:
        if isinstance(organization, dict):
            name = _text(organization.get("fullname")) or _text(organization.get("name"))
            if name.strip():
                return name
    return None


def looks_like_hf_item(item: Any) -> bool:
    """Whether ``item`` (the first of a JSON array) is a papers API item, ``{"paper": {…}, …}``
    (a papershelf paper object has no ``paper`` field)."""
    return isinstance(item, dict) and isinstance(item.get("paper"), dict)


def paper_from_item(item: Any) -> Paper:
    """One API item -> :class:`Paper`; ``ValueError`` says why an item cannot be used."""
    if not isinstance(item, dict):
        raise ValueError(f"item is a {type(item).__name__}, not an object")
    paper = item.get("paper", item)
    if not isinstance(paper, dict):
        raise ValueError("'paper' is not an object")
    paper_id = _text(paper.get("id")).strip()
    title = _text(paper.get("title")) or _text(item.get("title"))
    if not paper_id or not title.strip():
        raise ValueError("missing 'id' or 'title'")
    authors = paper.get("authors")
    names = [
        a["name"]
        for a in (authors if isinstance(authors, list) else [])
        if isinstance(a, dict) and not a.get("hidden") and isinstance(a.get("name"), str)
    ]
    published = _text(paper.get("publishedAt") or item.get("publishedAt"))[:10] or None
    arxiv_id = normalise_arxiv_id(paper_id)
    return build_paper(  # raises NoTitle (a ValueError) when the title is only control characters
        title=title,
        abstract=_text(paper.get("summary")) or _text(item.get("summary")),
        authors=names,
        organization=_organization(paper.get("organization"), item.get("organization")),
        published=published,
        upvotes=paper.get("upvotes"),
        arxiv_id=arxiv_id,
        url=f"https://huggingface.co/papers/{paper_id}",
        github=_text(paper.get("githubRepo")) or None,
        comments=item.get("numComments"),
        source="hf-api",
        ai_summary=_text(paper.get("ai_summary")) or None,
        ai_keywords=_strings(paper.get("ai_keywords")),
        project_page=_text(paper.get("projectPage")) or None,
        github_stars=paper.get("githubStars"),
        key="" if arxiv_id else f"hf:{paper_id}",
    )


def parse_hf_api(data: bytes | str, source: str = "<response>") -> Parsed:
    """Papers of a daily_papers or search response. A body that is not a JSON list is an error."""
    try:
        items = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SourceError(source, f"malformed JSON response: {error}") from None
    except RecursionError:
        raise SourceError(source, "malformed JSON response: nested too deeply") from None
    if isinstance(items, dict) and isinstance(items.get("papers"), list):
        items = items["papers"]
    if not isinstance(items, list):
        raise SourceError(source, f"expected a JSON list of papers, got {type(items).__name__}")
    parsed = Parsed()
    for number, read in papers_of_items(items):
        if isinstance(read, Paper):
            parsed.papers.append(read)
        else:
            parsed.skip(f"item {number}: {read}")
    return parsed


def papers_of_items(items: list[Any]) -> Iterator[tuple[int, Paper | ValueError]]:
    """Each item of a papers API answer (numbered from 0) as a paper, or why it cannot be one."""
    for number, item in enumerate(items):
        try:
            yield number, paper_from_item(item)
        except ValueError as error:
            yield number, error
