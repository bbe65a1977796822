"""The detail pane shows what the sources now keep: venue, listing type, DOI, the project page,
GitHub stars, Hugging Face's organisation, keywords and AI summary (marked as machine-written)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from helpers import list_lines, make_app, settle
from papershelf.sources import load_file
from papershelf.sources.arxiv_rss import parse_arxiv_rss
from papershelf.sources.hf_api import parse_hf_api

FIXTURES = Path(__file__).parents[1] / "fixtures"
SIZE = (120, 40)


def meta_and_abstract(app: object) -> tuple[str, str]:
    screen = app.screen  # type: ignore[attr-defined]
    return str(screen.query_one("#detail-meta").render()), str(screen.query_one("#detail-abstract").render())


async def test_hf_paper_shows_ai_summary_marked_stars_project_and_keywords() -> None:
    papers = parse_hf_api((FIXTURES / "hf_daily_papers_2026.json").read_bytes()).papers
    app = make_app(papers)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        meta, abstract = meta_and_abstract(app)
        assert meta.startswith("Marco Garosi, Matteo Farina")
        assert "organisation: Multimedia and Human Understanding Group" in meta
        assert "code: https://github.com/marco-garosi/CIRCLE (★ 9)" in meta
        assert "project page: https://circle-lmm.github.io/" in meta
        assert "AI keywords: Vision-Language Models, Large Multimodal Models" in meta
        assert abstract.startswith("Which multimodal model should we use for classification?")
        assert "AI summary (Hugging Face, machine-written): Large Multimodal Models demonstrate" in abstract


async def test_rss_paper_shows_listing_venue_and_doi() -> None:
    papers, _ = parse_arxiv_rss((FIXTURES / "arxiv_rss_quant_ph.xml").read_bytes())
    replaced = next(p for p in papers if p.arxiv_id == "2403.13790")
    cross = next(p for p in papers if p.announce == "cross")
    app = make_app([replaced, cross])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        meta, _ = meta_and_abstract(app)
        assert "arXiv listing: replaced (v2)" in meta
        assert "venue: Phys. Rev. B 111, 144313 (2025)" in meta
        assert "doi: 10.1103/PhysRevB.111.144313" in meta
        await pilot.press("j")
        await settle(pilot)
        meta, _ = meta_and_abstract(app)
        assert "arXiv listing: cross-list" in meta


async def test_a_year_only_bibtex_date_is_shown_as_the_year() -> None:
    papers = load_file(FIXTURES / "jabref_authors.bib")[:3]
    app = make_app(papers)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        meta, _ = meta_and_abstract(app)
        assert "2016 · ▲ 0 upvotes" in meta
        assert "venue: IEEE Trans. on Circuits and Systems" in meta
        assert " 2016 " in list_lines(app)[0]


async def test_the_organisation_is_the_byline_of_a_paper_without_authors() -> None:
    paper = parse_hf_api((FIXTURES / "hf_daily_papers_2026.json").read_bytes()).papers[0]
    app = make_app([replace(paper, authors=())])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        meta, _ = meta_and_abstract(app)
        assert meta.startswith("Multimedia and Human Understanding Group\n")
        assert "organisation:" not in meta
