"""Undo for reading-state changes: each step remembers what the papers it changed were before."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from papershelf.state import PaperState, ReadingState

UNDO_STEPS = 100


@dataclass(frozen=True, slots=True)
class Step:
    """One user action (a star, a tag edit, a mark-all): the papers' states before it."""

    label: str
    before: Mapping[str, PaperState]


class UndoHistory:
    """The last :data:`UNDO_STEPS` changes of a session, newest last."""

    def __init__(self, limit: int = UNDO_STEPS) -> None:
        self._steps: deque[Step] = deque(maxlen=limit)

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
