"""RIS (Zotero, EndNote, Mendeley), written with :mod:`rispy`.

One ``GEN`` record per paper (``JOUR`` when the paper has a DOI): title, authors as
``Last, First``, abstract, date, the page link (http(s) only), DOI, the arXiv id as accession
number ``arXiv:ID``, tags as keywords and the note. :mod:`papershelf.sources.ris` reads it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from papershelf.model import Paper, is_web_url
from papershelf.store.reading import PaperState


def ris_author(name: str) -> str:
    """``"Ada King Lovelace"`` -> ``"Lovelace, Ada King"`` (RIS wants the family name first)."""
    first, _, last = name.rpartition(" ")
    return f"{last}, {first}" if first else name


def _one_line(text: str) -> str:
    return " ".join(text.split())


def ris_record(paper: Paper, state: PaperState | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type_of_reference": "JOUR" if paper.doi else "GEN",
        "title": _one_line(paper.title),
    }
    if paper.authors:
        record["authors"] = [ris_author(_one_line(a)) for a in paper.authors]
    elif paper.organization:
        record["authors"] = [_one_line(paper.organization)]
    if paper.abstract:
        record["abstract"] = _one_line(paper.abstract)
    if paper.published:
        record["year"] = paper.published[:4]
        record["date"] = paper.published.replace("-", "/")
    if is_web_url(paper.page_url):
        record["urls"] = [paper.page_url]
    if paper.doi:
        record["doi"] = _one_line(paper.doi)
    if paper.arxiv_id:
        record["accession_number"] = f"arXiv:{paper.arxiv_id}"
        record["name_of_database"] = "arXiv.org"
    if state is not None:
        if state.tags:
            record["keywords"] = [_one_line(t) for t in state.tags]
        if state.note:
            record["notes"] = [_one_line(state.note)]
    return record


def dump_ris(papers: Sequence[Paper], states: Sequence[PaperState] | None = None) -> str:
    """The records as RIS, each starting with its ``TY`` line as Zotero and EndNote write them
    (rispy's writer would put a numbered ``1.`` line before each, which RIS does not have)."""
    import rispy  # noqa: PLC0415 - only when RIS is written

    class PlainRisWriter(rispy.RisWriter):  # type: ignore[misc]
        def set_header(self, count: int) -> str:
            return ""

    records = [ris_record(paper, states[i] if states is not None else None) for i, paper in enumerate(papers)]
    return str(rispy.dumps(records, implementation=PlainRisWriter))
