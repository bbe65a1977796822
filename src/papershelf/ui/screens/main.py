"""The main screen: filter box, paper list and detail pane.

The screen owns the filter (``search``) and its result (``view``) and hands them to its
children with ``data_bind``; the widgets only draw and forward keys.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.command import Provider
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Footer
from textual.worker import get_current_worker

from papershelf.collection import PaperCollection, PaperView, Positions
from papershelf.collection.guarded import CollectionDamaged
from papershelf.library.citations import CitationLookup
from papershelf.query.context import Cancelled, Context
from papershelf.query.search import Query, next_sort
from papershelf.query.tree import Flag, needs
from papershelf.rank import ColdStart
from papershelf.store.config import Config
from papershelf.store.reading import ReadingState
from papershelf.store.shelf import Shelf
from papershelf.ui.actions import bindings, where
from papershelf.ui.commands import PaperCommands
from papershelf.ui.opener import open_file
from papershelf.ui.refetch import Refetcher
from papershelf.ui.screens.help import HelpScreen
from papershelf.ui.screens.refetching import Refetching
from papershelf.ui.screens.tags import TagsScreen
from papershelf.ui.widgets.filter_box import FilterBox, FilterStatus
from papershelf.ui.widgets.paper_detail import PaperDetail, Shown
from papershelf.ui.widgets.paper_list import PaperList

# Seconds the highlighted paper must stay put before the detail pane shows it.
DETAIL_DELAY = 0.05
# ... and after a key typed into the filter (a typing burst: the list first, the pane at a pause).
TYPING_DETAIL_DELAY = 0.15
# mark_read = "highlight": seconds a paper must stay shown to count as read.
READ_AFTER = 1.0


def _asks_watched(search: Query) -> bool:
    return needs(search.text_tree, Flag, lambda node: isinstance(node, Flag) and node.name == "watched")


class MainScreen(Refetching):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012 (Textual API)
    # The list has the focus at start, unless a key typed while the app started (a "/") has
    # moved it already: focusing in on_mount took it back, and the next letters were commands.
    AUTO_FOCUS = "PaperList"

    # Every key of the table (papershelf.ui.actions) is a priority binding: it acts the moment
    # the app reads it, before any later key is handed to a widget. ``check_action`` turns each
    # off where it does not apply (letters type into the filter box while it has focus).
    BINDINGS: ClassVar[list[BindingType]] = bindings("screen")  # type: ignore[assignment]
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {PaperCommands}

    view: reactive[PaperView] = reactive(PaperView.everything(0), always_update=True)
    search: reactive[Query] = reactive(Query(), init=False)
    # Handed down to the list and the status with data_bind:
    highlight: reactive[tuple[str, ...]] = reactive(())  # the words the query looks for
    watched: reactive[frozenset[int]] = reactive(frozenset())  # papers on the watch list
    pending: reactive[bool] = reactive(False)  # a filter is still running in the background
    fetching: reactive[bool] = reactive(False)  # R: sources are being fetched again
    unsaved: reactive[int] = reactive(0)  # papers whose changes could not be saved (disk full)
    download: reactive[str] = reactive("")  # d: a PDF is downloading ("⇣ 40% Title…")
    # ... and to the detail pane: what it shows (every assignment redraws it).
    shown: reactive[Shown | None] = reactive(None, always_update=True, init=False, repaint=False)
    # ... and to the list: the papers (a refetch brings a new collection).
    collection: reactive[PaperCollection] = reactive(cast("PaperCollection", None), init=False, repaint=False)

    def __init__(
        self,
        collection: PaperCollection,
        config: Config,
        shelf: Shelf,
        *,
        opener: Callable[[str], bool],
        refetcher: Refetcher | None = None,
        file_opener: Callable[[Path], bool] = open_file,
        citations: CitationLookup | None = None,
    ) -> None:
        super().__init__()
        self.set_reactive(MainScreen.collection, self.guarded(collection))
        self.config = config
        self.shelf = shelf
        self.opener = opener
        self.file_opener = file_opener  # a downloaded PDF in the system viewer (tests inject one)
        self.citations = citations or CitationLookup()
        self.refetcher = refetcher
        self._detail_timer: Timer | None = None
        self._typed_at = 0.0  # time.monotonic() of the last key typed into the filter
        self._read_timer: Timer | None = None
        self._top_on_next_view = False
        self._session_key: str | None = None
        self._told_no_watch_list = False
        self.set_reactive(MainScreen.view, PaperView.everything(len(collection)))
        self.set_reactive(MainScreen.search, Query(sort=config.default_sort))

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                with Horizontal(id="filter-row"):
                    yield FilterBox(
                        self._set_filter_text,
                        placeholder="/ to filter: words, prefixes…",
                        id="filter",
                        select_on_focus=False,
                    ).data_bind(MainScreen.search)
                    yield FilterStatus(id="count").data_bind(
                        MainScreen.view,
                        MainScreen.search,
                        MainScreen.pending,
                        MainScreen.fetching,
                        MainScreen.unsaved,
                        MainScreen.download,
                        MainScreen.hint,
                        MainScreen.sort_title,
                    )
                yield PaperList(self.collection, self.shelf.state, id="papers").data_bind(
                    MainScreen.view, MainScreen.highlight, MainScreen.watched, MainScreen.collection
                )
            yield PaperDetail(id="detail").data_bind(MainScreen.shown)
        yield Footer()

    def on_mount(self) -> None:
        if not self._restore(self.shelf.session) and self.search.sort != "loaded":
            self._top_on_next_view = True  # config.toml's default_sort: start at its first paper
            self._apply(self.search)
        self._show_current()
        self._warm_up()
        self._start_following()
        if self.config.watch is not None:
            self._find_watched(self.collection)

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def _find_watched(self, collection: PaperCollection) -> None:
        """Which papers the watch list matches (drawn in their own colour)."""
        context = self.query_context(ReadingState(self.shelf.state.snapshot()), Query("is:watched"))
        found = frozenset(collection.filter(Query("is:watched"), context).tolist())
        self.app.call_from_thread(self._set_watched, found)

    def _set_watched(self, found: frozenset[int]) -> None:
        self.watched = found
        self._show_current()  # the detail pane says whether the paper is watched

    @work(thread=True, exclusive=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        worker = get_current_worker()
        self.collection.warm_up(lambda: worker.is_cancelled)

    @property
    def detail(self) -> PaperDetail:
        return self.query_one(PaperDetail)

    # -- filtering -------------------------------------------------------------------------

    def _set_filter_text(self, text: str) -> None:
        if text != self.search.text:
            self._typed_at = time.monotonic()
            self.search = replace(self.search, text=text)

    def watch_view(self, view: PaperView) -> None:
        if self.is_mounted and self.why_of(0) is not None:
            self._schedule_detail()  # a new model: the detail pane's score and words follow
        if self._top_on_next_view:
            self._top_on_next_view = False
            # After the list has taken the view (it keeps the cursor's paper when it does).
            self.call_after_refresh(setattr, self.paper_list, "cursor", 0)

    def watch_search(self, search: Query) -> None:
        self._apply(search)

    def _apply(self, search: Query) -> None:
        """Filter the collection for ``search`` (at once when quick, else in a worker).

        Text that does not parse changes nothing but the box: the list keeps the last good
        result, the box turns to its error style and the status says what is wrong and where.
        """
        if search.problem is not None:  # the box and the status show it (data_bind)
            self.workers.cancel_group(self, "filter")
            self.pending = False
            return
        if self.config.watch is None and not self._told_no_watch_list and _asks_watched(search):
            self._told_no_watch_list = True
            self.notify(
                "is:watched finds nothing: there is no watch list yet. Add authors or keywords under "
                "[watch] in config.toml (papershelf config path).",
                severity="warning",
                timeout=10,
            )
        if search.words != self.highlight:
            self.highlight = search.words
            if self.is_mounted:
                self._schedule_detail()  # the abstract's highlights follow the words
        self.sort_title, self.hint = self.sort_text(search.sort), None
        if self.collection.is_quick(search, self.shelf.state):
            self.workers.cancel_group(self, "filter")
            context = self.query_context(self.shelf.state, search)
            try:
                self.view = PaperView(self.collection.filter(search, context), len(self.collection))
            except CollectionDamaged:  # said already; the list keeps the last good result
                return
        else:
            self.pending = True
            # The worker gets a copy of the reading state: the UI may change it meanwhile.
            self._filter_in_background(
                search, self.query_context(ReadingState(self.shelf.state.snapshot()), search)
            )

    @work(thread=True, exclusive=True, group="filter")
    def _filter_in_background(self, search: Query, context: Context) -> None:
        worker = get_current_worker()
        # A newer keystroke or escape cancels the worker: the filter's loops stop within a few
        # hundred papers instead of reading every candidate's text to the end.
        context = replace(context, cancelled=lambda: worker.is_cancelled)
        try:
            # A query that reads text shows its first rows as soon as they are known.
            first = self.collection.preview(search, context)
            if first is not None and not worker.is_cancelled:
                self.app.call_from_thread(self._set_view, search, first, partial=True)
            indices = self.collection.filter(search, context)
        except (Cancelled, CollectionDamaged):  # damage is said already; the last result stays
            return
        except ColdStart as cold:  # no stars yet (or "like" of a paper gone): say how to start
            self.app.call_from_thread(self.cold_start, search, str(cold))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._set_view, search, indices)

    def _set_view(self, search: Query, indices: Positions, *, partial: bool = False) -> None:
        if search == self.search:  # a newer keystroke's answer may already be showing
            self.pending = partial
            self.view = PaperView(indices, len(self.collection), partial)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        focused = self.focused
        in_filter = isinstance(focused, FilterBox)
        if action == "refetch" and self.refetcher is None:
            return False  # a list opened from files has no sources to fetch: no key for it
        acts = where(action)
        if acts == "not typing":
            return not in_filter
        if acts == "list":
            return isinstance(focused, PaperList)
        if acts == "filter":
            return in_filter
        if acts == "like":  # escape leaves "more like this" (only then is it this key's)
            return isinstance(focused, PaperList) and self.in_like()
        if acts == "detail":
            return isinstance(focused, PaperDetail)
        return True

    def action_leave_filter(self) -> None:
        self.set_focus(self.paper_list)

    def action_clear_filter(self) -> None:
        """Escape in the filter box: clear it; when already empty, go back to the list."""
        box = self.query_one(FilterBox)
        if box.value:
            box.value = ""
        else:
            self.set_focus(self.paper_list)

    def action_back(self) -> None:
        self.set_focus(self.paper_list)

    async def action_quit(self) -> None:
        await self.app.action_quit()  # asks first when changes could not be saved

    def action_focus_filter(self) -> None:
        box = self.query_one(FilterBox)
        if box.has_focus:
            box.insert_text_at_cursor("/")
        else:
            # set_focus, not focus(): the next key must already land in the box.
            self.set_focus(box)

    def action_toggle_starred_only(self) -> None:
        self.search = replace(self.search, starred_only=not self.search.starred_only)

    def action_toggle_unread_only(self) -> None:
        self.search = replace(self.search, unread_only=not self.search.unread_only)

    def action_cycle_sort(self) -> None:
        """Next sort order; the cursor stays on the same paper (wherever it moves to)."""
        self.search = replace(self.search, sort=next_sort(self.search.sort))

    def on_paper_list_highlighted(self, event: PaperList.Highlighted) -> None:
        self._session_key = self._current_key()  # kept for the session: unmounted, the list is gone
        self._schedule_detail()

    def _schedule_detail(self) -> None:
        # The detail pane follows once the cursor or the filter settles: re-laying out a long
        # abstract costs more than a frame, and the list must repaint at once on every key.
        # While a query is typed, it waits for a pause in the typing: laid out between two keys
        # of a burst it would hold up the next key's repaint (key p50 at 100k: ~15 ms, ~8 without).
        if self._detail_timer is not None:
            self._detail_timer.stop()
        typing = time.monotonic() - self._typed_at < TYPING_DETAIL_DELAY
        delay = TYPING_DETAIL_DELAY if typing else DETAIL_DELAY
        self._detail_timer = self.set_timer(delay, self._show_current)

    @property
    def detail_pending(self) -> bool:
        """Whether the detail pane is about to change to the highlighted paper."""
        return self._detail_timer is not None

    def _show_current(self) -> None:
        self._detail_timer = None
        index = self.paper_list.current_index
        if index is None:
            self.shown = Shown(None, self.shelf.state.get(""))
        else:
            paper = self.collection.paper(index)
            self.shown = Shown(
                paper,
                self.shelf.state.get(paper.key),
                self.search.words,
                watched=index in self.watched,
                why=self.why_of(index),
                **self.paper_facts(paper),
            )
            if self.config.mark_read == "highlight" and not self.shelf.state.read(paper.key):
                if self._read_timer is not None:
                    self._read_timer.stop()
                self._read_timer = self.set_timer(READ_AFTER, partial(self._read_if_shown, paper.key))

    def _read_if_shown(self, key: str) -> None:
        """mark_read = "highlight": the paper still shown a moment later counts as read."""
        self._read_timer = None
        if self._current_key() == key and self.detail.shown_key == key:
            self._change(key, "read", read=True)

    def action_open(self) -> None:
        """Read the highlighted paper: focus its abstract and mark it read (unless mark_read is
        "manual")."""
        key = self._current_key()
        if key is not None:
            if self.config.mark_read != "manual":
                self._change(key, "read", read=True)
            self.set_focus(self.detail)

    def _current_key(self) -> str | None:
        index = self.paper_list.current_index
        return None if index is None else self.collection.row(index).key

    def _change(self, key: str, label: str, **changes: object) -> None:
        """Change one paper's reading state (one undo step), save it, and redraw what shows it.

        The view is not re-filtered: a paper starred off in a "★ only" view stays until the
        filter changes, so the cursor never jumps under the reader.
        """
        if self.shelf.update(key, label, **changes):
            self._after_change([key])
            self.retrain(label)

    def _after_change(self, keys: Sequence[str]) -> None:
        self.paper_list.refresh()
        if self._current_key() in keys:
            self._show_current()

    def action_toggle_star(self) -> None:
        key = self._current_key()
        if key is not None:
            self._change(key, "star", starred=not self.shelf.state.starred(key))

    def action_toggle_read(self) -> None:
        key = self._current_key()
        if key is not None:
            self._change(key, "read mark", read=not self.shelf.state.read(key))

    def action_edit_tags(self) -> None:
        index = self.paper_list.current_index
        if index is None:
            return
        paper = self.collection.paper(index)

        def apply(tags: tuple[str, ...] | None) -> None:
            if tags is not None:
                self._change(paper.key, "tags", tags=tags)

        self.app.push_screen(TagsScreen(paper.title, self.shelf.state.tags(paper.key)), apply)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen([PaperList, PaperDetail, type(self)]))
