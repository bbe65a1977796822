"""What the reader asks before it quits: are there changes that could not be saved?

A small interface (:class:`SaveStatus`) so the quit confirmation does not depend on how the
reading state is stored: whatever keeps it answers :meth:`SaveStatus.unsaved`.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Unsaved:
    """Changes that are not in the state file: why, and where a copy went instead (if anywhere)."""

    problem: str
    written_to: Path | None = None


class SaveStatus(Protocol):
    def unsaved(self) -> Unsaved | None:
        """None when every change is saved; else what is wrong (a copy is written elsewhere if
        possible). May wait briefly for a save in progress."""
        ...


def rescue(text: str, beside: Path) -> Path | None:
    """Write ``text`` (the state that could not be saved) to the first place that takes it:
    beside the state file, the temporary directory, the home directory. None when none does."""
    name = f"{beside.stem}-unsaved-{time.strftime('%Y%m%d-%H%M%S')}{beside.suffix}"
    for folder in (beside.parent, Path(tempfile.gettempdir()), Path.home()):
        target = folder / name
        try:
            target.write_text(text, encoding="utf-8")
        except OSError:
            with contextlib.suppress(OSError):
                target.unlink(missing_ok=True)  # a part written before the disk filled up
            continue
        return target
    return None
