"""The filter box and the count beside it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rich.highlighter import Highlighter
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Input, Static

from papershelf.collection import PaperView
from papershelf.query.search import Query, sort_label
from papershelf.text import counted


class QueryHighlighter(Highlighter):
    """Colours the query language as it is typed; marks where a query stops parsing."""

    _PARTS = (
        (re.compile(r'"[^"]*"?'), "green"),
        (re.compile(r"(?:(?<=\s)|^)-(?=\S)|\b(?:OR|AND|NOT)\b|\|"), "bold magenta"),
        (re.compile(r"\b[A-Za-z]+:"), "cyan"),
        (re.compile(r"[()]"), "bold"),
    )

    def __init__(self) -> None:
        self.error_at: int | None = None

    def highlight(self, text: Text) -> None:
        plain = text.plain
        for pattern, style in self._PARTS:
            for match in pattern.finditer(plain):
                text.stylize(style, *match.span())
        if self.error_at is not None:
            at = min(self.error_at, max(len(plain) - 1, 0))
            text.stylize("bold white on red", at, at + 1)


class FilterBox(Input):
    """Input whose text filters the list as it is typed.

    ``on_text`` is called as the text changes, inside the key's own handling, so the list it
    filters repaints in the same frame as the echoed character (a ``Changed`` message would
    arrive a frame later). Its enter and escape are the screen's bindings (``filter.done``,
    ``filter.clear``).
    """

    def __init__(self, on_text: Callable[[str], None], **kwargs: Any) -> None:
        self._highlighter = QueryHighlighter()
        super().__init__(highlighter=self._highlighter, **kwargs)
        self._on_text = on_text

    search: reactive[Query] = reactive(Query(), init=False)  # handed down by the screen (data_bind)

    @property
    def error_at(self) -> int | None:
        """Where the query stops parsing: that character is marked."""
        return self._highlighter.error_at

    def watch_search(self, search: Query) -> None:
        problem = search.problem
        self.set_class(problem is not None, "-error")
        position = None if problem is None else problem.position
        if position != self._highlighter.error_at:
            self._highlighter.error_at = position
            self.refresh()

    def watch_value(self, value: str) -> None:
        self._on_text(value)


class FilterStatus(Static):
    """``shown/total`` and the active toggles, e.g. ``12/54 · ★ only · unread``."""

    # All handed down by the screen with data_bind.
    view: reactive[PaperView] = reactive(PaperView.everything(0))
    search: reactive[Query] = reactive(Query())  # its toggles, sort and parse error are shown
    pending: reactive[bool] = reactive(False)  # a filter is still running in the background
    fetching: reactive[bool] = reactive(False)  # R: sources are being fetched again
    download: reactive[str] = reactive("")  # d: a PDF is downloading ("⇣ 40% Title…")
    unsaved: reactive[int] = reactive(0)  # papers whose changes could not be saved (disk full)
    hint: reactive[str | None] = reactive(None)  # how to start a ranking that has no labels yet
    sort_title: reactive[str] = reactive("")  # the sort's name when it is not its own ("like: …")

    def watch_search(self, search: Query) -> None:
        self.set_class(search.problem is not None, "-error")

    def render(self) -> Text:
        search = self.search
        text = Text("⟳ ", "bold") if self.fetching else Text()
        if self.download:
            text.append(self.download + " · ", "bold")
        if self.unsaved:
            papers = counted(self.unsaved, "paper")
            text.append(f"⚠ changes not saved ({papers}) · ", "bold red")
        if search.error is not None:
            text.append(f"⚠ {search.error} · ", "bold")
            text.append(self.view.count_label, "bold")
            return text
        text.append(self.view.count_label, "bold")
        if self.pending:
            text.append(" …", "dim")
        if search.starred_only:
            text.append(" · ★ only")
        if search.unread_only:
            text.append(" · unread only")
        if search.sort != "loaded":
            text.append(f" · {self.sort_title or sort_label(search.sort)}")
        if self.hint:
            text.append(f" · {self.hint}", "italic")
        return text
