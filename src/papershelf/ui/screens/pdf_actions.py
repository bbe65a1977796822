"""PDFs and citation counts in the reader: ``d`` downloads the highlighted paper's PDF in a
worker (progress in the status line), ``p`` opens the downloaded copy in the system viewer
(else the web PDF), and the queries see ``has:pdf`` and ``citations:``.

A mixin of :class:`~papershelf.ui.screens.main.MainScreen` (before
:class:`~papershelf.ui.screens.saved_views.SavedViews`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work

from papershelf.library.citations import CitationLookup
from papershelf.model import Paper
from papershelf.query.context import Context, StateLookup
from papershelf.query.search import Query, asks_for
from papershelf.store.paths import pdf_dir
from papershelf.store.pdfs import PdfShelf, pdf_link
from papershelf.ui.screens.rankings import Rankings
from papershelf.ui.widgets.paper_detail import Shown

if TYPE_CHECKING:
    from papershelf.fetch.client import SourceConfig

PROGRESS_EVERY = 0.1  # seconds between two progress updates of the status line


class PdfActions(Rankings):
    download: str  # a reactive of MainScreen, shown by the status
    file_opener: Callable[[Path], bool]
    citations: CitationLookup
    _pdf_keys: tuple[Path, int, frozenset[str]] | None = None
    _downloading: frozenset[str] = frozenset()
    _pdf_version: int | None = None  # of the papers directory, when the files were last followed
    shown: Shown | None  # a reactive of MainScreen: what the detail pane shows

    def _show_current(self) -> None:  # MainScreen: the detail pane
        raise NotImplementedError

    @property
    def detail_pending(self) -> bool:  # MainScreen: the pane is about to show another paper
        raise NotImplementedError

    def _synced(self) -> None:
        """Following the files (each second) also follows the papers directory: a PDF deleted
        or added by hand (or by ``papershelf download``) shows in the detail pane and in a
        ``has:pdf`` view at once."""
        super()._synced()
        version = self.pdf_shelf.version()
        seen, self._pdf_version = self._pdf_version, version
        if seen is None or seen == version:
            return
        if asks_for(self.search)[0]:
            self._apply(self.search)
        shown = self.shown
        if shown is None or shown.paper is None or self.detail_pending:
            return
        if self.pdf_shelf.find(shown.paper) != shown.pdf:
            self._show_current()

    @property
    def pdf_shelf(self) -> PdfShelf:
        return PdfShelf(self.config.pdf_dir or pdf_dir())

    def pdf_keys(self) -> frozenset[str]:
        """Keys of the downloaded papers, read again whenever the directory changed (a file
        added or deleted by hand shows at the next filter)."""
        shelf = self.pdf_shelf
        version = shelf.version()
        cached = self._pdf_keys
        if cached is not None and cached[0] == shelf.directory and cached[1] == version:
            return cached[2]
        collection = self.collection
        keys = shelf.keys(lambda: (collection.row(i).key for i in range(len(collection))))
        self._pdf_keys = (shelf.directory, version, keys)
        return keys

    def query_context(self, state: StateLookup, search: Query) -> Context:
        """What ``search`` is evaluated against: state, watch list, and the downloaded PDFs and
        citation counts when it asks for them (read then, not at start-up)."""
        pdfs, counts = asks_for(search)
        return Context(
            state,
            self.config.watch,
            self.pdf_keys() if pdfs else frozenset(),
            self.citations.counts() if counts else {},
        )

    def paper_facts(self, paper: Paper) -> dict[str, Any]:
        """What the detail pane shows beside the paper: its local PDF and citation count."""
        return {"pdf": self.pdf_shelf.find(paper), "citations": self.citations.get(paper.key)}

    # -- p, d -------------------------------------------------------------------------------

    def action_open_pdf(self) -> None:
        paper = self._current_paper()
        if paper is None:
            return
        local = self.pdf_shelf.find(paper)
        if local is None:
            super().action_open_pdf()
        elif self.file_opener(local):
            self.notify(f"Opened {local}", timeout=3)
        else:
            self.notify(f"No PDF viewer to open {local} (xdg-open not found).", severity="warning")

    def action_download(self) -> None:
        paper = self._current_paper()
        if paper is None:
            return
        local = self.pdf_shelf.find(paper)
        if local is not None:
            self.notify(f"Already downloaded: {local} (p opens it)", timeout=4)
            return
        if paper.key in self._downloading:
            self.notify("Already downloading this paper.")
            return
        from papershelf.fetch.client import FetchError, SourceConfig  # noqa: PLC0415 - httpx: not at start

        try:
            config = SourceConfig.from_env(base=self.config.sources)
        except FetchError as error:
            self.notify(str(error), title="Download", severity="error")
            return
        if pdf_link(paper, config.arxiv_pdf_url) is None:
            self.notify(
                "This paper has no PDF link (no arXiv id, and its link is not a PDF).", severity="warning"
            )
            return
        self._downloading = self._downloading | {paper.key}
        self._show_download(paper.title, 0, None)
        self._download(paper, config, self.pdf_shelf)

    @work(thread=True, group="download", exit_on_error=False)
    def _download(self, paper: Paper, config: SourceConfig, shelf: PdfShelf) -> None:
        from papershelf.fetch.client import Fetcher, FetchError  # noqa: PLC0415
        from papershelf.fetch.pdf import download  # noqa: PLC0415

        fetcher = Fetcher(config)
        last = 0.0

        def progress(received: int, total: int | None) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY:
                last = now
                self.app.call_from_thread(self._show_download, paper.title, received, total)

        try:
            path = download(fetcher, paper, shelf, on_progress=progress)
        except FetchError as error:
            self.app.call_from_thread(self._downloaded, paper, None, str(error))
            return
        finally:
            fetcher.close()
        self.app.call_from_thread(self._downloaded, paper, path, None)

    def _show_download(self, title: str, received: int, total: int | None) -> None:
        done = f"{received * 100 // total}%" if total else f"{received // 1024:,} kB"
        self.download = f"⇣ {done} {title[:24]}"

    def _downloaded(self, paper: Paper, path: Path | None, problem: str | None) -> None:
        self._downloading = self._downloading - {paper.key}
        self.download = ""
        if path is None:
            self.notify(problem or "failed", title="Download failed", severity="error", timeout=10)
            return
        self.notify(f"Saved {path.name} in {path.parent} (p opens it)", title="Downloaded", timeout=6)
        self._after_change([paper.key])
