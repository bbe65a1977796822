"""The rankings in the reader (Pilot): the cold start, retraining after a star, the words behind
a score, "more like this" (m, escape), and a tag's ranking from the palette."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from helpers import make_app, settle
from papershelf.model import Paper
from papershelf.sources.jsonl import parse_jsonl
from papershelf.ui.screens.main import MainScreen
from papershelf.ui.widgets.filter_box import FilterStatus
from papershelf.ui.widgets.paper_list import PaperList

TOPICS = Path(__file__).parents[1] / "fixtures" / "arxiv_topics.jsonl"
SIZE = (120, 40)


@pytest.fixture(scope="module")
def papers() -> list[Paper]:
    return parse_jsonl(TOPICS.read_text(encoding="utf-8"))


def status(app: Any) -> str:
    return str(app.screen.query_one(FilterStatus).render())


def order(app: Any) -> list[int]:
    return [int(i) for i in app.screen.query_one(PaperList).view.indices]


async def until(pilot: Any, check: Any, timeout: float = 60.0) -> None:
    """Let workers run until ``check()`` holds (training runs in a thread)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)
    await settle(pilot)


async def test_for_you_starts_cold_then_learns_each_star(papers: list[Paper]) -> None:
    app = make_app(papers)
    robots = [i for i, p in enumerate(papers) if p.categories[0] == "cs.RO"]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"SSSSS")  # loaded → date → upvotes → title → unread → for you
        assert app.screen.search.sort == "foryou"
        await until(pilot, lambda: "star a few papers you like" in status(app))
        before = order(app)
        assert "for you" in status(app)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        for i in robots[:3]:
            assert screen.paper_list.select_index(i)
            await pilot.press("s")  # each star retrains in the background
        meta = screen.query_one("#detail-meta")
        await until(
            pilot,
            lambda: (
                order(app) != before
                and not screen.query_one(FilterStatus).pending
                and "for you: " in str(meta.render())
            ),
        )
        ranked = [i for i in order(app) if i not in robots[:3]]
        assert sum(i in robots for i in ranked[:10]) >= 8
        # The cursor stayed on the last paper starred; its detail shows the score and the why.
        assert screen.paper_list.current_index == robots[2]
        assert "why: " in str(meta.render())
        assert "star a few" not in status(app)


async def test_more_like_this_and_escape_back(papers: list[Paper]) -> None:
    app = make_app(papers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")  # newest first
        screen = app.screen
        assert isinstance(screen, MainScreen)
        target = next(i for i, p in enumerate(papers) if p.categories[0] == "cs.RO")
        assert screen.paper_list.select_index(target)
        await pilot.press("m")
        await until(pilot, lambda: order(app)[:1] == [target])
        assert f"like: {papers[target].title[:30]}" in status(app)
        assert screen.paper_list.current_index == target
        same = [i for i in order(app)[1:11] if papers[i].categories[0] == papers[target].categories[0]]
        assert len(same) >= 7
        await pilot.press("escape")
        await settle(pilot)
        assert screen.search.sort == "date"
        assert "like:" not in status(app)


async def test_a_tag_ranking_from_the_palette(papers: list[Paper]) -> None:
    app = make_app(papers)
    speech = [i for i, p in enumerate(papers) if p.categories[0] == "cs.CL"][:4]
    for i in speech:
        app.state.update(papers[i].key, tags=("nlp",))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        commands = {title: callback for title, _, callback in screen.palette_commands()}
        assert "For you" in commands
        commands["For you: nlp"]()
        await until(pilot, lambda: screen.search.sort == "foryou:nlp" and order(app)[:4] != list(range(4)))
        await until(pilot, lambda: not screen.query_one(FilterStatus).pending)
        assert "for you: nlp" in status(app)
        rest = [i for i in order(app) if i not in speech]
        assert sum(papers[i].categories[0] == "cs.CL" for i in rest[:10]) >= 6
