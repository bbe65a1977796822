"""Undo for reading-state changes: each step remembers what the papers it changed were before.

The history outlives the session: the reader writes it to ``undo.json`` (cache directory) when it
closes and reads it at the next start, so ctrl+z after a restart still undoes yesterday's last
changes. A missing or unreadable file is an empty history (nothing of the reading state is lost:
``state.toml`` holds that).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from papershelf.store.files import write_atomic
from papershelf.store.reading import PaperState, ReadingState

UNDO_STEPS = 100


@dataclass(frozen=True, slots=True)
class Step:
    """One user action (a star, a tag edit, a mark-all): the papers' states before it."""

    label: str
    before: Mapping[str, PaperState]


class UndoHistory:
    """The last :data:`UNDO_STEPS` changes of a session, newest last."""

    def __init__(self, limit: int = UNDO_STEPS, steps: list[Step] | None = None) -> None:
        self._steps: deque[Step] = deque(steps or [], maxlen=limit)

    @classmethod
    def load(cls, path: Path) -> UndoHistory:
        """The history saved at ``path``; empty when there is none or it cannot be read."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            steps = [
                Step(
                    str(item["label"]),
                    {
                        str(key): PaperState(bool(starred), bool(read), tuple(map(str, tags)), str(note))
                        for key, (starred, read, tags, note) in item["before"].items()
                    },
                )
                for item in data["steps"]
            ]
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return cls()
        return cls(steps=steps)

    def save(self, path: Path) -> None:
        steps = [
            {
                "label": step.label,
                "before": {k: [v.starred, v.read, list(v.tags), v.note] for k, v in step.before.items()},
            }
            for step in self._steps
        ]
        write_atomic(path, json.dumps({"steps": steps}, ensure_ascii=False), durable=False)

    def __len__(self) -> int:
        return len(self._steps)

    def change(self, state: ReadingState, label: str, changes: Mapping[str, PaperState]) -> int:
        """Apply ``changes`` to ``state`` as one undoable step; returns how many papers changed."""
        before = state.apply(changes)
        if before:
            self._steps.append(Step(label, before))
        return len(before)

    def undo(self, state: ReadingState) -> Step | None:
        """Put back the papers of the newest step; returns it (None when there is nothing to undo)."""
        if not self._steps:
            return None
        step = self._steps.pop()
        state.apply(step.before)
        return step
