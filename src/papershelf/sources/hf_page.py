"""The Hugging Face Daily Papers page, as a browser renders it to text (select all, copy, paste).

The page reads as paragraphs separated by blank lines: some page chrome ("new", "Subscribe",
"Daily Papers", the byline, the page date), then for each paper a title paragraph, an abstract
paragraph and, for most papers, a meta paragraph::

      • 7 authors          (or an organisation line such as "MiniMaxAI MiniMax")
    ·
    Sep 6, 2024 1          (the date, then the upvote count when there is one)

A paragraph with hard line breaks is joined into one line, so a hard-wrapped paste reads too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from papershelf.model import Paper
from papershelf.sources.errors import SourceError
from papershelf.sources.record import build_paper
from papershelf.text import clean_line

_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_DATE_LINE = re.compile(rf"^(?P<date>(?:{_MONTHS}) \d{{1,2}}, \d{{4}})(?:\s+(?P<upvotes>\d{{1,18}}))?$")
_PAGE_DATE = re.compile(rf"^(?:{_MONTHS}) \d{{1,2}}(?:, \d{{4}})?$")
_AUTHORS_LINE = re.compile(r"^(?:[•·*\-]\s*)?(?P<count>\d{1,9})\s+authors?$")
_SEPARATOR = {"·", "•", "-"}
_CHROME = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^new$",
        r"^subscribe$",
        r"^daily papers$",
        r"^get trending papers in your email inbox!?$",
        r"^by\s*\S.* and the research community$",
        r"^(daily|weekly|monthly|previous|next)$",
    )
]
# Chrome is only looked for among the first paragraphs of the page.
_CHROME_WINDOW = 12


@dataclass(slots=True)
class _Paragraph:
    line: int  # 1-based line number of the paragraph's first line
    lines: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _paragraphs(text: str) -> list[_Paragraph]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    paragraphs: list[_Paragraph] = []
    current: _Paragraph | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = clean_line(raw)
        if not line:
            current = None
            continue
        if current is None:
            current = _Paragraph(number, [])
            paragraphs.append(current)
        current.lines.append(line)
    return paragraphs


def _is_chrome(paragraph: _Paragraph) -> bool:
    return len(paragraph.lines) == 1 and any(p.match(paragraph.lines[0]) for p in _CHROME)


def _skip_chrome(paragraphs: list[_Paragraph]) -> list[_Paragraph]:
    """Drop the page chrome: everything up to the page date, or leading chrome paragraphs."""
    window = paragraphs[:_CHROME_WINDOW]
    for i, paragraph in enumerate(window):
        is_page_date = len(paragraph.lines) == 1 and _PAGE_DATE.match(paragraph.lines[0])
        if is_page_date and all(_is_chrome(p) for p in window[:i]):
            return paragraphs[i + 1 :]
    start = 0
    while start < len(paragraphs) and _is_chrome(paragraphs[start]):
        start += 1
    return paragraphs[start:]


@dataclass(slots=True)
class _Meta:
    author_count: int | None = None
    organization: str | None = None
    published: str | None = None
    upvotes: int = 0


def _parse_meta(paragraph: _Paragraph) -> _Meta | None:
    """The author/date block, or ``None`` when ``paragraph`` is not one."""
    lines = paragraph.lines
    if not lines:
        return None
    meta = _Meta()
    first = lines[0]
    counted = _AUTHORS_LINE.match(first)
    rest: list[str]
    if counted:
        meta.author_count = int(counted["count"])
        rest = lines[1:]
    elif len(lines) >= 2 and lines[1] in _SEPARATOR:
        meta.organization = first
        rest = lines[1:]
    else:
        return None
    rest = [line for line in rest if line not in _SEPARATOR]
    if rest:
        dated = _DATE_LINE.match(rest[0])
        if not dated or len(rest) > 1:
            return None
        meta.published = _page_date(dated["date"])
        meta.upvotes = int(dated["upvotes"] or 0)
    elif meta.organization is not None:
        return None  # "Org" + "·" with no date is not a shape the page has
    return meta


def _page_date(text: str) -> str | None:
    """``Sep 6, 2024`` -> ``2024-09-06``; None for a day the calendar does not have (``Feb 30``)."""
    try:
        return datetime.strptime(text, "%b %d, %Y").date().isoformat()
    except ValueError:
        return None


def looks_like_hf_page(text: str) -> bool:
    """Whether ``text`` has the shape of the pasted page (used by format detection)."""
    paragraphs = _paragraphs(text[:200_000])
    return any(_parse_meta(p) is not None for p in paragraphs) or any(
        _is_chrome(p) or (len(p.lines) == 1 and _PAGE_DATE.match(p.lines[0]))
        for p in paragraphs[:_CHROME_WINDOW]
    )


def parse_hf_page(text: str, source: str = "<text>") -> list[Paper]:
    """Papers of a pasted Daily Papers page, in page order.

    Raises :class:`SourceError` naming ``source`` and the line when the text has no papers or
    a paragraph is out of place (an author/date block with no paper before it, a title with no
    abstract).
    """
    paragraphs = _skip_chrome(_paragraphs(text))
    if not paragraphs:
        raise SourceError(source, "no papers found (the file is empty or holds only page chrome)")
    papers: list[Paper] = []
    i = 0
    while i < len(paragraphs):
        title = paragraphs[i]
        if _parse_meta(title) is not None:
            raise SourceError(source, "an author/date block with no paper before it", title.line)
        if i + 1 >= len(paragraphs):
            raise SourceError(source, f"title {title.text[:60]!r} has no abstract", title.line)
        abstract = paragraphs[i + 1]
        if _parse_meta(abstract) is not None:
            raise SourceError(source, f"title {title.text[:60]!r} has no abstract", title.line)
        meta = _parse_meta(paragraphs[i + 2]) if i + 2 < len(paragraphs) else None
        i += 3 if meta is not None else 2
        meta = meta or _Meta()
        papers.append(
            build_paper(
                title=title.text,
                abstract=abstract.text,
                author_count=meta.author_count,
                organization=meta.organization,
                published=meta.published,
                upvotes=meta.upvotes,
                source="hf-page",
            )
        )
    return papers
