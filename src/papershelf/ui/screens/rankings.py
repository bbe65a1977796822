"""The rankings on the main screen: "for you" (per tag from the palette), "more like this" (m),
the cold start, retraining after a star or a tag, and the words behind a paper's score.

A mixin of :class:`~papershelf.ui.screens.main.MainScreen` (after
:class:`~papershelf.ui.screens.saved_views.SavedViews`), which owns ``search`` and the filter.
Training and scoring run in the screen's filter worker (``is_quick`` is false until the scores
for the current stars are at hand), so no key waits for a model: the list keeps its order until
the new one arrives, and the cursor stays on its paper.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import partial

from textual.reactive import reactive

from papershelf.query.search import Query
from papershelf.rank import FORYOU, LIKE, is_ranked
from papershelf.ui.commands import Command
from papershelf.ui.screens.following import Following

# What changes the labels a "for you" model learns from.
RETRAIN_ON = frozenset({"star", "tags", "undo"})


class Rankings(Following):
    _sort_before_like: str = "loaded"
    # Handed down to the status with data_bind:
    hint: reactive[str | None] = reactive(None)  # how to start: nothing to learn from yet
    sort_title: reactive[str] = reactive("")  # "like: <title>" under more like this
    pending: reactive[bool]

    def palette_commands(self) -> Iterable[Command]:
        """Beside the actions and views: "for you" by the stars, and by each tag in use."""
        yield from super().palette_commands()
        yield ("For you", "rank the view by your starred papers", partial(self.rank_by, FORYOU))
        tags = sorted({tag for tags in self.shelf.state.tagged().values() for tag in tags})
        for tag in tags:
            yield (
                f"For you: {tag}",
                f"rank the view by the papers tagged {tag!r}",
                partial(self.rank_by, f"{FORYOU}:{tag}"),
            )

    def rank_by(self, sort: str) -> None:
        self.search = replace(self.search, sort=sort)

    def action_more_like(self) -> None:
        """m: order the view by likeness to the highlighted paper (escape: the sort before)."""
        key = self._current_key()
        if key is None:
            return
        if not self.search.sort.startswith(LIKE):
            self._sort_before_like = self.search.sort
        self.search = replace(self.search, sort=LIKE + key)

    def action_end_like(self) -> None:
        if self.search.sort.startswith(LIKE):
            self.search = replace(self.search, sort=self._sort_before_like)

    def in_like(self) -> bool:
        return self.search.sort.startswith(LIKE)

    def sort_text(self, sort: str) -> str:
        """The status's word for ``sort`` when it is not the sort's own: ``like: <title>``."""
        if sort.startswith(LIKE):
            index = self.collection.index_of(sort[len(LIKE) :])
            title = self.collection.row(index).title if index is not None else sort[len(LIKE) :]
            return f"like: {title}"
        return ""

    def cold_start(self, search: Query, message: str) -> None:
        """No stars (or no paper with the tag): say how to start; the list keeps its order."""
        if search != self.search:
            return
        self.pending = False
        self.hint = message
        self.notify(message, title="For you", timeout=8)

    def retrain(self, label: str) -> None:
        """After a star, an unstar, a tag change (or their undo) under a "for you" sort: rank
        again in the background (the worker trains the new model)."""
        sort = self.search.sort
        if label in RETRAIN_ON and is_ranked(sort) and not sort.startswith(LIKE) and sort != "relevance":
            self._apply(self.search)

    def _apply(self, search: Query) -> None:  # MainScreen: filters the collection
        raise NotImplementedError

    def why_of(self, index: int) -> tuple[float, list[tuple[str, float]]] | None:
        """The score and the words weighing most of the paper at ``index`` under the sort."""
        if not is_ranked(self.search.sort):
            return None
        return self.collection.why(index, self.search.sort, self.shelf.state)
