"""Layout pinned with pytest-textual-snapshot.

After an intended change: uv run pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from helpers import make_app, settle
from papershelf.model import Paper

SIZE = (120, 40)


def keys(*pressed: str) -> Callable[[Any], Awaitable[None]]:
    """Press the keys, then wait for the detail pane to follow, so the picture is deterministic."""

    async def run(pilot: Any) -> None:
        await pilot.pause()  # started: the first key reaches a mounted screen
        await pilot.press(*pressed)
        await settle(pilot)

    return run


def test_main_view(snap_compare, sample_papers: list[Paper]) -> None:  # type: ignore[no-untyped-def]
    # A starred paper, a read one, and the cursor moved, so every row style shows.
    assert snap_compare(make_app(sample_papers), run_before=keys("s", "j", "r", "j"), terminal_size=SIZE)


def test_filtered_view(snap_compare, sample_papers: list[Paper]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(sample_papers), run_before=keys("slash", *"vision enc"), terminal_size=SIZE)


def test_tag_dialog(snap_compare, sample_papers: list[Paper]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(sample_papers), run_before=keys("t", *"vision, ocr"), terminal_size=SIZE)


def test_help_screen(snap_compare, sample_papers: list[Paper]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(sample_papers), run_before=keys("question_mark"), terminal_size=SIZE)


def test_narrow_terminal(snap_compare, sample_papers: list[Paper]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(sample_papers), run_before=keys("j"), terminal_size=(80, 40))


def test_query_error_keeps_the_list(snap_compare, sample_papers: list[Paper]) -> None:  # type: ignore[no-untyped-def]
    # "vision" filters; the open quote after it does not parse: the list stays, the box and the
    # status turn to the error style and the quote is marked.
    assert snap_compare(
        make_app(sample_papers), run_before=keys("slash", *'vision -"text to'), terminal_size=SIZE
    )


def test_query_language_highlights(snap_compare, sample_papers: list[Paper]) -> None:  # type: ignore[no-untyped-def]
    # Fields, a phrase, OR and a negation coloured in the box; only the positive words
    # highlighted in titles and the abstract.
    text = 'title:(visual | scal) "pre train" -diffusion'
    assert snap_compare(make_app(sample_papers), run_before=keys("slash", *text), terminal_size=SIZE)


def test_note_dialog(snap_compare, sample_papers: list[Paper]) -> None:  # type: ignore[no-untyped-def]
    async def run(pilot: Any) -> None:
        await pilot.pause()  # started
        await pilot.press("n")
        await pilot.pause()  # the dialog takes the focus (keys typed at once reach it in a terminal)
        await pilot.press(*"Read section 3", "enter", *"again.")
        await settle(pilot)

    assert snap_compare(make_app(sample_papers), run_before=run, terminal_size=SIZE)


def test_stats_screen(snap_compare, sample_papers: list[Paper]) -> None:  # type: ignore[no-untyped-def]
    async def run(pilot: Any) -> None:
        await pilot.pause()
        await pilot.press("s", "t", *"vision", "enter", "j", "j", "r", "slash", *"year:2024", "enter")
        await settle(pilot)
        await pilot.press("ctrl+t")
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)

    assert snap_compare(make_app(sample_papers), run_before=run, terminal_size=SIZE)
