"""The paper record and its stable key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TypeGuard
from urllib.parse import quote_plus, urlsplit

from papershelf.text import is_clean_line, is_clean_text, safe_line, safe_text, words

# Bounds on what one record may hold (the longest real values are far below): an abstract of
# 50 MB would otherwise be stored, indexed and drawn whole. Longer values are cut with a note.
MAX_ABSTRACT = 100_000  # characters; arXiv caps abstracts at 1,920
MAX_LINE = 2_000  # a title, a name, a URL, a note
MAX_AUTHORS = 10_000  # the largest collaborations sign with ~5,000 names
MAX_CATEGORIES = 100
_LINE_FIELDS = (
    "organization",
    "published",
    "updated",
    "arxiv_id",
    "url",
    "github",
    "note",
    "doi",
    "venue",
    "announce",
    "project_page",
)

# New-style (2401.12345, optionally with a version) and old-style (hep-th/9901001) arXiv ids.
_ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")


def normalise_arxiv_id(value: str) -> str | None:
    """``"2409.04095v2"`` -> ``"2409.04095"``; ``None`` when ``value`` is not an arXiv id."""
    value = value.strip()
    if not _ARXIV_ID.match(value):
        return None
    return re.sub(r"v\d+$", "", value)


_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def iso_date(value: object) -> str | None:
    """``value`` if it is a real ISO date at day, month or year precision (``2024-09-06``,
    ``2024-09``, ``2024``), else None. Never raises: this is the check every source uses."""
    if not isinstance(value, str):
        return None
    if len(value) == 10 and value.isascii():  # the common case, checked in C
        try:
            return value if date.fromisoformat(value).isoformat() == value else None
        except ValueError:
            return None
    match = _PARTIAL_DATE.fullmatch(value)
    if match is None:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    try:
        date(year, month or 1, day or 1)
    except ValueError:  # month 13, day 30 of February, year 0
        return None
    return value


def date_number(published: str | None) -> int | None:
    """``"2024-09-06"`` -> ``20240906`` (what date comparisons use); None for no or a bad date.

    A date known only to the month or year counts as its first day (``"2017"`` -> ``20170101``),
    so ``year:2017`` matches it and sorting by date puts it with its year.
    """
    if not published:
        return None
    digits = published[:10].replace("-", "")
    if len(digits) == 4:
        digits += "0101"
    elif len(digits) == 6:
        digits += "01"
    if len(digits) != 8 or not digits.isdigit():
        return None
    return int(digits)


ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross")
# Query flags answered by the paper itself (``is:new``, ``has:code``), not by the reading state:
# the announce types each matches, or None for "has a code repository".
PAPER_FLAGS: dict[str, tuple[str, ...] | None] = {
    "new": ("new", "cross"),  # first announcements: new here, or cross-listed here
    "replaced": ("replace", "replace-cross"),  # a new version of a paper announced before
    "crosslisted": ("cross", "replace-cross"),  # primary category elsewhere
    "code": None,
}


def paper_flag(paper: Paper, name: str) -> bool:
    """Whether ``paper`` has the flag ``name`` of :data:`PAPER_FLAGS`."""
    announces = PAPER_FLAGS[name]
    if announces is None:
        return paper.github is not None
    return paper.announce in announces


def is_web_url(url: str | None) -> TypeGuard[str]:
    """Whether ``url`` is a plain http(s) address, the only kind papershelf opens."""
    if not url or any(c.isspace() or not c.isprintable() for c in url):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


# ASCII characters neither letters, digits nor whitespace: what title_key drops within a word.
_PUNCTUATION = str.maketrans(
    "", "", "".join(chr(c) for c in range(128) if not chr(c).isalnum() and not chr(c).isspace())
)


def title_key(title: str) -> str:
    """Key derived from a title: case, accents, whitespace and punctuation folded.

    Punctuation is removed rather than treated as a space, so "Pre-training" and
    "Pretraining" give the same key.
    """
    if title.isascii():  # the usual case, several times faster: lowered, punctuation dropped
        return "title:" + " ".join(title.lower().translate(_PUNCTUATION).split())
    folded = ("".join(words(part)) for part in title.split())
    return "title:" + " ".join(part for part in folded if part)


def paper_key(arxiv_id: str | None, title: str) -> str:
    """The stable key of a paper: ``arxiv:<id>`` when the id is known, else the title key."""
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    return title_key(title)


def _safe_lines(values: tuple[str, ...], count: int, *, words: bool = False) -> tuple[str, ...]:
    """Names or categories: each a safe line (a category one word), none empty, at most ``count``."""
    cleaned = (safe_line(value, MAX_LINE) for value in values)
    if words:
        return tuple(word for value in cleaned for word in value.split())[:count]
    return tuple(value for value in cleaned if value)[:count]


def _is_safe_text(text: str) -> bool:
    return len(text) <= MAX_ABSTRACT and is_clean_text(text)


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper, as read from a source. Immutable; reading state lives elsewhere.

    Every text field is made safe here, whatever built the record (a source, the library, a
    test): control characters and terminal escape sequences are removed (see
    :mod:`papershelf.text`) and lengths are bounded. Clean text passes unchanged and cheaply.
    """

    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()
    author_count: int | None = None
    organization: str | None = None
    published: str | None = None  # ISO date: YYYY-MM-DD, or YYYY-MM / YYYY when only that is known
    upvotes: int = 0
    arxiv_id: str | None = None
    url: str | None = None
    source: str = ""
    categories: tuple[str, ...] = ()  # arXiv categories, primary first
    updated: str | None = None  # ISO date of the source's latest version of the record
    github: str | None = None  # code repository (Hugging Face)
    comments: int | None = None  # discussion comments (Hugging Face)
    note: str | None = None  # the authors' comment on arXiv ("19 pages, 15 figures")
    doi: str | None = None
    venue: str | None = None  # journal, proceedings or arXiv's journal reference
    announce: str | None = None  # arXiv listing announce type: new, cross, replace, replace-cross
    version: int | None = None  # the arXiv version a listing announced (3 for v3)
    ai_summary: str | None = None  # Hugging Face's machine-written summary (not the abstract)
    ai_keywords: tuple[str, ...] = ()  # Hugging Face's machine-chosen keywords
    project_page: str | None = None
    github_stars: int | None = None
    key: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        optional = (
            self.organization, self.published, self.updated, self.arxiv_id,
            self.url, self.github, self.note, self.doi, self.venue, self.announce, self.project_page,
        )  # fmt: skip
        lines = (
            self.title, self.source, self.key, *self.authors, *self.categories, *self.ai_keywords,
            *filter(None, optional),
        )  # fmt: skip
        joined = " ".join(lines)
        clean = (
            is_clean_line(joined)
            and (len(joined) <= MAX_LINE or max(map(len, lines)) <= MAX_LINE)
            and len(self.authors) <= MAX_AUTHORS
            and len(self.categories) <= MAX_CATEGORIES
            and " " not in "".join(self.categories)
            and len(self.ai_keywords) <= MAX_CATEGORIES
            and len(self.abstract) <= MAX_ABSTRACT
            and is_clean_text(self.abstract)
            and (
                self.ai_summary is None
                or (len(self.ai_summary) <= MAX_ABSTRACT and is_clean_text(self.ai_summary))
            )
        )
        if not clean:
            self._make_safe(optional)
        if not self.key:
            object.__setattr__(self, "key", paper_key(self.arxiv_id, self.title))

    def _make_safe(self, optional: tuple[str | None, ...]) -> None:
        put = object.__setattr__
        put(self, "title", safe_line(self.title, MAX_LINE))
        put(self, "abstract", safe_text(self.abstract, MAX_ABSTRACT))
        put(self, "source", safe_line(self.source, MAX_LINE))
        put(self, "key", safe_line(self.key, MAX_LINE + 16))  # a title key is "title:" + a title
        for name, value in zip(_LINE_FIELDS, optional, strict=True):
            put(self, name, None if value is None else safe_line(value, MAX_LINE) or None)
        put(self, "authors", _safe_lines(self.authors, MAX_AUTHORS))
        put(self, "categories", _safe_lines(self.categories, MAX_CATEGORIES, words=True))
        put(self, "ai_keywords", _safe_lines(self.ai_keywords, MAX_CATEGORIES))
        if self.ai_summary is not None:
            put(self, "ai_summary", safe_text(self.ai_summary, MAX_ABSTRACT) or None)

    @property
    def byline(self) -> str:
        """Who wrote it, as well as the source says: names, an organisation or a count."""
        if self.authors:
            return ", ".join(self.authors)
        if self.organization:
            return self.organization
        if self.author_count is not None:
            return f"{self.author_count} author{'s' if self.author_count != 1 else ''}"
        return ""

    @property
    def date_precision(self) -> str | None:
        """``"day"``, ``"month"`` or ``"year"``: how much of :attr:`published` is known."""
        if not self.published:
            return None
        return {4: "year", 7: "month"}.get(len(self.published), "day")

    @property
    def announce_label(self) -> str | None:
        """How an arXiv listing announced the paper: "new", "cross-list", "replaced (v3)"."""
        if self.announce is None:
            return None
        if self.announce.startswith("replace"):
            what = "replaced, cross-list" if self.announce == "replace-cross" else "replaced"
            return f"{what} (v{self.version})" if self.version else what
        return "cross-list" if self.announce == "cross" else self.announce

    @property
    def page_url(self) -> str | None:
        """The paper's page: arXiv's abstract page when the id is known, else the Hugging Face
        page or the source's URL."""
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else self.url

    @property
    def web_url(self) -> str | None:
        """:attr:`page_url` when it is an http(s) address: the only link copied or exported."""
        url = self.page_url
        return url if is_web_url(url) else None

    @property
    def search_url(self) -> str:
        """arXiv's search for this title (for papers whose page is not known)."""
        return f"https://arxiv.org/search/?searchtype=title&query={quote_plus(self.title)}"

    @property
    def pdf_url(self) -> str | None:
        return f"https://arxiv.org/pdf/{self.arxiv_id}" if self.arxiv_id else None

    @property
    def search_text(self) -> str:
        """The text the filter searches (besides tags): title, abstract, authors, organisation."""
        parts = [self.title, self.abstract, *self.authors]
        if self.organization:
            parts.append(self.organization)
        return "\n".join([*parts, *self.extra_texts])

    @property
    def extra_texts(self) -> tuple[str, ...]:
        """Searchable texts besides title, abstract and people: the venue and HF's keywords."""
        return (*((self.venue,) if self.venue else ()), *self.ai_keywords)
