"""A digest as an Atom feed (RFC 4287) that newsboat or any feed reader can subscribe to.

Each new paper of each view is one entry; its id is stable (the view and the paper key), so a
reader that sees the same paper again in a later file does not show it twice.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import quote

from papershelf.latex import to_unicode
from papershelf.model import Paper, date_number, is_web_url
from papershelf.output.digest import ViewDigest

ATOM = "http://www.w3.org/2005/Atom"
FEED_ID = "tag:papershelf,2026-12-02:digest"
# Characters XML 1.0 does not allow, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = _NOT_XML.sub("", text)
    return element


def entry_id(view: str, key: str) -> str:
    return f"{FEED_ID}/{quote(view, safe='')}/{quote(key, safe='')}"


def published_stamp(paper: Paper) -> str | None:
    """RFC 3339 date-time of the publication; a date known to the year or month only counts
    as its first day (``"2023"`` -> ``2023-01-01T00:00:00Z``)."""
    day = date_number(paper.published)
    if day is None:
        return None
    text = str(day)
    return f"{text[:4]}-{text[4:6]}-{text[6:]}T00:00:00Z"


def entry_link(paper: Paper) -> str | None:
    """The page of the paper, else its DOI's resolver."""
    if is_web_url(paper.page_url):
        return str(paper.page_url)
    doi = (paper.doi or "").strip()
    return f"https://doi.org/{quote(doi, safe='/:;()')}" if doi else None


def render_atom(digests: Sequence[ViewDigest], now: datetime | None = None, title: str = "") -> str:
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat()
    stamp = stamp.replace("+00:00", "Z")
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    names = ", ".join(d.name for d in digests)
    _text(feed, "title", title or (f"papershelf: {names}" if names else "papershelf digest"))
    _text(feed, "id", FEED_ID + ("/" + quote(names, safe="") if names else ""))
    _text(feed, "updated", stamp)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "papershelf")
    _text(feed, "generator", "papershelf")
    for digest in digests:
        for paper in digest.new:
            entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
            _text(entry, "title", to_unicode(paper.title))
            _text(entry, "id", entry_id(digest.name, paper.key))
            _text(entry, "updated", stamp)
            published = published_stamp(paper)
            if published:
                _text(entry, "published", published)
            link = entry_link(paper)
            if link:
                ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": link})
            for name in paper.authors:
                _text(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", name)
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": _NOT_XML.sub("", digest.name)})
            if link is None:  # RFC 4287 4.1.1: an entry without an alternate link has content
                _text(entry, "content", paper.abstract or to_unicode(paper.title), type="text")
            elif paper.abstract:
                _text(entry, "summary", paper.abstract, type="text")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
