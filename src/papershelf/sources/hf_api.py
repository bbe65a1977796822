"""The Hugging Face papers API: ``/api/daily_papers`` and ``/api/papers/search`` (JSON).

Each item is ``{"paper": {...}, "numComments", "submittedBy", ...}`` (search results have the
same shape; a bare paper object is accepted too). The shape has changed before, so parsing is
defensive: an item missing a required field (``id``, ``title``) is skipped and counted, never a
crash; optional fields may be missing or of the wrong type and are then ignored. Summaries have
hard line breaks (re-flowed here); hidden authors are left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from papershelf.model import Paper, normalise_arxiv_id
from papershelf.sources.errors import SourceError
from papershelf.text import clean_line, clean_text


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


def _url(value: Any) -> str | None:
    url = clean_line(_text(value))
    return url if url.startswith(("https://", "http://")) else None


def paper_from_item(item: Any) -> Paper:
    """One API item -> :class:`Paper`; ``ValueError`` says why an item cannot be used."""
    if not isinstance(item, dict):
        raise ValueError(f"item is a {type(item).__name__}, not an object")
    paper = item.get("paper", item)
    if not isinstance(paper, dict):
        raise ValueError("'paper' is not an object")
    paper_id = _text(paper.get("id")).strip()
    title = clean_line(_text(paper.get("title")) or _text(item.get("title")))
    if not paper_id or not title:
        raise ValueError("missing 'id' or 'title'")
    authors = []
    for author in paper.get("authors") or []:
        if isinstance(author, dict) and not author.get("hidden") and isinstance(author.get("name"), str):
            name = clean_line(author["name"])
            if name:
                authors.append(name)
    organization = paper.get("organization")
    org_name = None
    if isinstance(organization, dict):
        org_name = clean_line(_text(organization.get("fullname")) or _text(organization.get("name"))) or None
    published = _text(paper.get("publishedAt") or item.get("publishedAt"))[:10] or None
    upvotes = paper.get("upvotes")
    arxiv_id = normalise_arxiv_id(paper_id)
    comments = item.get("numComments")
    return Paper(
        title=title,
        abstract=clean_text(_text(paper.get("summary")) or _text(item.get("summary"))),
        authors=tuple(authors),
        organization=org_name,
        published=published if published and len(published) == 10 else None,
        upvotes=upvotes if isinstance(upvotes, int) and not isinstance(upvotes, bool) and upvotes >= 0 else 0,
        arxiv_id=arxiv_id,
        url=f"https://huggingface.co/papers/{paper_id}",
        github=_url(paper.get("githubRepo")),
        comments=comments if isinstance(comments, int) and not isinstance(comments, bool) else None,
        source="hf-api",
        key="" if arxiv_id else f"hf:{paper_id}",
    )


def parse_hf_api(data: bytes | str, source: str = "<response>") -> Parsed:
    """Papers of a daily_papers or search response. A body that is not a JSON list is an error."""
    try:
        items = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SourceError(source, f"malformed JSON response: {error}") from None
    if isinstance(items, dict) and isinstance(items.get("papers"), list):
        items = items["papers"]
    if not isinstance(items, list):
        raise SourceError(source, f"expected a JSON list of papers, got {type(items).__name__}")
    parsed = Parsed()
    for number, item in enumerate(items):
        try:
            parsed.papers.append(paper_from_item(item))
        except ValueError as error:
            parsed.skip(f"item {number}: {error}")
    return parsed
