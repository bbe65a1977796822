"""The filter box and the count beside it."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Input, Static

from papershelf.collection import PaperView


class FilterBox(Input):
    """Input whose text filters the list as it is typed.

    Its enter and escape are the screen's bindings (``filter.done``, ``filter.clear``).
    """


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
