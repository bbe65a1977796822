"""What the reader does with papers once decided: open, copy, note, export, mark all, undo, stats.

A mixin of :class:`~papershelf.ui.screens.main.MainScreen`, which declares the bindings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual import work

from papershelf.collection import PaperCollection, PaperView
from papershelf.model import Paper, is_web_url
from papershelf.query.search import Query
from papershelf.store.config import Config
from papershelf.store.files import write_atomic
from papershelf.store.shelf import Shelf
from papershelf.text import counted
from papershelf.ui.screens.guarding import Guarding

# The dialogs, BibTeX and the exporters are imported when first used: bibtexparser and
# Textual's TextArea cost ~80 ms, which the reader's start-up does not pay.

if TYPE_CHECKING:
    from papershelf.ui.screens.export import ExportRequest
    from papershelf.ui.widgets.paper_list import PaperList


# Mark-all keeps the reading state to a size that saves in milliseconds (see README, Reading state).
MARK_ALL_LIMIT = 50_000


class PaperActions(Guarding):
    collection: PaperCollection
    config: Config
    shelf: Shelf
    opener: Callable[[str], bool]
    view: PaperView
    search: Query

    @property
    def paper_list(self) -> PaperList:
        from papershelf.ui.widgets.paper_list import PaperList  # noqa: PLC0415

        return self.query_one(PaperList)

    def _current_paper(self) -> Paper | None:
        index = self.paper_list.current_index
        return None if index is None else self.collection.paper(index)

    def _after_change(self, keys: Sequence[str]) -> None:  # MainScreen redraws what shows them
        raise NotImplementedError

    def retrain(self, label: str) -> None:  # Rankings: a "for you" sort learns the change
        raise NotImplementedError

    # -- open in the browser ---------------------------------------------------------------

    def _open(self, url: str | None, what: str) -> None:
        if not url:
            self.notify(f"This paper has no {what}.", severity="warning")
            return
        if not is_web_url(url):
            self.notify(f"Refused to open {url!r}: only http and https links are opened.", severity="error")
            return
        if self.opener(url):
            self.notify(f"Opened {url}", timeout=3)
        else:
            self.notify(f"No graphical browser to open {url} (y copies the link).", severity="warning")

    def action_open_page(self) -> None:
        """The paper's page; a paper without a known link (pasted page text): arXiv's search
        for its title."""
        paper = self._current_paper()
        if paper is None:
            return
        if paper.page_url is None:
            self.notify("No link known for this paper: searching arXiv for its title.", timeout=4)
            self._open(paper.search_url, "web page")
        else:
            self._open(paper.page_url, "web page")

    def action_open_pdf(self) -> None:
        paper = self._current_paper()
        if paper is not None:
            self._open(paper.pdf_url, "PDF (no arXiv id)")

    # -- clipboard --------------------------------------------------------------------------

    def action_copy_link(self) -> None:
        paper = self._current_paper()
        if paper is None:
            return
        if not paper.page_url:
            self.notify("This paper has no link to copy.", severity="warning")
            return
        if paper.web_url is None:
            self.notify(
                f"Refused to copy {paper.page_url!r}: only http and https links are copied.", severity="error"
            )
            return
        self.app.copy_to_clipboard(paper.web_url)
        self.notify(f"Copied {paper.web_url}", timeout=3)

    def action_copy_bibtex(self) -> None:
        from papershelf.sources.bibtex import dump_bibtex  # noqa: PLC0415

        paper = self._current_paper()
        if paper is None:
            return
        self.app.copy_to_clipboard(dump_bibtex([paper]))
        self.notify("Copied a BibTeX entry", timeout=3)

    # -- note ------------------------------------------------------------------------------

    def action_edit_note(self) -> None:
        from papershelf.ui.screens.note import NoteScreen  # noqa: PLC0415

        paper = self._current_paper()
        if paper is None:
            return

        def save(note: str | None) -> None:
            if note is not None and self.shelf.change(
                "note", {paper.key: self.shelf.state.changed(paper.key, note=note)}
            ):
                self._after_change([paper.key])

        self.app.push_screen(NoteScreen(paper.title, self.shelf.state.note(paper.key)), save)

    # -- mark all, undo ---------------------------------------------------------------------

    def action_mark_all_read(self) -> None:
        from papershelf.ui.screens.confirm import ConfirmScreen  # noqa: PLC0415

        indices = self.view.indices
        if len(indices) > MARK_ALL_LIMIT:
            self.notify(
                f"{len(indices):,} papers are in view; A marks at most {MARK_ALL_LIMIT:,} at once. "
                "Narrow the filter first (e.g. is:unread year:2024).",
                severity="warning",
                timeout=8,
            )
            return
        keys = [self.collection.row(int(i)).key for i in indices]
        unread = [k for k in keys if not self.shelf.state.read(k)]
        if not unread:
            self.notify("Every paper in view is read already.")
            return

        def answer(yes: bool | None) -> None:
            if yes:
                changed = self.shelf.change(
                    "mark all read", {k: self.shelf.state.changed(k, read=True) for k in unread}
                )
                if changed:
                    self._after_change(unread)
                    self.notify(f"Marked {len(unread):,} papers read (ctrl+z undoes it).")

        self.app.push_screen(
            ConfirmScreen(
                f"Mark {counted(len(unread), 'paper')} read?",
                f"Every unread paper of the {len(keys):,} in view. ctrl+z undoes it.",
            ),
            answer,
        )

    def action_undo(self) -> None:
        step = self.shelf.undo()
        if step is None:
            self.notify("Nothing to undo.")
            return
        self._after_change(list(step.before))
        self.retrain("undo")
        count = len(step.before)
        self.notify(f"Undid {step.label}" + (f" ({count:,} papers)" if count > 1 else ""), timeout=3)

    # -- export ---------------------------------------------------------------------------

    def action_export(self) -> None:
        from papershelf.ui.screens.export import ExportScreen  # noqa: PLC0415

        starred = self.collection.indices_of(self.shelf.state.starred_keys())

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                indices = list(self.view.indices) if request.scope == "visible" else sorted(starred.values())
                self._write_export(request, indices)

        self.app.push_screen(
            ExportScreen(self.config.export_directory(), len(self.view), len(starred)), chosen
        )

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _write_export(self, request: ExportRequest, indices: list[int]) -> None:
        from papershelf.output.export import export_text  # noqa: PLC0415

        try:
            papers = [self.collection.paper(int(i)) for i in indices]
            states = [self.shelf.state.get(p.key) for p in papers]
            text = export_text(papers, states, request.fmt, title=self.search.text or request.scope)
            write_atomic(request.path, text)
        except (OSError, ValueError) as error:
            message = getattr(error, "strerror", None) or str(error)
            self.app.call_from_thread(
                self.notify, f"Could not write {request.path}: {message}", title="Export", severity="error"
            )
            return
        self.app.call_from_thread(
            self.notify, f"Wrote {len(papers):,} papers to {request.path}", title="Export", timeout=8
        )

    # -- statistics -----------------------------------------------------------------------

    def action_stats(self) -> None:
        self._compute_stats(self.view, self.search.text)

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def _compute_stats(self, view: PaperView, query: str) -> None:
        from papershelf.output.stats import compute_stats  # noqa: PLC0415
        from papershelf.ui.screens.stats import StatsScreen  # noqa: PLC0415

        snapshot = self.shelf.state.snapshot()
        positions = self.collection.indices_of(snapshot)
        states = {positions[key]: value for key, value in snapshot.items() if key in positions}
        stats = compute_stats(view.indices, view.total, self.collection.dates(), states)
        self.app.call_from_thread(self.app.push_screen, StatsScreen(stats, query))
