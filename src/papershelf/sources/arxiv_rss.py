"""arXiv listing feeds (``rss.arxiv.org/rss/<cat>``, RSS 2.0), parsed with defusedxml.

Each ``<item>`` has ``<title>``, ``<link>``, ``<description>`` ("arXiv:ID Announce Type: new
Abstract: ..."), ``<dc:creator>`` (one comma-separated string), ``<category>`` elements,
``<pubDate>``, ``<arxiv:announce_type>`` (``new``, ``cross``, ``replace``, ``replace-cross``;
kept with the version announced, from the id ``2112.14988v4``), ``<arxiv:DOI>`` and
``<arxiv:journal_reference>`` (the venue). A weekend feed has no items: that is an empty list.
A feed for a category arXiv does not know answers 200 with a channel titled ``Feed error for
query: …`` and the reason in its description: that is an error.
"""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from papershelf.model import ANNOUNCE_TYPES, Paper, normalise_arxiv_id
from papershelf.sources.errors import SourceError
from papershelf.sources.record import NoTitle, build_paper
from papershelf.text import clean_line

DC = "{http://purl.org/dc/elements/1.1/}"
ARXIV = "{http://arxiv.org/schemas/atom}"
_DESCRIPTION = re.compile(
    r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>\S+)\s*Abstract:\s*(?P<abstract>.*)$", re.S
)
_VERSION = re.compile(r"v(\d{1,4})$")
_AUTHORS = re.compile(r",\s*|\s+and\s+")


def _date(value: str) -> str | None:
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _feed_error(channel: Element) -> str | None:
    if not clean_line(channel.findtext("title") or "").startswith("Feed error for query"):
        return None
    return clean_line(channel.findtext("description") or "") or "the feed was refused"


def feed_error(data: bytes | str) -> str | None:
    """The reason of an arXiv ``Feed error for query`` channel in ``data``, or None when ``data``
    is not one (arXiv's feed code sends it with HTTP 400; it has been seen with 200 too)."""
    try:
        channel = ElementTree.fromstring(data).find("channel")
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return None
    return _feed_error(channel) if channel is not None else None


def _announce(item: Element, described: str | None) -> str | None:
    value = clean_line(item.findtext(f"{ARXIV}announce_type") or described or "")
    return value if value in ANNOUNCE_TYPES else None


def _version(*ids: str) -> int | None:
    for raw in ids:
        match = _VERSION.search(raw.strip())
        if match:
            return int(match.group(1))
    return None


def parse_arxiv_rss(data: bytes | str, source: str = "<response>") -> tuple[list[Paper], int]:
    """(papers, skipped items) of an arXiv RSS feed."""
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as error:
        raise SourceError(source, f"malformed XML response: {error}") from None
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise SourceError(source, "not an RSS feed")
    reason = _feed_error(channel)
    if reason is not None:
        raise SourceError(source, f"arXiv feed error: {reason}")
    papers: list[Paper] = []
    skipped = 0
    for item in channel.findall("item"):
        description = item.findtext("description") or ""
        match = _DESCRIPTION.match(description)
        link = (item.findtext("link") or "").strip()
        arxiv_id = normalise_arxiv_id(match["id"]) if match else None
        if arxiv_id is None and "/abs/" in link:
            arxiv_id = normalise_arxiv_id(link.rsplit("/abs/", 1)[-1])
        title = clean_line(item.findtext("title") or "")
        if arxiv_id is None or not title:
            skipped += 1
            continue
        creators = clean_line(item.findtext(f"{DC}creator") or "")
        if "\\" in creators or "{" in creators:  # arXiv writes some names in LaTeX: M{\o}lmer
            from papershelf.sources.bibtex import decode_latex  # noqa: PLC0415 - rarely needed

            creators = decode_latex(creators)
        try:
            paper = build_paper(
                title=title,
                abstract=match["abstract"] if match else description,
                authors=_AUTHORS.split(creators),
                published=_date(item.findtext("pubDate") or ""),
                arxiv_id=arxiv_id,
                url=link or f"https://arxiv.org/abs/{arxiv_id}",
                source="arxiv-rss",
                categories=[c.text for c in item.findall("category") if c.text],
                doi=item.findtext(f"{ARXIV}DOI") or None,
                venue=item.findtext(f"{ARXIV}journal_reference") or None,
                announce=_announce(item, match["type"] if match else None),
                version=_version(match["id"] if match else "", item.findtext("guid") or ""),
            )
        except NoTitle:
            skipped += 1
            continue
        papers.append(paper)
    return papers, skipped
