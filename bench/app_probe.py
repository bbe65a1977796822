"""Child process of bench/app_bench.py: start the app headless, measure, print one JSON line.

    python bench/app_probe.py MODE SPAWN_TIME [KEYS...]

MODE is ``library`` (the real app on the library in XDG_DATA_HOME) or ``bare`` (a Textual app
with one Static: the floor). SPAWN_TIME is the parent's ``time.time()`` just before it started
this process, so start-up includes interpreter start and imports.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from typing import Any

MODE = sys.argv[1]
SPAWN = float(sys.argv[2])
KEYS = sys.argv[3:]
SIZE = (120, 40)
KEY_INTERVAL = 0.15  # seconds between keys: a quick typist (~7 keys/s)


async def bare() -> dict[str, Any]:
    from textual.app import App, ComposeResult  # noqa: PLC0415
    from textual.widgets import Static  # noqa: PLC0415

    painted: list[float] = []

    class Probe(Static):
        def render(self) -> str:
            if not painted:
                painted.append(time.time())
            return "hello"

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("floor")
            yield Probe()

    app = Bare()
    async with app.run_test(size=SIZE) as pilot:
        while not painted:
            await pilot.pause(0.001)
    return {"startup": painted[0] - SPAWN}


async def library() -> dict[str, Any]:
    import gc  # noqa: PLC0415

    from papershelf.cli import open_library  # noqa: PLC0415
    from papershelf.store.paths import state_path  # noqa: PLC0415
    from papershelf.store.reading import StateStore  # noqa: PLC0415
    from papershelf.ui.app import PapershelfApp  # noqa: PLC0415
    from papershelf.ui.widgets.filter_box import FilterStatus  # noqa: PLC0415
    from papershelf.ui.widgets.paper_list import PaperList  # noqa: PLC0415

    first_row: list[float] = []
    # (time, query text, filter still running) of every repaint of the list's first row
    renders: list[tuple[float, str, bool]] = []
    original = PaperList.render_line

    def render_line(self: PaperList, y: int) -> Any:
        strip = original(self, y)
        if y == 0:
            first_row.append(time.time())
            screen = self.screen
            renders.append((time.time(), screen.search.text, screen.query_one(FilterStatus).pending))
        return strip

    PaperList.render_line = render_line  # type: ignore[method-assign]
    collection = open_library()
    assert collection is not None, "no library"
    gc.collect()
    gc.freeze()
    app = PapershelfApp(collection, StateStore(state_path()))
    out: dict[str, Any] = {"papers": len(collection)}
    async with app.run_test(size=SIZE) as pilot:
        while not first_row:
            await pilot.pause(0.001)
        out["startup"] = first_row[0] - SPAWN
        await pilot.press("slash")
        await pilot.pause(0.2)
        out.update(await type_keys(app, renders))
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


async def type_keys(app: Any, renders: list[tuple[float, str, bool]]) -> dict[str, Any]:
    """Type KEYS into the filter; per key, the time until the list shows the new answer."""
    from textual import events  # noqa: PLC0415

    screen = app.screen
    typed = ""
    screenful: list[float] = []
    exact: list[float] = []
    counts: list[str] = []
    for key in KEYS:
        typed = typed[:-1] if key == "backspace" else typed + key
        renders.clear()
        start = time.time()
        # As the terminal driver does: the key goes on the app's queue, nothing awaited.
        app.post_message(events.Key(key, None if key == "backspace" else key))
        drawn = None
        deadline = start + 10
        while time.time() < deadline and drawn is None:
            for when, text, pending in renders:
                if text == typed and not pending:
                    drawn = when
                    break
            await asyncio.sleep(0.0002)
        if drawn is None:
            raise SystemExit(f"no repaint for {typed!r}")
        # The exact count is known when the view is: the list is never shown partially.
        screenful.append(drawn - start)
        exact.append(drawn - start)
        counts.append(screen.view.count_label)
        await asyncio.sleep(0.05)
    return {"screenful": screenful, "exact": exact, "counts": counts}


result = asyncio.run(bare() if MODE == "bare" else library())
print(json.dumps(result))
