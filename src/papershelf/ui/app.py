"""The Textual application: loads the shelf, sets the theme and keys, and shows the main screen.

The :class:`~papershelf.store.shelf.Shelf` (reading state, undo, views, session) is handed to the
main screen, which changes it and saves its own session; nothing imports this class back.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from pathlib import Path

import platformdirs
from textual.app import App, SystemCommand
from textual.notifications import SeverityLevel
from textual.screen import Screen

from papershelf.collection import PaperCollection
from papershelf.library.citations import CitationLookup
from papershelf.store.config import Config
from papershelf.store.reading import ReadingState, StateStore
from papershelf.store.shelf import Shelf
from papershelf.text import counted, plain_message, safe_message
from papershelf.ui.opener import open_file, open_in_browser
from papershelf.ui.refetch import Refetcher
from papershelf.ui.screens.main import MainScreen


class PapershelfApp(App[None]):
    """papershelf's reader. The shelf is loaded (and a corrupt file set aside) at construction."""

    CSS_PATH = "papershelf.tcss"
    TITLE = "papershelf"

    def __init__(
        self,
        collection: PaperCollection,
        store: StateStore,
        *,
        source: str = "",
        refetcher: Refetcher | None = None,
        session_file: Path | None = None,
        restore: bool = True,
        views_file: Path | None = None,
        config: Config | None = None,
        config_warning: str | None = None,
        opener: Callable[[str], bool] | None = None,
        undo_file: Path | None = None,
        rescue_dir: Path | None = None,
        file_opener: Callable[[Path], bool] | None = None,
        citations: CitationLookup | None = None,
    ) -> None:
        super().__init__()
        self.config = config or Config()
        self._config_warning = config_warning
        self.collection = collection
        self.refetcher = refetcher
        self.source = source
        # Opens a URL in the browser (tests inject a recorder); only http(s) URLs reach it.
        self.opener: Callable[[str], bool] = opener or open_in_browser
        self.close_problems: list[str] = []
        # Opens a downloaded PDF in the system viewer (tests inject a recorder).
        self.file_opener: Callable[[Path], bool] = file_opener or open_file
        self.citations = citations
        self.shelf = Shelf(
            store,
            undo_file=undo_file,
            views_file=views_file,
            session_file=session_file,
            restore=restore,
            rescue_dir=rescue_dir,
        )

    @property
    def state(self) -> ReadingState:
        return self.shelf.state

    def flush_state(self, timeout: float = 5.0) -> bool:
        """Wait until every change so far is on disk (tests use it)."""
        return self.shelf.flush(timeout)

    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(dict(self.config.keys))
        theme = self._start_theme()
        if theme is not None and theme in self.available_themes:
            self.theme = theme
        self.shelf.open(on_save_error=self._report_save_error, on_saved=self._report_saved)
        if source := self.source:
            self.sub_title = safe_message(source)  # file names: shown in the terminal title too
        for title, message in self.shelf.warnings:
            self.notify(message, title=title, severity="warning", timeout=15)
        if self._config_warning:
            self.notify(
                self._config_warning + " Using the defaults.",
                title="config.toml",
                severity="error",
                timeout=20,
            )
        self.call_after_refresh(self._freeze_garbage)

    def _start_theme(self) -> str | None:
        """The palette's choice while config.toml's theme is what it was then; else the config's."""
        session = self.shelf.session
        if session.theme and session.config_theme == self.config.theme:
            return session.theme
        return self.config.theme

    def _freeze_garbage(self) -> None:
        """After the first frame: move everything built so far out of the collector's sight.

        The collection, the widgets and Textual's own structures live as long as the app; a
        full collection walking them all stalls a keystroke by 30-40 ms (measured at 100k
        papers). Frozen, they are never walked again.
        """
        gc.collect()
        gc.freeze()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every message is plain text, never markup: it may quote a URL, a server's error, a
        path or a name ("[/]" would raise, "[@click=app.quit]" would be an action). Every
        screen's ``notify`` ends here."""
        super().notify(
            plain_message(message),
            title=plain_message(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def action_help_quit(self) -> None:
        """Ctrl+C (a reflex) says how to quit. Textual's own hint is markup ("[b]q[/b]"), which
        :meth:`notify` shows as it is: this one is plain text."""
        keys = [
            self.get_key_display(active.binding)
            for active in self.active_bindings.values()
            if active.binding.action in ("quit", "app.quit")
        ]
        if keys:
            how = " or ".join(dict.fromkeys(keys))
            message = f"Ctrl+C does not quit the reader: press {how} to quit."
            self.notify(message, title="Do you want to quit?")

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's palette commands, its Screenshot saving where it then says, in plain text
        (Textual's says it in markup, and fails without a reason when there is no downloads
        folder)."""
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":
                yield command._replace(callback=lambda: self.set_timer(0.1, self.save_screen))
            else:
                yield command

    def save_screen(self) -> None:
        """An SVG of the screen, in the downloads folder (the current one when there is none)."""
        downloads = platformdirs.user_downloads_path()
        directory = downloads if downloads.is_dir() else Path.cwd()
        try:
            path = self.save_screenshot(path=str(directory))
        except OSError as error:
            reason = error.strerror or str(error)
            self.notify(
                f"Could not save a screenshot in {directory}: {reason}", title="Screenshot", severity="error"
            )
            return
        self.notify(f"Saved a screenshot: {path}", title="Screenshot")

    async def action_quit(self) -> None:
        """Quit (q, ctrl+q); when changes could not be saved (disk full), ask first and say where
        they go."""
        from papershelf.ui.screens.confirm import ConfirmScreen  # noqa: PLC0415

        shelf = self.shelf
        if shelf.unsaved == 0 or shelf.flush(1.0):
            self.exit()
            return
        error = shelf.save_error
        papers = counted(shelf.unsaved, "paper")
        reason = f" ({getattr(error, 'strerror', None) or error})" if error is not None else ""

        def answer(yes: bool | None) -> None:
            if yes:
                # Closing the shelf (on unmount) writes the rescue file and says where, once.
                self.exit()

        self.push_screen(
            ConfirmScreen(
                plain_message(f"Changes to {papers} are not saved{reason}. Quit anyway?"),
                "y: quit and write them to a rescue file (its name is printed) · n: stay; saving "
                "is tried again every few seconds",
            ),
            answer,
        )

    def get_default_screen(self) -> Screen[None]:
        # The main screen is the default screen (not pushed on mount), so keys typed the moment
        # the reader appears already reach it.
        return MainScreen(
            self.collection,
            self.config,
            self.shelf,
            opener=self.opener,
            refetcher=self.refetcher,
            file_opener=self.file_opener,
            citations=self.citations,
        )

    def on_unmount(self) -> None:
        # Said on the terminal once the reader is gone (cli/read.py prints them).
        self.close_problems = self.shelf.close()
        for problem in self.close_problems:
            self.log.warning(problem)

    def _report_save_error(self, error: Exception) -> None:
        """The first of a run of failed saves (from the writer thread): said once."""
        reason = getattr(error, "strerror", None) or str(error)
        self.call_from_thread(
            self.notify,
            f"Could not save reading state to {self.shelf.store.path}: {reason}. Your changes are "
            "kept and shown; saving is tried again every few seconds.",
            title="Reading state",
            severity="error",
            timeout=20,
            markup=False,
        )

    def _report_saved(self) -> None:
        self.call_from_thread(self.notify, "Reading state saved again.", title="Reading state", timeout=5)
