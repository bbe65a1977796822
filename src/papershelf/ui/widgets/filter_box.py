"""The filter box and the count beside it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Input, Static

from papershelf.collection import PaperView
from papershelf.query import SORTS


class FilterBox(Input):
    """Input whose text filters the list as it is typed.

    ``on_text`` is called as the text changes, inside the key's own handling, so the list it
    filters repaints in the same frame as the echoed character (a ``Changed`` message would
    arrive a frame later). Its enter and escape are the screen's bindings (``filter.done``,
    ``filter.clear``).
    """

    def __init__(self, on_text: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_text = on_text

    def watch_value(self, value: str) -> None:
        self._on_text(value)


class FilterStatus(Static):
    """``shown/total`` and the active toggles, e.g. ``12/54 · ★ only · unread``."""

    view: reactive[PaperView] = reactive(PaperView.everything(0))
    starred_only: reactive[bool] = reactive(False)
    unread_only: reactive[bool] = reactive(False)
    pending: reactive[bool] = reactive(False)  # a filter is still running in the background
    fetching: reactive[bool] = reactive(False)  # R: sources are being fetched again
    sort: reactive[str] = reactive("loaded")

    def render(self) -> Text:
        text = Text("⟳ ", "bold") if self.fetching else Text()
        text.append(self.view.count_label, "bold")
        if self.pending:
            text.append(" …", "dim")
        if self.starred_only:
            text.append(" · ★ only")
        if self.unread_only:
            text.append(" · unread only")
        if self.sort != "loaded":
            text.append(f" · {SORTS.get(self.sort, self.sort)}")
        return text
