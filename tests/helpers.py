"""Helpers for driving the app in tests."""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from papershelf.collection.memory import InMemoryCollection
from papershelf.model import Paper
from papershelf.store.paths import state_path
from papershelf.store.reading import StateStore
from papershelf.ui.app import PapershelfApp
from papershelf.ui.widgets.paper_list import PaperList


def make_app(papers: Sequence[Paper], path: Path | None = None) -> PapershelfApp:
    return PapershelfApp(InMemoryCollection(papers), StateStore(path or state_path()), source="test")


def list_lines(app: PapershelfApp) -> list[str]:
    """The text of the paper list's visible rows."""
    widget = app.screen.query_one(PaperList)
    return [widget.render_line(y).text for y in range(widget.scrollable_content_region.height)]


async def settle(pilot: Any) -> None:
    """Wait until the detail pane shows the highlighted paper (it follows after a short delay)."""
    deadline = time.monotonic() + 5
    await pilot.pause()
    while getattr(pilot.app.screen, "detail_pending", False) and time.monotonic() < deadline:
        await pilot.pause(0.01)


def read_state_file(path: Path | None = None) -> dict[str, Any]:
    path = path or state_path()
    if not path.exists():
        return {}
    papers: dict[str, Any] = tomllib.loads(path.read_text()).get("papers", {})
    return papers


def wait_for_file(check: Callable[[dict[str, Any]], bool], timeout: float = 2.0) -> dict[str, Any]:
    """Poll the state file until ``check`` holds or ``timeout`` passes; returns the last content."""
    deadline = time.monotonic() + timeout
    while True:
        data = read_state_file()
        if check(data) or time.monotonic() > deadline:
            return data
        time.sleep(0.005)
