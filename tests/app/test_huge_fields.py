"""A 50 MB abstract: the detail pane draws and highlights the first part, with a note."""

from __future__ import annotations

import time

from textual.widgets import Static

from helpers import make_app, settle
from papershelf.model import MAX_ABSTRACT, Paper
from papershelf.ui.widgets.paper_detail import SHOWN_CHARACTERS

HUGE = "scaling word " * 4_000_000  # 52 MB


async def test_a_huge_abstract_is_drawn_in_part_and_highlighted_quickly() -> None:
    papers = [Paper("Huge", abstract=HUGE, note="n" * 50_000), Paper("Small", abstract="scaling laws")]
    assert len(papers[0].abstract) <= MAX_ABSTRACT  # bounded where the paper is built
    app = make_app(papers)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = str(app.screen.query_one("#detail-abstract", Static).render())
        assert shown.endswith(
            f"… showing the first {SHOWN_CHARACTERS:,} of {len(papers[0].abstract):,} characters"
        )
        assert len(shown) < SHOWN_CHARACTERS + 100
        started = time.monotonic()
        for letters in ("s", "sc", "sca", "scal"):  # each keystroke re-highlights the pane
            app.screen.query_one("FilterBox").value = letters  # type: ignore[attr-defined]
            await settle(pilot)
        assert time.monotonic() - started < 5  # was ~70 s a highlight
        assert app.screen.query_one("PaperList").highlight == ("scal",)  # type: ignore[attr-defined]
