"""`q` while `R` fetches from a server that trickles one byte at a time: the reader quits at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from fixture_server import FixtureServer, Reply
from papershelf.collection import PaperCollection
from papershelf.library.library import Library
from papershelf.sources import load_file
from papershelf.store.paths import cache_dir, library_dir, state_path
from papershelf.store.reading import StateStore
from papershelf.ui.app import PapershelfApp
from papershelf.ui.refetch import library_refetcher
from papershelf.ui.widgets.filter_box import FilterStatus


@pytest.mark.parametrize("reply", ["trickle", "retry-after"])
async def test_quitting_during_a_refetch_stops_the_fetch(
    reply: str, sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = (Path(__file__).parents[1] / "fixtures" / "arxiv_rss_cs_LG.xml").read_bytes()
    with FixtureServer() as server:
        if reply == "trickle":  # minutes for the whole body, each byte well within the read timeout
            server.route("/rss/cs.LG", Reply(200, body, trickle=0.05))
        else:  # a wait the fetch would sit out
            server.route("/rss/cs.LG", Reply(503, b"", {"Retry-After": "50"}))
        monkeypatch.setenv("PAPERSHELF_RSS_URL", server.url)
        monkeypatch.setenv("PAPERSHELF_ARXIV_INTERVAL", "0")
        library = Library(library_dir())
        library.importer().import_papers(load_file(sample_path))
        library.store.record_fetch('{"categories": ["cs.LG"], "source": "arxiv-rss"}', 0.0)
        library.close()
        inner = library_refetcher(library_dir(), cache_dir() / "http")
        finished = threading.Event()

        def refetcher(cancelled: Callable[[], bool]) -> tuple[PaperCollection, str]:
            try:
                return inner(cancelled)
            finally:
                finished.set()

        app = PapershelfApp(
            Library(library_dir(), readonly=True).collection(), StateStore(state_path()), refetcher=refetcher
        )
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("R")
            await pilot.pause(0.5)
            assert app.screen.query_one(FilterStatus).fetching
            assert len(server.requests) == 1
            quit_at = time.monotonic()
            await pilot.press("q")
        assert finished.wait(2.0), "the fetch went on after the reader closed"
        assert time.monotonic() - quit_at < 2.0
