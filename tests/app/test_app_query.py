"""Typing the query language into the reader: counts, highlights, errors that keep the list."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import list_lines, make_app, settle
from papershelf.library.library import Library
from papershelf.model import Paper
from papershelf.query.reference import reference_match
from papershelf.query.search import Query
from papershelf.store.paths import state_path
from papershelf.store.reading import StateStore
from papershelf.ui.app import PapershelfApp
from papershelf.ui.widgets.filter_box import FilterBox, FilterStatus
from papershelf.ui.widgets.paper_list import PaperList

SIZE = (120, 40)


def status(app: PapershelfApp) -> str:
    return str(app.screen.query_one(FilterStatus).render())


def shown(app: PapershelfApp) -> list[int]:
    return list(app.screen.query_one(PaperList).view.indices)


def expected(papers: list[Paper], app: PapershelfApp, text: str) -> list[int]:
    tree = Query(text).tree
    return [i for i, p in enumerate(papers) if reference_match(tree, p, app.state)]


async def type_query(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("slash", *text)
    await settle(pilot)


async def test_typed_queries_filter_with_counts(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        box = app.screen.query_one(FilterBox)
        for n, text in enumerate(
            (
                '"visual tokenizer"',
                "vision -diffusion",
                "ocr | diffusion",
                "title:(scaling | scalable) -survey",
                "upvotes:>=3",
                "year:2024 upvotes:1..5",
                "author:minimax",
            )
        ):
            if n < 2:
                await type_query(pilot, text)  # key by key
            else:
                await pilot.press("slash")
                box.insert_text_at_cursor(text)  # pasted
                await settle(pilot)
            want = expected(sample_papers, app, text)
            assert want, text  # each query finds something in the sample
            assert shown(app) == want, text
            assert status(app).startswith(f"{len(want)}/54"), text
            await pilot.press("escape", "escape")  # clear, back to the list
            await settle(pilot)
            assert status(app).startswith("54/54")


async def test_reading_state_fields(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "j", "r", "j", "s", "r")  # 0 starred; 1 read; 2 starred and read
        await type_query(pilot, "is:starred is:unread")
        assert shown(app) == [0]
        await pilot.press("escape", "escape")
        await type_query(pilot, "-is:unread")
        assert shown(app) == [1, 2]


async def test_a_query_that_does_not_parse_keeps_the_last_result(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await type_query(pilot, "vision ")
        good = shown(app)
        assert 0 < len(good) < 54
        box = app.screen.query_one(FilterBox)
        count = app.screen.query_one(FilterStatus)
        for text, message in (
            ('"open', "missing closing quote"),
            ("upvotes:>=abc", "'abc' is not a whole number"),
            ("foo:bar", "unknown field 'foo:'"),
        ):
            box.insert_text_at_cursor(text)  # pasted: no valid prefix in between
            await settle(pilot)
            assert shown(app) == good  # never emptied, never changed
            assert box.has_class("-error")
            assert count.has_class("-error")
            assert message in status(app)
            assert f"{len(good)}/54" in status(app)
            assert box.error_at == Query(box.value).error_position
            assert box.error_at is not None
            assert box.error_at >= len("vision ")
            for _ in text:
                await pilot.press("backspace")
            await settle(pilot)
            assert not box.has_class("-error")
            assert box.error_at is None
            assert shown(app) == good
        # Fixing the text applies it at once.
        await pilot.press(*'"open')
        await settle(pilot)
        assert box.has_class("-error")
        await pilot.press('"')
        await settle(pilot)
        assert not box.has_class("-error")
        assert shown(app) == expected(sample_papers, app, 'vision "open"')


async def test_highlights_follow_positive_terms_only(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await type_query(pilot, '"visual tokenizer" -diffusion')
        assert app.screen.query_one(PaperList).highlight == ("visual", "tokenizer")


async def test_errors_and_phrases_on_the_library(tmp_path: Path, sample_papers: list[Paper]) -> None:
    library = Library(tmp_path / "lib")
    library.importer().import_papers(sample_papers)
    app = PapershelfApp(library.collection(), StateStore(state_path()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_query(pilot, '"visual tokenizer"')
        await app.workers.wait_for_complete()  # a phrase reads candidates' text: in a worker
        await settle(pilot)
        want = expected(sample_papers, app, '"visual tokenizer"')
        assert shown(app) == want
        assert status(app).startswith(f"{len(want)}/54")
        await pilot.press(*" (")
        await settle(pilot)
        assert "missing ')'" in status(app)
        assert shown(app) == want
        assert "Tokenizer" in "".join(list_lines(app))


async def test_text_queries_show_first_rows_then_the_full_answer(
    tmp_path: Path, sample_papers: list[Paper], monkeypatch: pytest.MonkeyPatch
) -> None:
    from papershelf.library import collection as library_collection  # noqa: PLC0415

    monkeypatch.setattr(library_collection, "PREVIEW_ROWS", 10)
    monkeypatch.setattr(library_collection, "PREVIEW_MATCHES", 1_000)  # never enough: all rounds
    library = Library(tmp_path / "lib")
    library.importer().import_papers(sample_papers)
    app = PapershelfApp(library.collection(), StateStore(state_path()))
    views: list[tuple[int, bool]] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        original = screen._set_view  # type: ignore[attr-defined]

        def record(search: Query, indices: list[int], *, partial: bool = False) -> None:
            views.append((len(indices), partial))
            original(search, indices, partial=partial)

        screen._set_view = record  # type: ignore[attr-defined]
        await type_query(pilot, '"pre train"')
        await app.workers.wait_for_complete()
        await settle(pilot)
        want = expected(sample_papers, app, '"pre train"')
        assert views[-1] == (len(want), False)
        assert any(partial for _, partial in views)  # the first rows came first
        assert shown(app) == want
        assert status(app).startswith(f"{len(want)}/54")


async def test_is_watched_without_a_watch_list_says_how_to_make_one(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await type_query(pilot, "is:watched")
        assert shown(app) == []
        messages = [str(n.message) for n in app._notifications]
        assert sum("no watch list yet" in m for m in messages) == 1
        await pilot.press("space", "backspace")  # said once, not on every key
        await settle(pilot)
        assert sum("no watch list yet" in str(n.message) for n in app._notifications) == 1
