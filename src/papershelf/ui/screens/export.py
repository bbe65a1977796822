"""The export dialog: which papers, which format, which file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select

from papershelf.output.export import FORMATS, default_name

FORMAT_LABELS = {
    "bibtex": "BibTeX (.bib)",
    "ris": "RIS for Zotero, EndNote (.ris)",
    "markdown": "Markdown reading list (.md)",
    "csv": "CSV (.csv)",
    "jsonl": "JSON Lines (.jsonl)",
}


@dataclass(frozen=True, slots=True)
class ExportRequest:
    scope: str  # "visible" or "starred"
    fmt: str
    path: Path


class ExportScreen(ModalScreen[ExportRequest | None]):
    """Returns what to export where on enter in the path box, None on escape.

    The path follows the format's extension until it is edited by hand. A file that exists is
    only overwritten after a second enter.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.cancel", priority=True),
    ]

    def __init__(self, directory: Path, visible: int, starred: int) -> None:
        super().__init__()
        self.directory = directory
        self.counts = {"visible": visible, "starred": starred}
        self._edited = False
        self._confirm_overwrite: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Label(Text("Export", "bold"), classes="dialog-paper")
            with Horizontal(classes="export-row"):
                yield Select(
                    [
                        (f"the visible list ({self.counts['visible']})", "visible"),
                        (f"the starred papers ({self.counts['starred']})", "starred"),
                    ],
                    value="visible",
                    allow_blank=False,
                    id="export-scope",
                )
                yield Select(
                    [(label, name) for name, label in FORMAT_LABELS.items()],
                    value="bibtex",
                    allow_blank=False,
                    id="export-format",
                )
            yield Input(str(self._suggested("visible", "bibtex")), id="export-path", select_on_focus=False)
            yield Label(
                Text("tab moves · enter in the path writes the file · escape cancels"),
                id="export-hint",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def _suggested(self, scope: str, fmt: str) -> Path:
        return self.directory / default_name(scope, fmt)

    def _choice(self) -> tuple[str, str]:
        scope = self.query_one("#export-scope", Select).value
        fmt = self.query_one("#export-format", Select).value
        return str(scope), str(fmt)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._confirm_overwrite = None
        box = self.query_one("#export-path", Input)
        if not self._edited:
            box.value = str(self._suggested(*self._choice()))
        else:  # keep the user's name, follow the format's extension
            path = Path(box.value)
            box.value = str(path.with_suffix(FORMATS[self._choice()[1]]))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._confirm_overwrite = None
        if event.value != str(self._suggested(*self._choice())):
            self._edited = True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        scope, fmt = self._choice()
        text = event.value.strip()
        hint = self.query_one("#export-hint", Label)
        if not text:
            hint.update(Text("Give a file name.", "bold"))
            return
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.directory / path
        if self.counts[scope] == 0:
            hint.update(Text(f"There are no {scope} papers to export.", "bold"))
            return
        if path.exists() and self._confirm_overwrite != path:
            self._confirm_overwrite = path
            hint.update(Text(f"{path.name} exists: enter again to overwrite it.", "bold"))
            return
        self.dismiss(ExportRequest(scope, fmt, path))

    def action_cancel(self) -> None:
        self.dismiss(None)
