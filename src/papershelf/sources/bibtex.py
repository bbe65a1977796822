"""BibTeX import and export, with bibtexparser (v2).

Reading: each entry becomes a paper: ``title``, ``abstract``, ``author`` ("Last, First and
..."), the arXiv id from ``eprint`` (with ``archivePrefix = arXiv``) or an arxiv.org URL, ``url``
(or ``doi``), ``date``, and ``keywords``-free: tags stay in the reading state. Braces used only
to protect capitals are removed. Entries without a title are reported with their line.

Writing: one ``@misc`` entry per paper (``@article`` style keys: first author, year, first
title word), with ``eprint``/``archivePrefix``/``primaryClass`` for arXiv papers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from papershelf.model import Paper, is_web_url, normalise_arxiv_id
from papershelf.sources.errors import SourceError
from papershelf.text import clean_line, clean_text, words

if TYPE_CHECKING:
    from bibtexparser.model import Block

# bibtexparser is imported by the functions that use it (~50 ms): the reader starts without it.

_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s/?#]+?)(?:\.pdf)?(?:[?#]|$)", re.I)


def looks_like_bibtex(text: str) -> bool:
    return re.search(r"^\s*@\w+\s*[{(]", text, re.M) is not None


def _plain(value: str) -> str:
    return value.replace("{", "").replace("}", "")


def _authors(value: str) -> tuple[str, ...]:
    names = []
    for raw in re.split(r"\s+and\s+", _plain(value)):
        name = clean_line(raw)
        if "," in name:
            last, _, first = name.partition(",")
            name = clean_line(f"{first} {last}")
        if name:
            names.append(name)
    return tuple(names)


def _arxiv_id(fields: dict[str, str]) -> str | None:
    prefix = fields.get("archiveprefix", "").lower()
    if fields.get("eprint") and (prefix == "arxiv" or not prefix):
        found = normalise_arxiv_id(fields["eprint"].removeprefix("arXiv:"))
        if found:
            return found
    for name in ("url", "journal"):
        match = _ARXIV_URL.search(fields.get(name, ""))
        if match:
            return normalise_arxiv_id(match.group(1))
    return None


def parse_bibtex(text: str, source: str = "<text>") -> list[Paper]:
    from bibtexparser.entrypoint import parse_string  # noqa: PLC0415

    library = parse_string(text)
    papers = []
    for entry in library.entries:
        fields = {f.key.lower(): str(f.value) for f in entry.fields}
        title = clean_line(_plain(fields.get("title", "")))
        if not title:
            raise SourceError(source, f"entry {entry.key!r} has no title", (entry.start_line or 0) + 1)
        arxiv_id = _arxiv_id(fields)
        url = fields.get("url") or (f"https://doi.org/{fields['doi']}" if fields.get("doi") else None)
        date = fields.get("date", "")
        papers.append(
            Paper(
                title=title,
                abstract=clean_text(_plain(fields.get("abstract", ""))),
                authors=_authors(fields.get("author", "")),
                published=date if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None,
                arxiv_id=arxiv_id,
                url=clean_line(url) if url else None,
                source="bibtex",
                categories=(fields["primaryclass"],) if fields.get("primaryclass") else (),
            )
        )
    if library.failed_blocks:
        block = library.failed_blocks[0]
        raise SourceError(source, "malformed BibTeX entry", (block.start_line or 0) + 1)
    if not papers:
        raise SourceError(source, "no BibTeX entries found")
    return papers


def _safe(value: str) -> str:
    """A field value bibtexparser can write inside braces: no unbalanced braces."""
    return value.replace("{", "(").replace("}", ")")


def citation_key(paper: Paper, taken: set[str]) -> str:
    last = words(paper.authors[0].split()[-1])[0] if paper.authors and words(paper.authors[0]) else "anon"
    year = (paper.published or "")[:4] or "nd"
    first = next((w for w in words(paper.title) if len(w) > 3), "paper")
    key = base = f"{last}{year}{first}"
    n = 1
    while key in taken:
        n += 1
        key = f"{base}{n}"
    taken.add(key)
    return key


def dump_bibtex(
    papers: Iterable[Paper], notes: Mapping[str, tuple[tuple[str, ...], str]] | None = None
) -> str:
    """BibTeX ``@misc`` entries; ``notes`` (key -> (tags, note)) adds ``keywords`` and ``annote``."""
    from bibtexparser.entrypoint import write_string  # noqa: PLC0415
    from bibtexparser.library import Library  # noqa: PLC0415
    from bibtexparser.model import Entry, Field  # noqa: PLC0415

    taken: set[str] = set()
    entries: list[Block] = []
    for paper in papers:
        fields = [Field("title", "{" + _safe(paper.title) + "}")]
        if paper.authors:
            fields.append(Field("author", _safe(" and ".join(paper.authors))))
        elif paper.organization:
            fields.append(Field("author", "{" + _safe(paper.organization) + "}"))
        if paper.published:
            fields.append(Field("year", paper.published[:4]))
            fields.append(Field("date", paper.published))
        if paper.arxiv_id:
            fields += [Field("eprint", paper.arxiv_id), Field("archivePrefix", "arXiv")]
            if paper.categories:
                fields.append(Field("primaryClass", paper.categories[0]))
        arxiv_page = f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else None
        url = paper.url if is_web_url(paper.url) else arxiv_page  # only http(s) links are links
        if is_web_url(url):
            fields.append(Field("url", _safe(url)))
        if paper.abstract:
            fields.append(Field("abstract", _safe(paper.abstract.replace("\n\n", " "))))
        tags, note = (notes or {}).get(paper.key, ((), ""))
        if tags:
            fields.append(Field("keywords", _safe(", ".join(tags))))
        if note:
            fields.append(Field("annote", _safe(note.replace("\n", " "))))
        entries.append(Entry("misc", citation_key(paper, taken), fields))
    return write_string(Library(entries))
