"""RIS files (what Zotero, EndNote and most databases export), read with :mod:`rispy`.

Title from ``TI``/``T1``, authors from ``AU``/``A1`` (``Last, First`` turned round), abstract
from ``AB``/``N2``, the date from ``DA``/``PY``/``Y1`` (kept only when it is a whole date), the
DOI, the first http(s) link, and the arXiv id from an ``arXiv:ID`` accession number (or
``M1``), or an arxiv.org link.
"""

from __future__ import annotations

import re
from typing import Any

from papershelf.model import Paper, is_web_url, normalise_arxiv_id
from papershelf.sources.errors import SourceError
from papershelf.text import clean_line, clean_text

_START = re.compile(r"^\s*TY  - ", re.M)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s/?#]+?)(?:\.pdf)?(?:[?#]|$)", re.I)
_DATE = re.compile(r"^(\d{4})[/-](\d{1,2})[/-](\d{1,2})")


def looks_like_ris(text: str) -> bool:
    """Whether one of the first lines is an RIS record start (``TY  - ``)."""
    head = "\n".join(text.lstrip("\ufeff").splitlines()[:20])
    return bool(_START.search(head))


def _first(record: dict[str, Any], *names: str) -> str:
    for name in names:
        value = record.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, str) and clean_line(value):
            return value
    return ""


def _author(name: str) -> str:
    name = clean_line(name)
    if "," in name:
        last, _, first = name.partition(",")
        name = clean_line(f"{first} {last}")
    return name


def _date(record: dict[str, Any]) -> str | None:
    for name in ("date", "year", "publication_year"):
        match = _DATE.match(_first(record, name))
        if match:
            year, month, day = (int(part) for part in match.groups())
            if 1 <= month <= 12 and 1 <= day <= 31:
                return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _arxiv_id(record: dict[str, Any], urls: list[str]) -> str | None:
    for name in ("accession_number", "note", "type_of_work"):
        value = _first(record, name).strip()
        if value.lower().startswith("arxiv:"):
            found = normalise_arxiv_id(value[6:])
            if found:
                return found
    for url in urls:
        match = _ARXIV_URL.search(url)
        if match and normalise_arxiv_id(match.group(1)):
            return normalise_arxiv_id(match.group(1))
    return None


def paper_from_ris(record: dict[str, Any], source: str, number: int) -> Paper:
    title = clean_line(_first(record, "title", "primary_title", "translated_title"))
    if not title:
        raise SourceError(source, f"record {number} has no title (TI or T1)")
    authors_raw = record.get("authors") or record.get("first_authors") or []
    authors = tuple(a for a in (_author(n) for n in authors_raw if isinstance(n, str)) if a)
    urls = [clean_line(u) for u in record.get("urls") or [] if isinstance(u, str)]
    web = [u for u in urls if is_web_url(u)]
    doi = clean_line(_first(record, "doi")) or None
    return Paper(
        title=title,
        abstract=clean_text(_first(record, "abstract", "notes_abstract")),
        authors=authors,
        published=_date(record),
        arxiv_id=_arxiv_id(record, urls),
        url=web[0] if web else (f"https://doi.org/{doi}" if doi else None),
        source="ris",
        doi=doi,
    )


def parse_ris(text: str, source: str = "<text>") -> list[Paper]:
    import rispy  # noqa: PLC0415 - only when a RIS file is read

    try:
        records = rispy.loads(text.lstrip("\ufeff"))
    except (OSError, ValueError, KeyError, IndexError) as error:
        raise SourceError(source, f"malformed RIS ({error})") from None
    started = len(_START.findall(text))
    if len(records) < started:
        raise SourceError(source, f"{started - len(records)} of {started} records not closed by 'ER  -'")
    if not records:
        raise SourceError(source, "no RIS records found")
    return [paper_from_ris(record, source, number) for number, record in enumerate(records, start=1)]
