"""The reader's shelf: reading state (saved by a background writer), undo history, saved views
and the session, loaded together and handed to the app and the main screen alike.

The shelf follows the files: :meth:`Shelf.poll` (from a worker thread, about once a second)
re-reads ``state.toml`` and ``views.toml`` when another reader or a sync tool changed them, and
:meth:`Shelf.sync` (on the UI thread) puts the outside changes under this reader's own pending
ones. Nothing here knows Textual: the app says what went wrong (``warnings``, ``on_save_error``).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from papershelf.store.files import conflict_copies
from papershelf.store.reading import PaperState, ReadingState, StateStore
from papershelf.store.session import Session, load_session, save_session
from papershelf.store.undo import Step, UndoHistory
from papershelf.store.views import SavedView, load_views, save_view_merged
from papershelf.store.writer import StateWriter
from papershelf.text import counted


@dataclass(frozen=True, slots=True)
class Outside:
    """What :meth:`Shelf.sync` brought in from the files: the papers whose state changed, whether
    the saved views changed, and messages for the user (each said once)."""

    keys: list[str] = field(default_factory=list)
    views: bool = False
    messages: list[tuple[str, str]] = field(default_factory=list)


class Shelf:
    """Everything the reader keeps between runs, with one way to change the reading state.

    ``warnings`` lists (title, message) for files that could not be used as they were (a
    corrupt file moved aside, a session or views file that did not validate, a sync conflict).
    """

    def __init__(
        self,
        store: StateStore,
        *,
        undo_file: Path | None = None,
        views_file: Path | None = None,
        session_file: Path | None = None,
        restore: bool = True,
        rescue_dir: Path | None = None,
    ) -> None:
        self.store = store
        self.undo_file = undo_file
        self.views_file = views_file
        self.session_file = session_file
        self.rescue_dir = rescue_dir
        self._rescued: Path | None = None
        self.warnings: list[tuple[str, str]] = []
        loaded = store.load()
        self.state: ReadingState = loaded.state
        self.writable = loaded.writable
        if loaded.warning:
            self.warnings.append(("Reading state", loaded.warning))
        self.history = UndoHistory.load(undo_file) if undo_file is not None else UndoHistory()
        self.views: list[SavedView] = []
        self._views_seen: tuple[int, int] | None = None
        if views_file is not None:
            self._views_seen = _stamp(views_file)
            self.views, problem = load_views(views_file)
            if problem:
                self.warnings.append(("Saved views", problem))
        saved = Session()
        if session_file is not None:
            saved, problem = load_session(session_file)
            if problem:
                self.warnings.append(("Session", problem))
        # --fresh forgets the query and the paper, not the theme chosen in the palette.
        self.session = saved if restore else Session(theme=saved.theme, config_theme=saved.config_theme)
        self._writer: StateWriter | None = None
        self._lock = threading.Lock()  # what poll() found, for sync()
        self._new_views: list[SavedView] | None = None
        self._conflicts_named: set[Path] = set()
        self.warnings.extend(self._new_conflicts())

    def open(
        self,
        on_save_error: Callable[[Exception], None] | None = None,
        on_saved: Callable[[], None] | None = None,
    ) -> None:
        """Start saving changes (from a background thread); a read-only state is never written."""
        if self.writable and self._writer is None:
            self._writer = StateWriter(self.store, on_error=on_save_error, on_saved=on_saved)

    # -- the reading state -------------------------------------------------------------------

    def update(self, key: str, label: str = "change", **changes: Any) -> bool:
        """Change one paper's reading state (undoably) and save it; returns whether it changed."""
        return bool(self.change(label, {key: self.state.changed(key, **changes)}))

    def change(self, label: str, changes: Mapping[str, PaperState]) -> int:
        """Apply ``changes`` as one undoable step and save; returns how many papers changed."""
        prior = {key: self.state.get(key) for key in changes}
        count = self.history.change(self.state, label, changes)
        if count:
            self._record(prior)
        return count

    def undo(self) -> Step | None:
        """Undo this reader's latest step (only the fields it changed that nobody changed since),
        saved like any change."""
        undone = self.history.undo(self.state)
        if undone is None:
            return None
        step, prior = undone
        self._record(prior)
        return step

    def _record(self, prior: Mapping[str, PaperState]) -> None:
        for key, before in prior.items():
            self.store.record(key, before, self.state.get(key))
        if self._writer is not None:
            self._writer.kick()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every change so far is on disk (tests and quitting use it); False when
        some could not be saved."""
        return self._writer.flush(timeout) if self._writer is not None else self.store.unsaved == 0

    @property
    def unsaved(self) -> int:
        """How many papers have changes that are not in state.toml yet (0 when all are saved)."""
        return self.store.unsaved if self.writable else 0

    @property
    def save_error(self) -> Exception | None:
        """Why the last save failed, while saving fails."""
        writer = self._writer
        return writer.last_error if writer is not None and writer.failing else None

    def rescue(self) -> Path | None:
        """Write the reading state with the unsaved changes to a file of its own (the rescue
        directory, else the cache beside state.toml's directory, else the temporary directory);
        returns where, or None when it could not be written anywhere."""
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        places = [self.rescue_dir, Path(tempfile.gettempdir())]
        targets = [place / f"state-unsaved-{stamp}-{os.getpid()}.toml" for place in places if place]
        if self._rescued is not None:  # a second rescue of this run rewrites the same file
            targets.insert(0, self._rescued)
        for target in targets:
            try:
                self.store.rescue(target)
            except OSError:
                continue
            self._rescued = target
            return target
        return None

    # -- following the files ---------------------------------------------------------------

    def poll(self) -> None:
        """Re-read what other readers changed (thread-safe; a worker calls it every second)."""
        self.store.refresh()
        if self.views_file is not None:
            stamp = _stamp(self.views_file)
            if stamp != self._views_seen:
                self._views_seen = stamp
                views, problem = load_views(self.views_file, move_bad=False)
                if problem is None:
                    with self._lock:
                        self._new_views = views

    def sync(self) -> Outside:
        """Show what :meth:`poll` (or a save) found: on the UI thread."""
        changed = []
        keys = self.store.take_outside()
        if keys:
            for key, value in self.store.current(keys).items():
                if self.state.set(key, value):
                    changed.append(key)
        with self._lock:
            views, self._new_views = self._new_views, None
        views_changed = views is not None and views != self.views
        if views is not None:
            self.views = views
        messages = [("Reading state", problem) for problem in self.store.take_problems()]
        messages.extend(self._new_conflicts())
        return Outside(changed, views_changed, messages)

    def _new_conflicts(self) -> list[tuple[str, str]]:
        found = []
        for path in (self.store.path, self.views_file):
            if path is None:
                continue
            for copy in conflict_copies(path):
                if copy not in self._conflicts_named:
                    self._conflicts_named.add(copy)
                    found.append(
                        (
                            "Sync conflict",
                            f"{copy} lies beside {path.name}: a sync tool or a merge left it. papershelf "
                            f"reads {path.name} only; compare the two and delete the copy.",
                        )
                    )
        return found

    # -- views and session -------------------------------------------------------------------

    def save_view(self, view: SavedView) -> int:
        """Keep ``view`` (a name already used is replaced) and write the views file, merged with
        views saved meanwhile by other readers; returns its number, 1-9. Raises OSError when the
        file cannot be written."""
        if self.views_file is None:
            from papershelf.store.views import with_view  # noqa: PLC0415

            self.views, number = with_view(self.views, view)
            return number
        self.views, number, problem = save_view_merged(self.views_file, view)
        self._views_seen = _stamp(self.views_file)
        if problem:
            self.warnings.append(("Saved views", problem))
        return number

    def save_session(self, session: Session) -> None:
        """Remember where the reader left off (raises OSError when it cannot be written). The
        session is this reader's own: the last reader to quit wins."""
        self.session = session
        if self.session_file is not None:
            save_session(self.session_file, session)

    def close(self) -> list[str]:
        """Write the undo history and every pending change; returns what could not be saved
        (changes still unsaved are written to a rescue file, named in the message)."""
        problems = []
        if self.undo_file is not None:
            try:
                self.history.save(self.undo_file)
            except OSError as error:
                problems.append(f"could not save the undo history: {error}")
        if self._writer is not None:
            writer, self._writer = self._writer, None
            if not writer.close():
                count = self.store.unsaved
                where = self.rescue()
                problems.append(describe_unsaved(count, self.store.path, where))
        return problems


def describe_unsaved(count: int, path: Path, where: Path | None) -> str:
    """What the user is told when changes to ``count`` papers could not be saved to ``path``."""
    papers = counted(count, "paper")
    if where is None:
        return f"Reading-state changes to {papers} could not be saved to {path}, nor anywhere else."
    return (
        f"Reading-state changes to {papers} could not be saved to {path}; the whole reading state "
        f"with them is in {where} (copy it over {path.name} when the disk has room)."
    )


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_ctime_ns)
