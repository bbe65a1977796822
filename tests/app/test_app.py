"""The reader driven through Pilot: every key, the screen and the state file."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from helpers import list_lines, make_app, read_state_file, settle, wait_for_file
from papershelf.collection.memory import InMemoryCollection
from papershelf.library import collection as library_collection
from papershelf.library.library import Library
from papershelf.model import Paper, title_key
from papershelf.query.search import Query
from papershelf.sources.jsonl import paper_from_dict
from papershelf.store.paths import state_path
from papershelf.store.reading import StateStore
from papershelf.text import words
from papershelf.ui.app import PapershelfApp
from papershelf.ui.screens.help import HelpScreen
from papershelf.ui.screens.tags import TagsScreen
from papershelf.ui.widgets.filter_box import FilterBox, FilterStatus
from papershelf.ui.widgets.paper_detail import PaperDetail, Shown
from papershelf.ui.widgets.paper_list import PaperList

SIZE = (120, 40)


def count_label(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one(FilterStatus).render()).split(" ")[0]


def detail_title(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#detail-title").render())


async def press(pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    """Press keys, then let the detail pane catch up with the cursor."""
    await pilot.press(*keys)
    await settle(pilot)


async def test_start_shows_list_count_and_first_abstract(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert count_label(app) == "54/54"
        lines = list_lines(app)
        assert "UNIT: Unifying Image" in lines[0]
        assert "2024-09-06" in lines[0]
        assert "▲0" in lines[0]
        assert "•" in lines[0]  # unread marker
        assert detail_title(app).startswith("UNIT: Unifying Image and Text Recognition")
        abstract = str(app.screen.query_one("#detail-abstract").render())
        assert abstract.startswith("Currently, vision encoder models")
        assert isinstance(app.focused, PaperList)


async def test_movement_keys(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        plist = app.screen.query_one(PaperList)
        await press(pilot, "j", "j", "down")
        assert plist.cursor == 3
        assert detail_title(app) == sample_papers[3].title
        await press(pilot, "k", "up")
        assert plist.cursor == 1
        await press(pilot, "G")
        assert plist.cursor == 53
        assert detail_title(app) == sample_papers[53].title
        assert "Inverse Scaling" in "".join(list_lines(app))  # scrolled into view
        await press(pilot, "g")
        assert plist.cursor == 0
        await press(pilot, "pagedown")
        page = plist.cursor
        assert page > 10
        await press(pilot, "pageup")
        assert plist.cursor == 0
        await press(pilot, "k")
        assert plist.cursor == 0  # clamped at the top
        await press(pilot, "end", "j")
        assert plist.cursor == 53  # clamped at the bottom
        await press(pilot, "home")
        assert plist.cursor == 0


async def test_enter_reads_and_escape_returns(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "j", "enter")
        assert isinstance(app.focused, PaperDetail)
        key = sample_papers[1].key
        assert wait_for_file(lambda d: key in d)[key] == {"read": True}
        assert "•" not in list_lines(app)[1][:4]
        # In the detail pane j/k scroll the abstract, they do not move the list.
        await press(pilot, "j", "k")
        assert app.screen.query_one(PaperList).cursor == 1
        await press(pilot, "escape")
        assert isinstance(app.focused, PaperList)


async def test_moving_does_not_mark_read(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "j", "j", "j", "G", "g")
        await pilot.pause()
    assert read_state_file() == {}


async def test_star_reaches_disk_while_running(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "s")
        key = sample_papers[0].key
        assert "★" in list_lines(app)[0][:3]
        assert wait_for_file(lambda d: key in d).get(key) == {"starred": True}
        assert detail_title(app).startswith("★ ")
        await press(pilot, "s")
        assert wait_for_file(lambda d: key not in d) == {}
        assert "★" not in list_lines(app)[0][:3]


async def test_r_toggles_read(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        key = sample_papers[0].key
        await press(pilot, "r")
        assert wait_for_file(lambda d: key in d)[key] == {"read": True}
        assert "read" in str(app.screen.query_one("#detail-meta").render())
        await press(pilot, "r")
        assert wait_for_file(lambda d: key not in d) == {}
        assert isinstance(app.focused, PaperList)  # r does not open the paper


async def test_tag_dialog(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        key = sample_papers[0].key
        await press(pilot, "t")
        assert isinstance(app.screen, TagsScreen)
        await press(pilot, *"vision, ocr", "enter")
        assert not isinstance(app.screen, TagsScreen)
        assert wait_for_file(lambda d: key in d)[key] == {"tags": ["vision", "ocr"]}
        assert "vision" in str(app.screen.query_one("#detail-tags").render())
        # Reopening fills in the existing tags; escape cancels without a change.
        await press(pilot, "t")
        tag_input = app.screen.query_one("#tags-input", Input)
        assert tag_input.value == "vision, ocr"
        await press(pilot, "end", *", junk", "escape")
        assert not isinstance(app.screen, TagsScreen)
        app.flush_state()
        assert read_state_file()[key] == {"tags": ["vision", "ocr"]}
        # Clearing the box removes the tags.
        await press(pilot, "t")
        app.screen.query_one("#tags-input", Input).value = ""
        await press(pilot, "enter")
        app.flush_state()
        assert read_state_file() == {}


async def test_filter_narrows_live_and_escape_clears(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "slash")
        assert isinstance(app.focused, FilterBox)
        counts = []
        for char in "scal":
            await press(pilot, char)
            counts.append(count_label(app))
        total = [int(c.split("/")[0]) for c in counts]
        assert total == sorted(total, reverse=True)
        assert total[-1] < 54
        expected = [p for p in sample_papers if any(w.startswith("scal") for w in words(p.search_text))]
        assert count_label(app) == f"{len(expected)}/54"
        lines = list_lines(app)
        assert all(p.title[:30] in line for p, line in zip(expected, lines, strict=False))
        assert "ScaleKD" in "\n".join(lines)
        # Letters typed in the box are text, not commands.
        assert read_state_file() == {}
        await press(pilot, "escape")
        assert count_label(app) == "54/54"
        assert isinstance(app.focused, FilterBox)
        await press(pilot, "escape")
        assert isinstance(app.focused, PaperList)


async def test_filter_with_no_match_says_so(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "slash", *"caling")
        assert count_label(app) == "0/54"
        assert "No papers match" in list_lines(app)[0]
        assert detail_title(app) == "No paper selected"
        await press(pilot, "s", "r")  # typed into the box; nothing to act on anyway
        await press(pilot, "enter")  # leaves the box
        assert isinstance(app.focused, PaperList)
        await press(pilot, "s", "r", "enter", "t")
        assert not isinstance(app.screen, TagsScreen)
    assert read_state_file() == {}


async def test_starred_only_and_unread_only(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "s", "j", "s", "r", "j", "r")
        await press(pilot, "asterisk")
        assert count_label(app) == "2/54"
        assert "★ only" in str(app.screen.query_one(FilterStatus).render())
        await press(pilot, "u")
        assert count_label(app) == "1/54"
        assert sample_papers[0].title[:20] in list_lines(app)[0]
        await press(pilot, "asterisk")
        assert count_label(app) == "52/54"
        await press(pilot, "slash", *"unit")
        assert count_label(app) == "1/54"
        await press(pilot, "escape", "escape", "u")
        assert count_label(app) == "54/54"


async def test_help_lists_every_key(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = app.screen.key_rows()
        rendered = "\n".join(f"{key} {what}" for key, what in rows)
        for key in ("j / ↓", "k / ↑", "g", "G", "pgdn", "pgup", "⏎", "s", "t", "r", "/", "*", "u", "?", "q"):
            assert key in rendered, key
        assert "—" not in rendered  # every row found its binding
        await press(pilot, "escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_footer_shows_the_keys(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = {b.id for _, b, enabled, _ in app.active_bindings.values() if b.show}
        assert {"paper.star", "paper.tags", "paper.read", "filter.focus", "app.help", "app.quit"} <= shown


async def test_q_quits_and_flushes(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "s", "q")
        await pilot.pause()
    assert app.return_code == 0
    assert read_state_file()[sample_papers[0].key] == {"starred": True}


async def test_state_survives_a_restart(sample_papers: list[Paper]) -> None:
    first = make_app(sample_papers)
    async with first.run_test(size=SIZE) as pilot:
        await press(pilot, "s", "j", "s")  # star two
        await press(pilot, "j", "t", *"vision, ocr", "enter")  # tag one
        await press(pilot, "j", "r")  # mark one read
        await press(pilot, "q")
    second = make_app(sample_papers)
    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lines = list_lines(second)
        assert "★" in lines[0][:3]
        assert "★" in lines[1][:3]
        assert "•" not in lines[3][:4]  # read
        assert "•" in lines[2][:4]
        await press(pilot, "j", "j")
        assert "vision" in str(second.screen.query_one("#detail-tags").render())
        assert second.state.tags(sample_papers[2].key) == ("vision", "ocr")
        assert second.state.read(sample_papers[3].key)


async def test_untrusted_text_is_shown_literally() -> None:
    evil = Paper(
        title="[bold red]x[/] \x1b[31mred",  # as a parser would leave it after clean_line: no ESC
        abstract="[link=file:///etc/passwd]click[/link] $x^2$",
        organization="[b]Org[/b]",
    )
    cleaned = paper_from_dict(
        {"title": evil.title, "abstract": evil.abstract, "organization": "[b]Org[/b]"}, "t"
    )
    app = make_app([cleaned])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "[bold red]x[/] red" in list_lines(app)[0]
        assert detail_title(app) == "[bold red]x[/] red"
        assert "[link=file:///etc/passwd]click[/link]" in str(
            app.screen.query_one("#detail-abstract").render()
        )
        assert "[b]Org[/b]" in str(app.screen.query_one("#detail-meta").render())


async def test_ctrl_c_says_how_to_quit_in_plain_words(sample_papers: list[Paper]) -> None:
    """Textual's own hint is markup ("Press [b]q[/b]"), which the app's plain-text notify would
    show as it is."""
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running
        (message,) = [n.message for n in app._notifications]
        assert message == "Ctrl+C does not quit the reader: press q or ^q to quit."


async def test_palette_screenshot_is_saved_where_the_message_says(
    sample_papers: list[Paper], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(downloads))
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        (command,) = [c for c in app.get_system_commands(app.screen) if c.title == "Screenshot"]
        command.callback()
        await pilot.pause(0.3)
        (saved,) = downloads.glob("*.svg")
        assert saved.read_text(encoding="utf-8").startswith("<svg")
        (message,) = [n.message for n in app._notifications]
        assert message == f"Saved a screenshot: {saved}"


async def test_corrupt_state_is_reported_in_the_app(sample_papers: list[Paper]) -> None:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("not = [valid")
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("moved to" in m and "corrupt" in m for m in messages)
        await press(pilot, "s")
        app.flush_state()
    (aside,) = path.parent.glob("state.toml.corrupt-*")
    assert aside.read_text() == "not = [valid"
    assert read_state_file() == {sample_papers[0].key: {"starred": True}}


async def test_narrow_terminal_puts_detail_below(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=(80, 40)) as pilot:
        await pilot.pause()
        plist = app.screen.query_one(PaperList)
        detail = app.screen.query_one(PaperDetail)
        assert detail.region.y > plist.region.y
        assert detail.region.width >= 70
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        plist = app.screen.query_one(PaperList)
        detail = app.screen.query_one(PaperDetail)
        assert detail.region.x > plist.region.x
        assert detail.region.y == plist.region.y - 1  # beside it (the list sits under the filter row)


async def test_keys_can_be_remapped_by_id(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        app.set_keymap({"paper.star": "f"})
        await press(pilot, "f")
        assert app.state.starred(sample_papers[0].key)
        await press(pilot, "s")
        assert app.state.starred(sample_papers[0].key)  # "s" is unbound now: still starred
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert ("f", "Star / unstar") in app.screen.key_rows()


def test_state_path_is_in_the_temporary_config_dir(isolated_dirs: Path) -> None:
    assert str(state_path()).startswith(str(isolated_dirs))


def burst(app: PapershelfApp, keys: str) -> None:
    """Queue keys all at once, as a paste, a fast typist or tmux send-keys delivers them."""
    names = {"/": "slash", "\n": "enter", "\x1b": "escape", "*": "asterisk", " ": "space"}
    for char in keys:
        app.post_message(events.Key(names.get(char, char), None if char in "\n\x1b" else char))


async def test_keys_in_one_burst_after_slash_reach_the_box(sample_papers: list[Paper]) -> None:
    """A paste or a fast typist: "/scal" arrives at once. No letter may act as a command."""
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "/scal")
        await pilot.pause()
        assert app.screen.query_one(FilterBox).value == "scal"
        assert not app.state.starred(sample_papers[0].key)  # the "s" was text, not a star
        await press(pilot, "slash")  # inside the box "/" is text
        assert app.screen.query_one(FilterBox).value == "scal/"


async def test_focus_changes_take_effect_before_the_next_key_of_a_burst(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        plist = app.screen.query_one(PaperList)
        burst(app, "/vision\nG")  # enter leaves the box, G then goes to the list
        await pilot.pause()
        assert app.screen.query_one(FilterBox).value == "vision"
        assert plist.cursor == len(plist.view) - 1 > 0
        burst(app, "\njj\x1bj")  # j in the abstract scrolls it; after escape j moves the list
        await pilot.pause()
        assert isinstance(app.focused, PaperList)
        assert plist.cursor == len(plist.view) - 1  # already last: j in the list is clamped
        burst(app, "gtsx")  # s and x after t go to the dialog, never to the list
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, TagsScreen)
        assert not app.state.starred(sample_papers[plist.current_index or 0].key)


async def test_burst_of_moves_then_open_reads_the_right_paper(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "jjjG\n")
        await pilot.pause()
        assert app.state.read(sample_papers[-1].key)
        assert [p.key for p in sample_papers if app.state.read(p.key)] == [sample_papers[-1].key]


def library_app(directory: Path, papers: list[Paper]) -> PapershelfApp:
    """The reader on a library holding ``papers``."""
    library = Library(directory)
    library.importer().import_papers(papers)
    return PapershelfApp(library.collection(), StateStore(state_path()))


async def test_reader_on_the_library(tmp_path: Path, sample_papers: list[Paper]) -> None:
    app = library_app(tmp_path / "lib", sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert count_label(app) == "54/54"
        assert detail_title(app) == sample_papers[0].title
        assert str(app.screen.query_one("#detail-abstract").render()).startswith("Currently, vision")
        await press(pilot, "j", "s", "slash", *"minimax", "enter")
        assert count_label(app) == "1/54"
        assert detail_title(app).startswith("Towards Scalable Pre-training of Visual Tokenizers")
        await press(pilot, "slash", "escape", "escape", "asterisk")  # clear, leave, starred only
        assert count_label(app) == "1/54"
        assert app.state.starred(sample_papers[1].key)


async def test_slow_filters_run_in_a_worker_and_the_newest_wins(
    tmp_path: Path, sample_papers: list[Paper], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(library_collection, "QUICK_POSTINGS", -1)  # every query counts as slow
    app = library_app(tmp_path / "lib", sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        burst(app, "minimax")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert app.screen.search.text == "minimax"
        assert count_label(app) == "1/54"
        assert not app.screen.query_one(FilterStatus).pending


async def test_s_cycles_sort_orders_keeping_the_cursor_paper(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "j", "j", "j")
        plist = app.screen.query_one(PaperList)
        paper = plist.current_index
        await press(pilot, "S")
        assert "newest first" in str(app.screen.query_one(FilterStatus).render())
        assert plist.current_index == paper  # the same paper, wherever it went
        dates = [sample_papers[i].published or "" for i in plist.view.indices]
        assert dates == sorted(dates, reverse=True)
        assert detail_title(app) == sample_papers[paper].title
        await press(pilot, "S")
        upvotes = [sample_papers[i].upvotes for i in plist.view.indices]
        assert upvotes == sorted(upvotes, reverse=True)
        assert "most upvoted" in str(app.screen.query_one(FilterStatus).render())
        await press(pilot, "S")
        keys = [title_key(sample_papers[i].title) for i in plist.view.indices]
        assert keys == sorted(keys)
        assert "1.5-Pints" in list_lines(app)[0]  # case and punctuation folded: digits first
        await press(pilot, "r", "S")  # mark one read, then unread first
        assert plist.view.indices[-1] == plist.current_index
        await press(pilot, "S")  # for you: nothing starred yet, so the status says how to start
        for _ in range(200):
            if "star a few papers" in str(app.screen.query_one(FilterStatus).render()):
                break
            await pilot.pause(0.05)
        assert "for you · star a few papers you like" in str(app.screen.query_one(FilterStatus).render())
        await press(pilot, "S")  # best match: without query words, the loaded order
        assert "best match" in str(app.screen.query_one(FilterStatus).render())
        await press(pilot, "S")  # most cited: no counts here, so loaded order (a stable sort)
        assert "most cited" in str(app.screen.query_one(FilterStatus).render())
        assert list(plist.view.indices) == list(range(54))
        await press(pilot, "S")
        assert list(plist.view.indices) == list(range(54))  # back to as loaded
        assert "·" not in str(app.screen.query_one(FilterStatus).render())


async def test_session_is_restored_unless_fresh(sample_papers: list[Paper]) -> None:
    from papershelf.store.paths import session_path  # noqa: PLC0415

    def app(restore: bool = True) -> PapershelfApp:
        return PapershelfApp(
            InMemoryCollection(sample_papers),
            StateStore(state_path()),
            session_file=session_path(),
            restore=restore,
        )

    first = app()
    async with first.run_test(size=SIZE) as pilot:
        await press(pilot, "slash", *"scal", "enter", "j", "j", "S")
        index = first.screen.query_one(PaperList).current_index
        assert index is not None
        highlighted = sample_papers[index].key
        await press(pilot, "q")
    second = app()
    async with second.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert second.screen.search.text == "scal"
        assert second.screen.search.sort == "date"
        assert second.screen.query_one(FilterBox).value == "scal"
        index = second.screen.query_one(PaperList).current_index
        assert index is not None
        assert sample_papers[index].key == highlighted
        assert detail_title(second) == sample_papers[index].title
    fresh = app(restore=False)
    async with fresh.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert fresh.screen.search.text == ""
        assert fresh.screen.query_one(PaperList).cursor == 0


def test_bad_session_file_is_moved_aside(tmp_path: Path) -> None:
    from papershelf.store.session import Session, load_session  # noqa: PLC0415

    path = tmp_path / "session.toml"
    path.write_text('sort = "sideways"\n')
    session, warning = load_session(path)
    assert session == Session()
    assert warning is not None
    assert "unknown sort" in warning
    assert not path.exists()
    assert len(list(tmp_path.glob("session.toml.corrupt-*"))) == 1


async def test_the_detail_pane_is_handed_its_paper_with_data_bind(sample_papers: list[Paper]) -> None:
    """Like the list and the status, the detail pane draws what the screen binds to it (no call)."""
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "j")
        screen = app.screen
        detail = screen.query_one(PaperDetail)
        assert detail.shown is screen.shown
        assert detail.shown is not None
        assert detail.shown.paper is not None
        assert detail.shown_key == sample_papers[1].key
        assert detail_title(app).startswith(sample_papers[1].title[:30])
        screen.shown = Shown(None, detail.shown.state)
        await pilot.pause()
        assert detail_title(app) == "No paper selected"
        assert detail.shown_key is None


async def test_the_detail_pane_waits_for_a_pause_in_the_typing(
    sample_papers: list[Paper], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys typed into the filter repaint the list at once; the detail pane (a layout of the
    whole abstract) follows at a pause, so it never holds up the next key of a burst. A move
    of the cursor shows its paper after the short delay as before."""
    from papershelf.ui.screens import main  # noqa: PLC0415

    monkeypatch.setattr(main, "TYPING_DETAIL_DELAY", 5.0)  # a pause that does not come in the test
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = detail_title(app)
        await pilot.press("slash", *"tiny")
        await pilot.pause(0.3)
        assert "Tiny Time Mixers" in list_lines(app)[0]  # the list follows every key
        assert detail_title(app) == first  # the pane waits for the typing to pause
        assert app.screen.detail_pending
        monkeypatch.setattr(main, "TYPING_DETAIL_DELAY", 0.0)  # the pause comes
        await pilot.press("enter", "j", "k")
        await settle(pilot)
        assert detail_title(app).startswith("Tiny Time Mixers")


async def test_matched_words_are_highlighted(sample_papers: list[Paper]) -> None:
    app = make_app(sample_papers)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "slash", *"unif imag")
        plist = app.screen.query_one(PaperList)
        strip = plist.render_line(0)
        marked = [seg.text for seg in strip if seg.style and seg.style.bold and seg.style.underline]
        assert marked == ["Unifying", "Image"]  # "UNIT: Unifying Image and Text Recognition…"
        detail = app.screen.query_one(PaperDetail)
        assert detail.shown_highlight == ("unif", "imag")  # the abstract is marked with the same words
        await press(pilot, "escape")
        strip = plist.render_line(0)
        assert not [seg for seg in strip if seg.style and seg.style.underline]


def test_highlighted_text_marks_whole_matched_words() -> None:
    from papershelf.ui.widgets.paper_detail import MATCH_STYLE, _highlighted  # noqa: PLC0415

    text = _highlighted("Pre-training at Scale with ScaleKD; [b]not markup[/b]", ("scal", "pre"))
    marked = [text.plain[span.start : span.end] for span in text.spans if span.style == MATCH_STYLE]
    assert marked == ["Pre", "Scale", "ScaleKD"]
    assert "[b]not markup[/b]" in text.plain


async def test_saved_views_recall_and_persist(sample_papers: list[Paper]) -> None:
    from papershelf.store.paths import views_path  # noqa: PLC0415
    from papershelf.ui.screens.name_view import NameViewScreen  # noqa: PLC0415

    def app() -> PapershelfApp:
        return PapershelfApp(
            InMemoryCollection(sample_papers), StateStore(state_path()), views_file=views_path()
        )

    first = app()
    async with first.run_test(size=SIZE) as pilot:
        await press(pilot, "slash", *"scal 2", "enter", "S", "ctrl+s")  # "2" in the box is text
        assert isinstance(first.screen, NameViewScreen)
        first.screen.query_one(Input).value = "scaling"
        await press(pilot, "enter")
        assert any("Saved as view 1: scaling" in n.message for n in first._notifications)
        await press(pilot, "slash", "escape", "escape", "S")  # clear the filter, next sort
        assert first.screen.search == Query(sort="upvotes")
        await press(pilot, "1")
        assert first.screen.search == Query("scal 2", sort="date")
        assert first.screen.query_one(FilterBox).value == "scal 2"
        titles = [title for title, _, _ in first.screen.palette_commands()]
        assert "View 1: scaling" in titles
        await press(pilot, "2")
        assert any("No view 2 yet" in n.message for n in first._notifications)
    second = app()
    async with second.run_test(size=SIZE) as pilot:
        await press(pilot, "1")
        assert second.screen.search == Query("scal 2", sort="date")


def test_saved_views_file(tmp_path: Path) -> None:
    from papershelf.store.views import SavedView, load_views, save_views, with_view  # noqa: PLC0415

    path = tmp_path / "views.toml"
    views: list[SavedView] = []
    for n in range(11):
        views, number = with_view(views, SavedView(f"v{n}", Query(f"w{n}")))
    assert number == 9
    assert [v.name for v in views] == [f"v{n}" for n in range(2, 11)]  # nine at most: oldest gone
    views, number = with_view(views, SavedView("V5", Query("new", unread_only=True)))
    assert number == 4  # same name (any case): replaced in place
    save_views(path, views)
    assert load_views(path) == (views, None)
    path.write_text('[[view]]\nname = "x"\nsort = "sideways"\n')
    loaded, warning = load_views(path)
    assert loaded == []
    assert warning is not None
    assert "unknown sort" in warning
    assert not path.exists()


def test_keys_typed_while_the_app_starts_are_not_lost(sample_papers: list[Paper]) -> None:
    """ "/vision" typed the moment the app starts (before its first frame) filters; it used to
    lose the focus to the list, where the "s" starred a paper."""
    app = make_app(sample_papers)

    async def type_at_once(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("slash", *"vision")  # no pause before: the screen is still mounting
        await settle(pilot)
        pilot.app.exit(pilot.app.query_one(FilterBox).value)

    assert app.run(headless=True, auto_pilot=type_at_once, size=SIZE) == "vision"
    assert not app.state.starred(sample_papers[0].key)
