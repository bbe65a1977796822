"""BibTeX export: one entry per paper, written with bibtexparser.

``@article`` with ``journal`` when the venue is known, else ``@misc``; keys in the usual style
(first author, year, first title word); ``eprint``/``archivePrefix``/``primaryClass`` for arXiv
papers; ``year`` (and ``month``, ``date`` when known) at the date's precision; ``doi``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from papershelf.model import Paper, is_web_url
from papershelf.text import words

if TYPE_CHECKING:
    from bibtexparser.model import Block

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


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
    """BibTeX entries; ``notes`` (key -> (tags, note)) adds ``keywords`` and ``annote``."""
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
        if paper.venue:
            fields.append(Field("journal", _safe(paper.venue)))
        if paper.published:
            fields.append(Field("year", paper.published[:4]))
            if len(paper.published) >= 7:
                fields.append(Field("month", _MONTHS[int(paper.published[5:7]) - 1]))
            fields.append(Field("date", paper.published))
        if paper.doi:
            fields.append(Field("doi", _safe(paper.doi)))
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
        entries.append(Entry("article" if paper.venue else "misc", citation_key(paper, taken), fields))
    return write_string(Library(entries))
