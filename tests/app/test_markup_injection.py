"""Text from outside (URLs, server errors, view names, paths) is shown as text, never as markup.

Each case crashed the reader with a MarkupError, or made a clickable action, before messages
were plain text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets._toast import Toast

from fixture_server import FixtureServer, Reply
from papershelf.collection.memory import InMemoryCollection
from papershelf.model import Paper
from papershelf.store.config import Config
from papershelf.store.paths import state_path
from papershelf.store.reading import StateStore
from papershelf.ui.app import PapershelfApp
from papershelf.ui.widgets.filter_box import FilterBox

SIZE = (120, 40)
CLOSE = "[/]"
ACTION = "[@click=app.quit]clickme[/]"


class Opener:
    def __init__(self, works: bool = True) -> None:
        self.opened: list[str] = []
        self.works = works

    def __call__(self, url: str) -> bool:
        self.opened.append(url)
        return self.works


def make(papers: list[Paper], opener: Opener | None = None, **kwargs: object) -> PapershelfApp:
    return PapershelfApp(
        InMemoryCollection(papers),
        StateStore(state_path()),
        opener=opener or Opener(),
        **kwargs,  # type: ignore[arg-type]
    )


async def toasts(app: PapershelfApp, pilot: object) -> list[str]:
    """The text of every toast on screen, as drawn (drawing is where a MarkupError is raised)."""
    await pilot.pause()  # type: ignore[attr-defined]
    shown = []
    for toast in app.query(Toast):
        content = toast.render()
        assert not any("@click" in str(span.style) for span in getattr(content, "spans", []))
        shown.append(str(content))
    return shown


@pytest.mark.parametrize("url", [f"https://example.org/{CLOSE}x", f"https://example.org/{ACTION}"])
@pytest.mark.parametrize("works", [True, False])
async def test_o_and_y_with_markup_in_the_url(url: str, works: bool) -> None:
    opener = Opener(works)
    app = make([Paper("A paper", url=url)], opener)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("o")
        assert opener.opened == [url]
        await pilot.press("y")
        assert app.clipboard == url
        drawn = await toasts(app, pilot)
        assert any(url in text for text in drawn), drawn
        assert app.is_running  # [@click=app.quit] did not become the quit action


@pytest.mark.parametrize("url", [f"javascript:{CLOSE}", "file:///etc/passwd", f"ftp://x/{ACTION}"])
async def test_y_copies_only_web_links_and_o_refuses_the_rest(url: str) -> None:
    opener = Opener()
    app = make([Paper("A paper", url=url)], opener)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("y", "o")
        assert app.clipboard == ""
        assert opener.opened == []
        drawn = await toasts(app, pilot)
        assert any("only http and https links are copied" in text for text in drawn)
        assert any("only http and https links are opened" in text for text in drawn)


async def test_a_view_name_with_markup(sample_papers: list[Paper]) -> None:
    app = make(sample_papers[:5])
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("slash")
        app.screen.query_one(FilterBox).value = f"vision {CLOSE} {ACTION}"  # the view's query too
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        box = app.screen.query_one("#view-name")
        box.value = f"mine {CLOSE} {ACTION}"  # type: ignore[attr-defined]
        await pilot.press("enter")
        drawn = await toasts(app, pilot)
        assert any(f"mine {CLOSE} {ACTION}" in text for text in drawn)
        await pilot.press("ctrl+p")  # the palette lists the view by its name, with its query
        await pilot.pause(0.3)
        assert app.is_running
        await pilot.press(*"mine")
        await pilot.pause(0.3)
        assert app.is_running
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running


async def test_an_export_path_with_markup(sample_papers: list[Paper], tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("a file, not a folder")
    app = make(sample_papers[:5], config=Config(export_dir=tmp_path))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for name in (f"out{CLOSE}.bib", f"afile/{ACTION}.bib"):
            await pilot.press("E")
            await pilot.pause()
            app.screen.query_one("#export-path").value = str(tmp_path / name)  # type: ignore[attr-defined]
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
        drawn = await toasts(app, pilot)
        assert any(f"Wrote 5 papers to {tmp_path / f'out{CLOSE}.bib'}" in text for text in drawn)
        assert any(f"Could not write {tmp_path}/afile/{ACTION}.bib" in text for text in drawn), drawn
        assert (tmp_path / f"out{CLOSE}.bib").exists()


async def test_r_with_a_server_error_holding_markup(
    sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from papershelf.library.library import Library  # noqa: PLC0415
    from papershelf.sources import load_file  # noqa: PLC0415
    from papershelf.store.paths import cache_dir, library_dir  # noqa: PLC0415
    from papershelf.ui.refetch import library_refetcher  # noqa: PLC0415

    with FixtureServer() as server:
        monkeypatch.setenv("PAPERSHELF_RSS_URL", server.url)
        monkeypatch.setenv("PAPERSHELF_ARXIV_INTERVAL", "0")
        library = Library(library_dir())
        library.importer().import_papers(load_file(sample_path))
        library.store.record_fetch('{"categories": ["cs.LG"], "source": "arxiv-rss"}', 0.0)
        library.close()
        server.route(
            "/rss/cs.LG", Reply(503, b"", reason=f"Down {CLOSE} {ACTION}", headers={"Retry-After": "1e300"})
        )
        app = PapershelfApp(
            Library(library_dir(), readonly=True).collection(),
            StateStore(state_path()),
            refetcher=library_refetcher(library_dir(), cache_dir() / "http"),
        )
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.press("R")
            await app.workers.wait_for_complete()
            drawn = await toasts(app, pilot)
            assert any("asks to wait more than a year" in text for text in drawn), drawn
            server.route("/rss/cs.LG", Reply(500, b"", reason=f"Broken {CLOSE} {ACTION}"))
            await pilot.press("R")
            await app.workers.wait_for_complete()
            drawn = await toasts(app, pilot)
            assert any(f"HTTP 500 Broken {CLOSE} {ACTION}" in text for text in drawn), drawn
            assert app.is_running
