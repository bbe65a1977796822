"""The arXiv API (Atom XML, ``export.arxiv.org/api/query``), parsed with defusedxml.

Per entry: ``<id>`` (an abs URL with a version: the key is the id without it), ``<title>`` and
``<summary>`` (hard-wrapped, re-flowed here), ``<published>``, ``<updated>``,
``<author><name>``, ``<arxiv:primary_category>``, ``<category term>``, links, ``<arxiv:comment>``
(the note), ``<arxiv:journal_ref>`` (the venue) and ``<arxiv:doi>``. A bad query answers (HTTP
400 today, 200 before) with a single entry titled ``Error`` whose summary says what is wrong:
that is reported as an error with that message, not a paper (:func:`api_error`).
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from papershelf.model import Paper, normalise_arxiv_id
from papershelf.sources.errors import SourceError
from papershelf.sources.record import build_paper, count
from papershelf.text import clean_line

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}


@dataclass
class Feed:
    papers: list[Paper]
    total: int | None  # opensearch:totalResults, for paging
    skipped: int = 0


def _find(entry: Element, path: str) -> str:
    node = entry.find(path, NS)
    return node.text or "" if node is not None else ""


def _paper(entry: Element) -> Paper | None:
    raw_id = _find(entry, "atom:id").strip()
    arxiv_id = normalise_arxiv_id(raw_id.rsplit("/abs/", 1)[-1])
    title = clean_line(_find(entry, "atom:title"))
    if arxiv_id is None or not title:
        return None
    primary = entry.find("arxiv:primary_category", NS)
    categories = [c.get("term", "") for c in entry.findall("atom:category", NS)]
    if primary is not None and primary.get("term"):
        first = primary.get("term", "")
        categories = [first, *(c for c in categories if c != first)]
    links = {
        link.get("title") or link.get("rel"): link.get("href") for link in entry.findall("atom:link", NS)
    }
    return build_paper(
        title=title,
        abstract=_find(entry, "atom:summary"),
        authors=[_find(a, "atom:name") for a in entry.findall("atom:author", NS)],
        published=_find(entry, "atom:published")[:10] or None,
        updated=_find(entry, "atom:updated")[:10] or None,
        arxiv_id=arxiv_id,
        url=links.get("alternate") or f"https://arxiv.org/abs/{arxiv_id}",
        source="arxiv-api",
        categories=categories,
        note=_find(entry, "arxiv:comment") or None,
        doi=_find(entry, "arxiv:doi") or None,
        venue=_find(entry, "arxiv:journal_ref") or None,
    )


def _root(data: bytes | str, source: str) -> Element:
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        raise SourceError(source, f"malformed XML response: {error}") from None
    if root.tag != f"{{{NS['atom']}}}feed":
        raise SourceError(source, "not an Atom feed")
    return root


def _error_entry(root: Element) -> str | None:
    entries = root.findall("atom:entry", NS)
    if len(entries) == 1 and clean_line(_find(entries[0], "atom:title")) == "Error":
        return clean_line(_find(entries[0], "atom:summary")) or "the query was refused"
    return None


def api_error(data: bytes | str) -> str | None:
    """The message of arXiv's ``Error`` entry in ``data`` ("incorrect id format for abc"), or
    None when ``data`` is not such an answer. Used for HTTP 400 answers, whose body says why."""
    try:
        return _error_entry(_root(data, "<response>"))
    except SourceError:
        return None


def parse_arxiv_atom(data: bytes | str, source: str = "<response>") -> Feed:
    """Papers of an arXiv API answer; the API's ``Error`` entry and malformed XML raise SourceError."""
    root = _root(data, source)
    message = _error_entry(root)
    if message is not None:
        raise SourceError(source, f"arXiv API error: {message}")
    total_text = _find(root, "opensearch:totalResults").strip()
    # str.isdigit() accepts "²" and other digits int() refuses; and a total is a count.
    digits = total_text.isascii() and total_text.isdigit() and len(total_text) <= 19
    total = count(int(total_text)) if digits else None
    feed = Feed([], total)
    for entry in root.findall("atom:entry", NS):
        paper = _paper(entry)
        if paper is None:
            feed.skipped += 1
        else:
            feed.papers.append(paper)
    return feed
