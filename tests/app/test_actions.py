"""Acting on papers through Pilot: open, copy, note, mark all read, undo, export, stats.

Every state change is checked in the state file on disk, not only in memory.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import bibtexparser
import pytest
import rispy

from helpers import list_lines, read_state_file, settle, wait_for_file
from papershelf.collection.memory import InMemoryCollection
from papershelf.model import Paper
from papershelf.sources.jsonl import parse_jsonl
from papershelf.store.config import Config
from papershelf.store.paths import state_path
from papershelf.store.reading import StateStore
from papershelf.ui.app import PapershelfApp
from papershelf.ui.screens.confirm import ConfirmScreen
from papershelf.ui.screens.export import ExportScreen
from papershelf.ui.screens.note import NoteScreen
from papershelf.ui.screens.stats import PapersChart, StatsScreen
from papershelf.ui.widgets.filter_box import FilterBox
from papershelf.ui.widgets.paper_list import PaperList

SIZE = (120, 40)


class Opener:
    """Records the URLs the app asks the browser to open."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def __call__(self, url: str) -> bool:
        self.opened.append(url)
        return True


def make(papers: list[Paper], opener: Opener | None = None, config: Config | None = None) -> PapershelfApp:
    return PapershelfApp(
        InMemoryCollection(papers), StateStore(state_path()), opener=opener or Opener(), config=config
    )


def bib(value: str) -> str:
    """A field as bibtexparser returns it, without the braces that protect its case."""
    return value[1:-1] if value.startswith("{") and value.endswith("}") else value


def entry(key: str) -> dict[str, object]:
    """The paper's table in the state file on disk."""
    found: dict[str, object] = read_state_file().get(key, {})
    return found


def on_disk(check: Callable[[], bool]) -> bool:
    """Whether ``check`` (which reads the state file) comes true within two seconds."""
    wait_for_file(lambda _: check())
    return check()


@pytest.fixture
def papers(sample_papers: list[Paper]) -> list[Paper]:
    """The sample with two papers given arXiv ids and one an unsafe URL."""
    out = list(sample_papers[:6])
    out[0] = replace(out[0], arxiv_id="2409.04095", key="")
    out[1] = replace(out[1], url="https://huggingface.co/papers/x")
    out[2] = replace(out[2], url="javascript:alert(1)")
    out[3] = replace(out[3], url=None)
    return out


async def test_o_and_p_open_pages_and_pdfs_only_over_http(papers: list[Paper]) -> None:
    opener = Opener()
    app = make(papers, opener)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o", "p")
        assert opener.opened == ["https://arxiv.org/abs/2409.04095", "https://arxiv.org/pdf/2409.04095"]
        await pilot.press("j", "o", "p")  # no arXiv id: the Hugging Face page; no PDF
        assert opener.opened[2:] == ["https://huggingface.co/papers/x"]
        await pilot.press("j", "o")  # javascript: is refused, never handed to the opener
        await pilot.pause()
        assert len(opener.opened) == 3
        messages = [str(n.message) for n in app._notifications]
        assert any("Refused to open 'javascript:alert(1)'" in m for m in messages)
        await pilot.press("j", "o")  # no URL at all: arXiv's search for the title
        await pilot.pause()
        assert opener.opened[3] == (
            "https://arxiv.org/search/?searchtype=title&query=An+Emulator+for+Fine-Tuning+Large+Language"
            "+Models+using+Small+Language+Models"
        )
        assert any("searching arXiv for its title" in str(n.message) for n in app._notifications)
        await pilot.press("p")  # no arXiv id: no PDF
        await pilot.pause()
        assert len(opener.opened) == 4
        assert any("no PDF" in str(n.message) for n in app._notifications)


async def test_y_copies_the_link_and_shift_y_a_bibtex_entry(papers: list[Paper]) -> None:
    app = make(papers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y")
        assert app.clipboard == "https://arxiv.org/abs/2409.04095"
        await pilot.press("Y")
        parsed = bibtexparser.parse_string(app.clipboard)
        assert len(parsed.entries) == 1
        assert parsed.entries[0]["eprint"] == "2409.04095"
        assert bib(parsed.entries[0]["title"]) == papers[0].title


async def test_n_writes_a_multi_line_note_that_shows_and_persists(papers: list[Paper]) -> None:
    app = make(papers)
    key = papers[0].key
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"Check the", "enter", *"ablation.", "ctrl+s")
        await settle(pilot)
        assert app.state.note(key) == "Check the\nablation."
        assert "Check the" in str(app.screen.query_one("#detail-note").render())
        assert on_disk(lambda: entry(key).get("note") == "Check the\nablation.")
        await pilot.press("n", *" Twice", "escape")  # escape cancels
        await settle(pilot)
        assert app.state.note(key) == "Check the\nablation."
        await pilot.press("n", *["backspace"] * 20, "ctrl+s")  # an emptied note is deleted
        await settle(pilot)
        assert app.state.note(key) == ""
        assert on_disk(lambda: "note" not in entry(key))


async def test_mark_all_read_asks_then_undo_puts_everything_back(papers: list[Paper]) -> None:
    app = make(papers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "r")  # one read already
        await pilot.press("A")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Mark 5 papers read?" in str(app.screen.query_one(".dialog-paper").render())
        await pilot.press("n")  # no: nothing changes
        assert sum(app.state.read(p.key) for p in papers) == 1
        await pilot.press("A", "y")
        await settle(pilot)
        assert all(app.state.read(p.key) for p in papers)
        assert on_disk(lambda: all(entry(p.key).get("read") for p in papers))
        await pilot.press("ctrl+z")  # one step: the whole mark-all
        await settle(pilot)
        assert [app.state.read(p.key) for p in papers] == [False, True, False, False, False, False]
        assert on_disk(lambda: [bool(entry(p.key).get("read")) for p in papers].count(True) == 1)


async def test_undo_goes_back_at_least_twenty_steps(papers: list[Paper]) -> None:
    app = make(papers)
    key = papers[0].key
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["s"] * 25)  # 25 toggles: starred after an odd number
        assert app.state.starred(key)
        await pilot.press("t", *"a, b", "enter")
        assert app.state.tags(key) == ("a", "b")
        await pilot.press("ctrl+z")  # the tags
        assert app.state.tags(key) == ()
        for n in range(24):
            await pilot.press("ctrl+z")
            assert app.state.starred(key) == (n % 2 == 1)
        await pilot.press("ctrl+z")
        assert not app.state.starred(key)
        await pilot.press("ctrl+z")  # nothing left
        await pilot.pause()
        assert "Nothing to undo." in [str(n.message) for n in app._notifications]
        assert on_disk(lambda: key not in read_state_file())


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "markdown", "csv", "jsonl"])
async def test_e_exports_the_visible_list(papers: list[Paper], tmp_path: Path, fmt: str) -> None:
    config = Config(export_dir=tmp_path / "out")
    app = make(papers, config=config)
    async with app.run_test(size=SIZE) as pilot:
        # Star, tag and note the first paper (typed in the other tests), filter the list.
        key = papers[0].key
        app.shelf.update(key, starred=True, tags=("vision", "to-read"), note="my note")
        await pilot.press("slash")
        app.screen.query_one(FilterBox).value = "title:(unit | language)"
        await pilot.press("enter")
        await settle(pilot)
        shown = [papers[i] for i in app.screen.query_one(PaperList).view.indices]
        assert 0 < len(shown) < len(papers)
        await pilot.press("E")
        assert isinstance(app.screen, ExportScreen)
        if fmt != "bibtex":
            app.screen.query_one("#export-format").value = fmt  # type: ignore[attr-defined]
            await pilot.pause()
        path_box = app.screen.query_one("#export-path")
        target = Path(path_box.value)  # type: ignore[attr-defined]
        assert target.parent == tmp_path / "out"
        assert target.name.startswith("papershelf-visible-")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = target.read_text(encoding="utf-8")
    check_export(fmt, text, shown, target)


def check_export(fmt: str, text: str, shown: list[Paper], target: Path) -> None:
    """The exported file holds the shown papers with their tags and note."""
    first = shown[0]
    if fmt == "bibtex":
        entries = bibtexparser.parse_string(text).entries
        assert [bib(e["title"]) for e in entries] == [p.title for p in shown]
        assert entries[0]["keywords"] == "vision, to-read"
        assert entries[0]["annote"] == "my note"
    elif fmt == "ris":
        assert target.suffix == ".ris"
        records = rispy.loads(text)
        assert [r["title"] for r in records] == [p.title for p in shown]
        assert records[0]["keywords"] == ["vision", "to-read"]
        assert records[0]["notes"] == ["my note"]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["title"] for r in rows] == [p.title for p in shown]
        assert rows[0]["key"] == first.key
        assert (rows[0]["starred"], rows[0]["tags"], rows[0]["note"]) == ("yes", "vision; to-read", "my note")
    elif fmt == "jsonl":
        assert [p.title for p in parse_jsonl(text)] == [p.title for p in shown]
        reading = json.loads(text.splitlines()[0])["reading"]
        assert reading == {"starred": True, "read": False, "tags": ["vision", "to-read"], "note": "my note"}
    else:
        assert text.startswith("# title:(unit \\| language)\n")
        assert text.count("\n- ") == len(shown)
        assert "tags: `vision`, `to-read`" in text
        assert "  > my note" in text
        assert "](<https://arxiv.org/abs/2409.04095>)" in text


async def test_export_asks_before_overwriting_and_counts_starred(papers: list[Paper], tmp_path: Path) -> None:
    app = make(papers, config=Config(export_dir=tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "j", "s", "E")
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#export-scope").value = "starred"  # type: ignore[attr-defined]
        await pilot.pause()
        target = Path(screen.query_one("#export-path").value)  # type: ignore[attr-defined]
        assert target.name.startswith("papershelf-starred-")
        target.write_text("keep me")
        await pilot.press("enter")
        assert "exists" in str(screen.query_one("#export-hint").render())
        assert target.read_text() == "keep me"
        await pilot.press("enter")  # second enter: overwrite
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert len(bibtexparser.parse_string(target.read_text()).entries) == 2


async def test_ctrl_t_shows_statistics_of_the_view(papers: list[Paper]) -> None:
    app = make(papers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "r", "t", *"vision", "enter")
        await pilot.press("ctrl+t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        body = str(app.screen.query_one("#stats-body").render())
        body += str(app.screen.query_one("#stats-tags").render())
        assert "papers shown  6 of 6" in body
        assert "starred  1" in body
        assert "read  1  (5 unread)" in body
        assert "vision" in body
        months = sorted({p.published[:7] for p in papers if p.published})
        # Four years of papers: the chart rolls the months up to quarters.
        first, last = months[0], months[-1]
        quarter = {m: f"{m[:4]} Q{(int(m[5:]) - 1) // 3 + 1}" for m in (first, last)}
        assert f"Papers per quarter  {quarter[first]} … {quarter[last]}" in body
        chart = app.screen.query_one(PapersChart)
        assert chart.unit == "quarter"
        assert chart.bars[0][0] == quarter[first]
        assert chart.bars[-1][0] == quarter[last]
        assert sum(count for _, count in chart.bars) == sum(1 for p in papers if p.published)
        drawn = chart.render().plain if hasattr(chart.render(), "plain") else str(chart.render())
        assert drawn.strip()
        await pilot.press("escape")
        assert not isinstance(app.screen, StatsScreen)


async def test_action_keys_type_into_the_filter_box(papers: list[Paper]) -> None:
    opener = Opener()
    app = make(papers, opener)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"onyp", "A", "E", "n")
        await pilot.pause()
        assert app.screen.search.text == "onypAEn"
        assert opener.opened == []
        assert list_lines(app)[0].strip() == "No papers match."


async def test_the_command_palette_lists_the_actions(papers: list[Paper]) -> None:
    opener = Opener()
    app = make(papers, opener)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        commands = {title: callback for title, _, callback in app.screen.palette_commands()}
        for title in (
            "Open the paper's page",
            "Copy a BibTeX entry",
            "Export…",
            "Mark all read",
            "Statistics",
        ):
            assert title in commands
        commands["Open the paper's page"]()
        assert opener.opened == ["https://arxiv.org/abs/2409.04095"]


def test_the_default_opener_never_starts_a_text_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    import webbrowser  # noqa: PLC0415

    from papershelf.ui import opener  # noqa: PLC0415

    opened: list[str] = []

    class Fake:
        def __init__(self, name: str) -> None:
            self.name = name

        def open(self, url: str) -> bool:
            opened.append(url)
            return True

    monkeypatch.setattr(webbrowser, "get", lambda: Fake("/usr/bin/lynx"))
    assert not opener.open_in_browser("https://arxiv.org/abs/1")
    monkeypatch.setattr(webbrowser, "get", lambda: Fake("firefox"))
    assert opener.open_in_browser("https://arxiv.org/abs/1")
    assert opened == ["https://arxiv.org/abs/1"]

    def none() -> None:
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "get", none)
    assert not opener.open_in_browser("https://arxiv.org/abs/1")


async def test_mark_all_refuses_a_huge_view(papers: list[Paper], monkeypatch: pytest.MonkeyPatch) -> None:
    from papershelf.ui.screens import paper_actions as actions  # noqa: PLC0415

    monkeypatch.setattr(actions, "MARK_ALL_LIMIT", 3)
    app = make(papers)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("A")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert any("marks at most 3 at once" in str(n.message) for n in app._notifications)
        assert not any(app.state.read(p.key) for p in papers)


async def test_undo_history_survives_a_restart(papers: list[Paper]) -> None:
    from papershelf.store.paths import undo_path  # noqa: PLC0415

    def app() -> PapershelfApp:
        return PapershelfApp(InMemoryCollection(papers), StateStore(state_path()), undo_file=undo_path())

    first = app()
    async with first.run_test(size=SIZE) as pilot:
        await pilot.press("s", "j", "t", *"x", "enter")
        await pilot.press("q")
    assert undo_path().exists()
    second = app()
    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert second.state.starred(papers[0].key)
        await pilot.press("ctrl+z")  # yesterday's last change: the tags
        assert second.state.tags(papers[1].key) == ()
        await pilot.press("ctrl+z")
        assert not second.state.starred(papers[0].key)
        assert on_disk(lambda: read_state_file() == {})
    undo_path().write_text("not json")  # a damaged history is an empty one, nothing else is lost
    third = app()
    async with third.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "Nothing to undo." in [str(n.message) for n in third._notifications]
