"""The note dialog: a multi-line note on one paper."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from papershelf.store.reading import clean_note


class NoteScreen(ModalScreen[str | None]):
    """Returns the edited note on ctrl+s (an empty one deletes it), None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save note", id="note.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="note.cancel", priority=True),
    ]

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self.paper_title = title
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="dialog"):
            yield Label(Text("Note on"), classes="dialog-heading")
            yield Label(Text(self.paper_title), classes="dialog-paper")
            yield TextArea(self.note, id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Label(
                Text("ctrl+s saves · escape cancels · an empty note is deleted"), classes="dialog-hint"
            )

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(clean_note(self.query_one(TextArea).text))

    def action_cancel(self) -> None:
        self.dismiss(None)
