"""Regenerate the SVGs in screenshots/ from the app itself (Textual's save_screenshot).

    uv run python scripts/screenshots.py

Runs headless at 120x40 on the bundled list, with reading state in a temporary directory so
your own stars and tags never appear in (or are changed by) the pictures.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "screenshots"
SIZE = (120, 40)

WAIT = "<wait>"  # let dialogs open and workers finish before the next keys

# name -> keys pressed before the picture is taken
SHOTS: dict[str, list[str]] = {
    "main": ["s", "j", "j", "r", "j", "s", "j", "j", "enter", "escape"],
    "filtered": ["slash", *"vision enc"],
    "query": ["slash", *'title:(scal | visual) "pre train" -diffusion upvotes:>=1'],
    "query-error": ["slash", *'vision -"text to'],
    "tags": ["j", "t", *"vision, ocr"],
    "note": [
        "n",
        WAIT,
        *"Compare with the OCR-free baseline.",
        "enter",
        *"Section 3 again.",
        "ctrl+s",
        WAIT,
        "n",
    ],
    "export": ["s", "j", "s", "E"],
    "stats": ["s", "t", *"vision", "enter", "j", "j", "r", "ctrl+t"],
    "help": ["question_mark"],
}


async def shoot(name: str, keys: list[str]) -> Path:
    from papershelf.collection.memory import InMemoryCollection  # noqa: PLC0415 - after XDG is set
    from papershelf.sources import load_file  # noqa: PLC0415
    from papershelf.store.paths import bundled_list, state_path  # noqa: PLC0415
    from papershelf.store.reading import StateStore  # noqa: PLC0415
    from papershelf.ui.app import PapershelfApp  # noqa: PLC0415

    state = state_path()
    if state.exists():
        state.unlink()
    from papershelf.store.config import Config  # noqa: PLC0415

    # A watch list, so the watched papers' colour shows in every picture.
    config = Config(
        watch_keywords=("scalable", "tokenizer"), watch_authors=("MiniMax",), export_dir=Path("~/papers")
    )
    app = PapershelfApp(InMemoryCollection(load_file(bundled_list())), StateStore(state), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in keys:
            if key == WAIT:
                await app.workers.wait_for_complete()
                await pilot.pause(0.1)
            else:
                await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)  # the detail pane follows the cursor after a short delay
        path = Path(app.save_screenshot(filename=f"{name}.svg", path=str(OUT)))
    return path


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as home:
        for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            os.environ[variable] = str(Path(home) / variable.lower())
        for name, keys in SHOTS.items():
            print(await shoot(name, keys))


if __name__ == "__main__":
    asyncio.run(main())
