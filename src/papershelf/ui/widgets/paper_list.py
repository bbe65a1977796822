"""The paper list: a Line API widget that draws only the rows on screen.

It holds a :class:`PaperView` (an index array into the collection) and a cursor position in that
view. Swapping the view is O(1) for the widget: set ``virtual_size``, refresh, and rows are drawn
(and cached as strips) only when they scroll into sight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, cast

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from papershelf.collection import PaperCollection, PaperView, Row
from papershelf.latex import to_unicode
from papershelf.query.context import StateLookup
from papershelf.query.highlight import match_spans
from papershelf.ui.actions import bindings

MARKER_WIDTH = 4
DATE_WIDTH = 10
UPVOTE_WIDTH = 4


class PaperList(ScrollView, can_focus=True):
    """Scrollable list of papers with a cursor.

    Its keys are priority bindings, like the screen's: handled in the order they arrive, so in
    a burst of keys none is overtaken by a later one (see :mod:`papershelf.ui.actions`).
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("list")  # type: ignore[assignment]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paper-list--cursor",
        "paper-list--read",
        "paper-list--star",
        "paper-list--unread",
        "paper-list--meta",
        "paper-list--empty",
        "paper-list--match",
        "paper-list--watched",
    }

    view: reactive[PaperView] = reactive(PaperView.everything(0), always_update=True)
    cursor: reactive[int] = reactive(0, always_update=True)
    # The filter's words (matched words are highlighted) and the papers on the watch list: both
    # handed down by the screen with data_bind.
    highlight: reactive[tuple[str, ...]] = reactive(())
    watched: reactive[frozenset[int]] = reactive(frozenset())
    # What the rows are read from; a refetch hands down a new one (the same papers at the same
    # indices, and more) with data_bind.
    collection: reactive[PaperCollection] = reactive(cast("PaperCollection", None), init=False, repaint=False)

    class Highlighted(Message):
        """The cursor moved to another paper (``index`` into the collection, None if empty)."""

        def __init__(self, paper_list: PaperList, index: int | None) -> None:
            super().__init__()
            self.paper_list = paper_list
            self.index = index

        @property
        def control(self) -> PaperList:
            """The list whose cursor moved (so ``@on(PaperList.Highlighted, "#papers")`` works)."""
            return self.paper_list

    def __init__(
        self,
        collection: PaperCollection,
        state: StateLookup,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.set_reactive(PaperList.collection, collection)
        self.state = state
        self._cache: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._style_cache: dict[tuple[object, ...], RowStyles] = {}
        self._last_highlighted: int | None = -1

    # -- what is highlighted ---------------------------------------------------------------

    def watch_collection(self) -> None:
        """Draw from the new collection from now on."""
        self._cache.clear()
        self.refresh()

    @property
    def current_index(self) -> int | None:
        """The collection index under the cursor, or None when the view is empty."""
        if not len(self.view):
            return None
        return int(self.view.indices[min(self.cursor, len(self.view) - 1)])

    def select_index(self, index: int) -> bool:
        """Move the cursor to collection index ``index`` if the view shows it."""
        position = self.view.position_of(index)
        if position is None:
            return False
        self.cursor = position
        return True

    # -- reactive plumbing -----------------------------------------------------------------

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self.view) - 1))

    def watch_view(self, old: PaperView, new: PaperView) -> None:
        previous = None
        if len(old) and self.cursor < len(old):
            previous = int(old.indices[self.cursor])
        self.virtual_size = Size(self.scrollable_content_region.width, len(new))
        if previous is None or not self.select_index(previous):
            self.cursor = self.cursor  # re-clamp to the new length
        self._scroll_cursor_into_view()
        self.refresh()
        self._post_highlighted()

    def watch_highlight(self) -> None:
        self.refresh()

    def watch_watched(self) -> None:
        self.refresh()

    def notify_style_update(self) -> None:
        """A theme or CSS change: rows drawn in the old styles are drawn again."""
        super().notify_style_update()
        self._cache.clear()
        self._style_cache.clear()

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self._post_highlighted()

    def _post_highlighted(self) -> None:
        index = self.current_index
        if index != self._last_highlighted:
            self._last_highlighted = index
            self.post_message(self.Highlighted(self, index))

    def _scroll_cursor_into_view(self) -> None:
        if not len(self.view):
            return
        if (
            not self.scrollable_content_region.height
            or self.max_scroll_y < self.virtual_size.height - self.size.height
        ):
            # Before the layout has caught up with the size or the row count, a scroll would be
            # clamped to the old extent: do it once the next frame is laid out.
            self.call_after_refresh(self._scroll_cursor_now)
            return
        self._scroll_cursor_now()

    def _scroll_cursor_now(self) -> None:
        if len(self.view):
            self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, force=True, immediate=True)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.view))
        self._scroll_cursor_into_view()

    # -- actions ---------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.view) - 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height - 1)

    def on_click(self, event: object) -> None:
        offset = getattr(event, "y", None)
        if isinstance(offset, int):
            self.cursor = int(self.scroll_offset.y) + offset

    # -- drawing ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        position = int(self.scroll_offset.y) + y
        if position >= len(self.view):
            styles = self._row_styles(read=False, selected=False)
            if position == 0:
                return Strip([Segment("  No papers match.", styles.empty)]).adjust_cell_length(
                    width, styles.text
                )
            return Strip.blank(width, styles.text)
        index = int(self.view.indices[position])
        row = self.collection.row(index)
        starred = self.state.starred(row.key)
        read = self.state.read(row.key)
        selected = position == self.cursor
        watched = index in self.watched
        cache_key = (
            index,
            width,
            selected,
            starred,
            read,
            watched,
            self.has_focus,
            self.app.theme,
            self.highlight,
        )
        strip = self._cache.get(cache_key)
        if strip is None:
            strip = self._render_row(
                row, starred=starred, read=read, selected=selected, watched=watched, width=width
            )
            self._cache[cache_key] = strip
        return strip

    def _title_segments(self, title: str, styles: RowStyles, *, watched: bool) -> list[Segment]:
        """The title, with the words the filter matched in the highlight style."""
        plain = styles.watched if watched else styles.text
        spans = match_spans(title, self.highlight)
        if not spans:
            return [Segment(title, plain)]
        segments = []
        at = 0
        for start, end in spans:
            if start > at:
                segments.append(Segment(title[at:start], plain))
            segments.append(Segment(title[start:end], plain + styles.match))
            at = end
        if at < len(title):
            segments.append(Segment(title[at:], plain))
        return segments

    def _row_styles(self, *, read: bool, selected: bool) -> RowStyles:
        """The rich styles of one kind of row, computed once per focus state and theme."""
        key = (read, selected, self.has_focus, self.app.theme)
        styles = self._style_cache.get(key)
        if styles is None:
            text = self.rich_style
            if read:
                text += self.get_component_rich_style("paper-list--read")
            if selected:
                text += self.get_component_rich_style("paper-list--cursor")
            styles = RowStyles(
                text=text,
                star=text + self.get_component_rich_style("paper-list--star"),
                unread=text + self.get_component_rich_style("paper-list--unread"),
                meta=text + self.get_component_rich_style("paper-list--meta"),
                empty=text + self.get_component_rich_style("paper-list--empty"),
                match=self.get_component_rich_style("paper-list--match"),
                watched=text + self.get_component_rich_style("paper-list--watched"),
            )
            self._style_cache[key] = styles
        return styles

    def _render_row(
        self, row: Row, *, starred: bool, read: bool, selected: bool, watched: bool, width: int
    ) -> Strip:
        """`` ★• Title…   2024-09-06  ▲12 ``, built straight from segments (a row is drawn
        for every line scrolled into view, so this stays cheap)."""
        styles = self._row_styles(read=read, selected=selected)
        right = f" {(row.published or '—'):>{DATE_WIDTH}}{'▲' + str(row.upvotes):>{UPVOTE_WIDTH + 1}} "
        title_width = max(0, width - MARKER_WIDTH - len(right))
        segments = [
            Segment(" ", styles.text),
            Segment("★" if starred else " ", styles.star),
            Segment(" " if read else "•", styles.unread),
            Segment(" ", styles.text),
            *self._title_segments(fit(to_unicode(row.title), title_width), styles, watched=watched),
            Segment(right, styles.meta),
        ]
        return Strip(segments).adjust_cell_length(width, styles.text)


@dataclass(frozen=True, slots=True)
class RowStyles:
    text: Style
    star: Style
    unread: Style
    meta: Style
    empty: Style
    match: Style  # laid over text or watched
    watched: Style


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells with an ellipsis, or padded to it."""
    if width <= 0:
        return ""
    if text.isascii():
        if len(text) <= width:
            return text.ljust(width)
        return text[: width - 1] + "…"
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"
