"""arXiv listing feeds (``rss.arxiv.org/rss/<cat>``, RSS 2.0), parsed with defusedxml.

Each ``<item>`` has ``<title>``, ``<link>``, ``<description>`` ("arXiv:ID Announce Type: new
Abstract: ..."), ``<dc:creator>`` (one comma-separated string), ``<category>`` elements,
``<pubDate>`` and ``<arxiv:announce_type>``. A weekend feed has no items: that is an empty list.
"""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from papershelf.model import Paper, normalise_arxiv_id
from papershelf.sources.errors import SourceError
from papershelf.text import clean_line, clean_text

DC = "{http://purl.org/dc/elements/1.1/}"
_DESCRIPTION = re.compile(
    r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*\S+\s*Abstract:\s*(?P<abstract>.*)$", re.S
)
_AUTHORS = re.compile(r",\s*|\s+and\s+")


def _date(value: str) -> str | None:
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def parse_arxiv_rss(data: bytes | str, source: str = "<response>") -> tuple[list[Paper], int]:
    """(papers, skipped items) of an arXiv RSS feed."""
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise SourceError(source, f"malformed XML response: {error}") from None
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise SourceError(source, "not an RSS feed")
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
        papers.append(
            Paper(
                title=title,
                abstract=clean_text(match["abstract"] if match else description),
                authors=tuple(a for a in (clean_line(x) for x in _AUTHORS.split(creators)) if a),
                published=_date(item.findtext("pubDate") or ""),
                arxiv_id=arxiv_id,
                url=link or f"https://arxiv.org/abs/{arxiv_id}",
                source="arxiv-rss",
                categories=tuple(
                    c.text.strip() for c in item.findall("category") if c.text and c.text.strip()
                ),
            )
        )
    return papers, skipped
