"""The filter box and the count beside it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Static

from papershelf.collection import PaperView


class FilterBox(Input):
    """Input whose text filters the list as it is typed. Escape clears it, then leaves it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_or_leave", "Clear filter", id="filter.clear"),
    ]

    class Leave(Message):
        """The user is done with the filter box: focus goes back to the list."""

    def action_clear_or_leave(self) -> None:
        if self.value:
            self.value = ""
        else:
            self.post_message(self.Leave())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Leave())


class FilterStatus(Static):
    """``shown/total`` and the active toggles, e.g. ``12/54 · ★ only · unread``."""

    view: reactive[PaperView] = reactive(PaperView.everything(0))
    starred_only: reactive[bool] = reactive(False)
    unread_only: reactive[bool] = reactive(False)

    def render(self) -> Text:
        text = Text(self.view.count_label, "bold")
        if self.starred_only:
            text.append(" · ★ only")
        if self.unread_only:
            text.append(" · unread only")
        return text
