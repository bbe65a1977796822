"""A paper as a row of the library's ``papers`` table, and back; its content digest."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from papershelf.model import Paper

COLUMNS = (
    "key, arxiv_id, title, abstract, authors, author_count, organization, published, updated, "
    "upvotes, url, source, categories, github, comments, note, doi, "
    "venue, announce, version, ai_summary, ai_keywords, project_page, github_stars"
)
_ROW_COLUMNS = [c.strip() for c in COLUMNS.split(",")]  # the order of paper_to_row()
# (id, *paper_to_row(), digest, title_key) and (*paper_to_row()[1:], digest, title_key, id):
INSERT = (
    f"INSERT INTO papers (id, {', '.join(_ROW_COLUMNS)}, digest, title_key) "
    f"VALUES ({', '.join('?' * (len(_ROW_COLUMNS) + 3))})"
)
UPDATE = (
    f"UPDATE papers SET {', '.join(f'{c} = ?' for c in _ROW_COLUMNS[1:])}, digest = ?, title_key = ? "
    "WHERE id = ?"
)


def digest(paper: Paper) -> bytes:
    """A fingerprint of a paper's content: re-importing an unchanged record changes nothing."""
    parts: tuple[str, ...] = (
        paper.title,
        paper.abstract,
        "\x1f".join(paper.authors),
        str(paper.author_count),
        paper.organization or "",
        paper.published or "",
        paper.updated or "",
        str(paper.upvotes),
        paper.arxiv_id or "",
        paper.url or "",
        " ".join(paper.categories),
        paper.github or "",
        str(paper.comments),
        paper.note or "",
        paper.doi or "",
    )
    extras = (
        paper.venue or "",
        paper.announce or "",
        str(paper.version or ""),
        paper.ai_summary or "",
        "\x1f".join(paper.ai_keywords),
        paper.project_page or "",
        str(paper.github_stars or ""),
    )
    if any(extras):  # papers without the newer fields keep the digest they always had
        parts = (*parts, *extras)
    return hashlib.blake2b("\x1e".join(parts).encode(), digest_size=16).digest()


def paper_to_row(paper: Paper) -> tuple[object, ...]:
    return (
        paper.key,
        paper.arxiv_id,
        paper.title,
        paper.abstract,
        json.dumps(list(paper.authors), ensure_ascii=False),
        paper.author_count,
        paper.organization,
        paper.published,
        paper.updated,
        paper.upvotes,
        paper.url,
        paper.source,
        " ".join(paper.categories),
        paper.github,
        paper.comments,
        paper.note,
        paper.doi,
        paper.venue,
        paper.announce,
        paper.version,
        paper.ai_summary,
        json.dumps(list(paper.ai_keywords), ensure_ascii=False) if paper.ai_keywords else "[]",
        paper.project_page,
        paper.github_stars,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def row_to_paper(row: Sequence[object]) -> Paper:
    (key, arxiv_id, title, abstract, authors, author_count, organization, published, updated,
     upvotes, url, source, categories, github, comments, note, doi,
     venue, announce, version, ai_summary, ai_keywords, project_page, github_stars) = row  # fmt: skip
    return Paper(
        title=str(title),
        abstract=str(abstract),
        authors=tuple(json.loads(str(authors))),
        author_count=author_count if isinstance(author_count, int) else None,
        organization=organization if isinstance(organization, str) else None,
        published=published if isinstance(published, str) else None,
        updated=updated if isinstance(updated, str) else None,
        upvotes=int(upvotes) if isinstance(upvotes, int) else 0,
        arxiv_id=arxiv_id if isinstance(arxiv_id, str) else None,
        url=url if isinstance(url, str) else None,
        source=str(source),
        categories=tuple(str(categories).split()),
        github=github if isinstance(github, str) else None,
        comments=comments if isinstance(comments, int) else None,
        note=note if isinstance(note, str) else None,
        doi=doi if isinstance(doi, str) else None,
        venue=_text(venue),
        announce=_text(announce),
        version=_int(version),
        ai_summary=_text(ai_summary),
        ai_keywords=tuple(json.loads(str(ai_keywords or "[]"))),
        project_page=_text(project_page),
        github_stars=_int(github_stars),
        key=str(key),
    )
