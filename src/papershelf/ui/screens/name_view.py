"""The ctrl+s dialog: a name for the current query and sort."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from papershelf.text import clean_line


class NameViewScreen(ModalScreen[str | None]):
    """Returns the name on enter (None on escape or an empty name)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="view.cancel")]

    def __init__(self, suggestion: str) -> None:
        super().__init__()
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-dialog"):
            yield Label(Text("Save this view as"), id="tags-heading")
            yield Input(self.suggestion, placeholder="a name, e.g. unread vision", id="view-name")
            yield Label(
                Text("enter saves (same name: replaced) · 1-9 recall · escape cancels"), id="tags-hint"
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(clean_line(event.value) or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
