"""Digests of saved views: the papers that entered each view since the last digest (or since a
date), as plain text or Markdown (:mod:`papershelf.output.atom` writes the Atom feed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from papershelf.latex import to_unicode
from papershelf.model import Paper, date_number, is_web_url

FORMATS = ("text", "markdown", "atom")


@dataclass(frozen=True, slots=True)
class ViewDigest:
    """One view's part of a digest."""

    name: str
    query: str
    new: tuple[Paper, ...]  # the papers that entered the view, in the view's order
    matching: int  # how many papers the view matches now
    since: str | None  # what "new" is measured from: the last digest's time or the --since date


def entered(current: Sequence[str], seen: Iterable[str]) -> list[int]:
    """Positions in ``current`` (keys matching now) of the keys not in ``seen``."""
    before = set(seen)
    return [i for i, key in enumerate(current) if key not in before]


def published_since(papers: Sequence[Paper], since: str) -> list[int]:
    """Positions of the papers published on or after ``since`` (YYYY-MM-DD)."""
    limit = date_number(since) or 0
    return [i for i, p in enumerate(papers) if (date_number(p.published) or 0) >= limit]


def _since(digest: ViewDigest) -> str:
    return f"since {digest.since}" if digest.since else "first digest"


def _count(n: int) -> str:
    return f"{n} new paper{'s' if n != 1 else ''}"


def render_text(digests: Sequence[ViewDigest]) -> str:
    out: list[str] = []
    for digest in digests:
        out.append(
            f"{digest.name}: {_count(len(digest.new))} ({_since(digest)}; {digest.matching} in the view)\n"
        )
        for paper in digest.new:
            facts = " · ".join(f for f in (paper.byline, paper.published or "") if f)
            out.append(f"  - {to_unicode(paper.title)}\n")
            if facts:
                out.append(f"    {facts}\n")
            if is_web_url(paper.page_url):
                out.append(f"    {paper.page_url}\n")
        out.append("\n")
    return "".join(out)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def render_markdown(digests: Sequence[ViewDigest]) -> str:
    out = ["# papershelf digest\n"]
    for digest in digests:
        out.append(f"\n## {_md(digest.name)}\n\n{_count(len(digest.new))} ({_md(_since(digest))}).\n")
        if digest.new:
            out.append("\n")
        for paper in digest.new:
            title = _md(to_unicode(paper.title))
            link = paper.page_url if is_web_url(paper.page_url) else None
            out.append(f"- [{title}](<{link}>)" if link else f"- {title}")
            facts = " · ".join(_md(f) for f in (paper.byline, paper.published or "") if f)
            out.append(f" — {facts}\n" if facts else "\n")
    return "".join(out)
