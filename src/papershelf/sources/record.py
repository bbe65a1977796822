"""The one place a source turns the values it read into a :class:`Paper`.

Every source module calls :func:`build_paper`: text fields are cleaned here (control characters
and escape sequences removed, whitespace collapsed, hard-wrapped text re-flowed), dates are
checked (day, month or year precision), counts are bounded to what the library can store, the
arXiv id and the announce type are checked, and links to code and project pages that are not
http(s) are dropped. A source only decides which of its fields goes where.
"""

from __future__ import annotations

from collections.abc import Iterable

from papershelf.model import ANNOUNCE_TYPES, Paper, is_web_url, iso_date, normalise_arxiv_id
from papershelf.text import clean_line, clean_text

# SQLite stores integers as signed 64-bit: a larger count ("upvotes": 10**23) cannot be kept.
MAX_COUNT = 2**63 - 1


class NoTitle(ValueError):
    """The record has no title left once cleaned: it cannot become a paper."""


def count(value: object) -> int | None:
    """A whole number 0 ≤ n ≤ :data:`MAX_COUNT`, else None (booleans and floats are not counts)."""
    if type(value) is int and 0 <= value <= MAX_COUNT:
        return value
    return None


def _line(value: str | None) -> str | None:
    return (clean_line(value) or None) if value else None


def _names(values: Iterable[str]) -> tuple[str, ...]:
    names = [v for v in values if v]
    joined = "\n".join(names)
    # Printable text has no whitespace but spaces, so a name starts or ends with whitespace
    # only where a space touches a line break (or an end) of the joined names.
    if (
        joined.replace("\n", "").isprintable()
        and "  " not in joined
        and " \n" not in joined
        and "\n " not in joined
        and not joined.startswith(" ")
        and not joined.endswith(" ")
    ):
        return tuple(names)  # the common case: nothing to clean (this runs for millions of authors)
    return tuple(n for n in (clean_line(v) for v in names) if n)


def _link(value: str | None) -> str | None:
    url = _line(value)
    return url if url and is_web_url(url) else None


def build_paper(
    *,
    title: str,
    source: str,
    abstract: str = "",
    authors: Iterable[str] = (),
    author_count: object = None,
    organization: str | None = None,
    published: str | None = None,
    updated: str | None = None,
    upvotes: object = 0,
    arxiv_id: str | None = None,
    url: str | None = None,
    categories: Iterable[str] = (),
    github: str | None = None,
    comments: object = None,
    note: str | None = None,
    doi: str | None = None,
    venue: str | None = None,
    announce: str | None = None,
    version: object = None,
    ai_summary: str | None = None,
    ai_keywords: Iterable[str] = (),
    project_page: str | None = None,
    github_stars: object = None,
    key: str = "",
) -> Paper:
    """A :class:`Paper` from raw values; raises :class:`NoTitle` when no title remains."""
    clean_title = clean_line(title)
    if not clean_title:
        raise NoTitle("no title")
    return Paper(
        title=clean_title,
        abstract=clean_text(abstract) if abstract else "",
        authors=_names(authors),
        author_count=count(author_count),
        organization=_line(organization),
        published=iso_date(published),
        updated=iso_date(updated),
        upvotes=count(upvotes) or 0,
        arxiv_id=normalise_arxiv_id(arxiv_id) if arxiv_id else None,
        url=_line(url),
        source=clean_line(source),
        categories=_names(categories),
        github=_link(github),
        comments=count(comments),
        note=_line(note),
        doi=_line(doi),
        venue=_line(venue),
        announce=announce if announce in ANNOUNCE_TYPES else None,
        version=count(version),
        ai_summary=(clean_text(ai_summary) or None) if ai_summary else None,
        ai_keywords=_names(ai_keywords),
        project_page=_link(project_page),
        github_stars=count(github_stars),
        key=clean_line(key),
    )
