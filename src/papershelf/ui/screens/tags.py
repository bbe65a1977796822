"""The tag dialog: edit a paper's tags as comma-separated text."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from papershelf.store.reading import parse_tags


class TagsScreen(ModalScreen[tuple[str, ...] | None]):
    """Returns the new tags on enter, None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="tags.cancel"),
    ]

    def __init__(self, title: str, tags: tuple[str, ...]) -> None:
        super().__init__()
        self.paper_title = title
        self.tags = tags

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-dialog"):
            yield Label(Text("Tags for"), id="tags-heading")
            yield Label(Text(self.paper_title), id="tags-paper")
            yield Input(", ".join(self.tags), placeholder="e.g. vision, ocr", id="tags-input")
            yield Label(Text("comma-separated · enter saves · escape cancels"), id="tags-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(parse_tags(event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
