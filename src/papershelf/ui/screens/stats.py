"""The statistics screen: a chart of papers per month (quarter, year), top tags, and reading
counts for the current view."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static
from textual_plotext import PlotextPlot

from papershelf.output.stats import Stats, bar, rolled_up

BAR_WIDTH = 40


def render_stats(stats: Stats, query: str) -> Text:
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
    unit, bars = rolled_up(stats.months)
    out.append(f"\nPapers per {unit}", "bold")
    if bars:
        out.append(f"  {bars[0][0]} … {bars[-1][0]}", "dim")
    out.append("\n")
    if not bars:
        out.append("  (no dates)\n", "dim")
    if stats.undated:
        out.append(f"  no date: {stats.undated:,}\n", "dim")
    return out


def render_tags(stats: Stats, width: int = BAR_WIDTH) -> Text:
    out = Text()
    out.append("Top tags\n", "bold")
    if not stats.tags:
        out.append("  (no tags in this view: t tags a paper)\n", "dim")
    top = max((count for _, count in stats.tags), default=0)
    for tag, count in stats.tags:
        out.append(f"  {tag[:20]:<20} ")
        out.append(f"{bar(count, top, width // 2):<{width // 2 + 1}}", "bold")
        out.append(f" {count:,}\n")
    return out


class PapersChart(PlotextPlot):
    """Papers per month (or quarter, or year, when the range is long) as a bar chart."""

    def __init__(self, unit: str, bars: list[tuple[str, int]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.unit = unit
        self.bars = bars

    def on_mount(self) -> None:
        plt = self.plt
        labels = [label for label, _ in self.bars]
        plt.bar(labels, [count for _, count in self.bars], marker="hd")
        step = -(-len(labels) // 7)  # at most 7 labels under the bars, so none overlap
        plt.xticks([float(x) for x in range(1, len(labels) + 1)][::step], labels[::step])
        top = max(count for _, count in self.bars)
        plt.yticks(sorted({float(round(top * i / 4)) for i in range(5)}))  # whole papers
        plt.frame(False)


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
            unit, bars = rolled_up(self.stats.months)
            if bars:
                yield PapersChart(unit, bars, id="stats-chart")
            yield Static(render_tags(self.stats), id="stats-tags")

    def action_scroll(self, lines: int) -> None:
        self.query_one("#stats-dialog", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
