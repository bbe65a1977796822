"""Writing a list of papers out: BibTeX, RIS, a Markdown reading list, CSV, JSON Lines.

Each format carries the reading state beside the paper: tags and note as BibTeX ``keywords`` /
``annote``; a Markdown bullet per paper with its link, authors, tags and note; CSV columns; a
``reading`` object in each JSON line (which ``papershelf add`` ignores, so an export can be
imported again).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import date

from papershelf.latex import to_unicode
from papershelf.model import Paper
from papershelf.sources.bibtex import dump_bibtex
from papershelf.sources.jsonl import paper_to_dict
from papershelf.store.reading import PaperState

FORMATS = {"bibtex": ".bib", "ris": ".ris", "markdown": ".md", "csv": ".csv", "jsonl": ".jsonl"}
CSV_COLUMNS = (
    "key", "title", "authors", "published", "upvotes", "arxiv_id", "link", "starred", "read", "tags", "note",
)  # fmt: skip


def export_text(papers: Sequence[Paper], states: Sequence[PaperState], fmt: str, title: str = "") -> str:
    """``papers`` (with their reading ``states``, same order) as text in format ``fmt``."""
    if fmt == "bibtex":
        notes = {p.key: (s.tags, s.note) for p, s in zip(papers, states, strict=True) if s.tags or s.note}
        return dump_bibtex(papers, notes)
    if fmt == "ris":
        from papershelf.output.ris import dump_ris  # noqa: PLC0415 - rispy only when asked

        return dump_ris(papers, states)
    if fmt == "markdown":
        return _markdown(papers, states, title)
    if fmt == "csv":
        return _csv(papers, states)
    if fmt == "jsonl":
        lines = []
        for paper, state in zip(papers, states, strict=True):
            obj = paper_to_dict(paper)
            obj["reading"] = {
                "starred": state.starred,
                "read": state.read,
                "tags": list(state.tags),
                "note": state.note,
            }
            lines.append(json.dumps(obj, ensure_ascii=False) + "\n")
        return "".join(lines)
    raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")


def default_name(scope: str, fmt: str, today: date | None = None) -> str:
    """``papershelf-starred-2026-11-29.bib``."""
    return f"papershelf-{scope}-{(today or date.today()).isoformat()}{FORMATS[fmt]}"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _md_link(url: str) -> str:
    """A URL inside ``<...>``: the characters that would end or break it percent-encoded."""
    return url.replace("<", "%3C").replace(">", "%3E").replace("\\", "%5C")


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): such a
# text cell gets a leading apostrophe, which spreadsheets show as text and hide.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _markdown(papers: Sequence[Paper], states: Sequence[PaperState], title: str) -> str:
    out = [
        f"# {_md(title or 'Reading list')}\n",
        f"\n{len(papers)} paper{'s' if len(papers) != 1 else ''}.\n",
    ]
    for paper, state in zip(papers, states, strict=True):
        name = _md(to_unicode(paper.title))
        link = paper.web_url  # only http(s) links are links (no javascript:, no file:)
        heading = f"[{name}](<{_md_link(link)}>)" if link else name
        star = "★ " if state.starred else ""
        out.append(f"\n- {star}**{heading}**  \n")
        facts = [f for f in (_md(paper.byline), _md(paper.venue or ""), paper.published or "") if f]
        if facts:
            out.append(f"  {' · '.join(facts)}  \n")
        if state.tags:
            out.append(f"  tags: {', '.join('`' + t.replace('`', '') + '`' for t in state.tags)}  \n")
        if state.note:
            out.extend(f"  > {_md(line)}\n" if line else "  >\n" for line in state.note.split("\n"))
    return "".join(out)


def _csv(papers: Sequence[Paper], states: Sequence[PaperState]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for paper, state in zip(papers, states, strict=True):
        writer.writerow(
            (
                _cell(paper.key),
                _cell(paper.title),
                _cell("; ".join(paper.authors) or paper.organization or ""),
                paper.published or "",
                paper.upvotes,
                _cell(paper.arxiv_id or ""),
                paper.web_url or "",
                "yes" if state.starred else "no",
                "yes" if state.read else "no",
                _cell("; ".join(state.tags)),
                _cell(state.note),
            )
        )
    return buffer.getvalue()
