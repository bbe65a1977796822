"""The statistics screen: papers per month, top tags, and reading counts for the current view."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from papershelf.output.stats import Stats, bar

BAR_WIDTH = 40


def render_stats(stats: Stats, query: str, width: int = BAR_WIDTH) -> Text:
    out = Text()
    out.append("Statistics", "bold")
    out.append(f"  for {query!r}\n\n" if query else "  for the whole list\n\n", "dim")
    rows = [
        ("papers shown", f"{stats.shown:,} of {stats.total:,}"),
        ("starred", f"{stats.starred:,}"),
        ("read", f"{stats.read:,}  ({stats.shown - stats.read:,} unread)"),
        ("tagged", f"{stats.tagged:,}"),
        ("with a note", f"{stats.noted:,}"),
    ]
    for label, value in rows:
        out.append(f"{label:>14}  ", "dim")
        out.append(f"{value}\n")
    out.append("\nPapers per month\n", "bold")
    if not stats.months:
        out.append("  (no dates)\n", "dim")
    largest = max((count for _, count in stats.months), default=0)
    for month, count in stats.months:
        out.append(f"  {month}  ", "dim")
        out.append(f"{bar(count, largest, width):<{width + 1}}", "bold")
        out.append(f" {count:,}\n")
    if stats.undated:
        out.append(f"  no date  {stats.undated:,}\n", "dim")
    out.append("\nTop tags\n", "bold")
    if not stats.tags:
        out.append("  (no tags in this view: t tags a paper)\n", "dim")
    top = max((count for _, count in stats.tags), default=0)
    for tag, count in stats.tags:
        out.append(f"  {tag[:20]:<20} ")
        out.append(f"{bar(count, top, width // 2):<{width // 2 + 1}}", "bold")
        out.append(f" {count:,}\n")
    return out


class StatsScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,ctrl+t", "close", "Close", id="stats.close", priority=True),
        Binding("j,down", "scroll(1)", "Down", show=False, id="stats.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="stats.up"),
    ]

    def __init__(self, stats: Stats, query: str) -> None:
        super().__init__()
        self.stats = stats
        self.query_text = query

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats-dialog", classes="dialog"):
            yield Static(render_stats(self.stats, self.query_text), id="stats-body")

    def action_scroll(self, lines: int) -> None:
        self.query_one("#stats-dialog", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
