"""``papershelf download [QUERY]``: the matching papers' PDFs into the papers directory."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, Task, TaskID, TaskProgressColumn, TextColumn
from rich.text import Text

from papershelf.cli._common import ExitCode, load_state, matching, query_context
from papershelf.cli.fetch import settings_and_sources
from papershelf.fetch.client import Fetcher, FetchError
from papershelf.fetch.pdf import download
from papershelf.query.search import Query
from papershelf.store.paths import pdf_dir
from papershelf.store.pdfs import PdfShelf, ident, pdf_link


class SizeOrCount(DownloadColumn):
    """Bytes for one file's bar, ``n/m PDFs`` for the overall one (a task with ``files=True``)."""

    def render(self, task: Task) -> Text:
        if task.fields.get("files"):
            return Text(f"{int(task.completed)}/{int(task.total or 0)} PDFs", style="progress.download")
        return super().render(task)


def build_download_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="papershelf download",
        description="Download the PDFs of the library papers matching QUERY (the filter box's query "
        "language, e.g. 'is:starred') into the papers directory (pdf_dir in config.toml; default "
        "'papers' in the user data directory), as '<arXiv id or key> <short title>.pdf'. Papers "
        "already there are skipped; arXiv's 3 s between requests is kept. Exit 1 with a one-line "
        "reason on a network error (a half-downloaded file stays as .part and is resumed next time).",
    )
    parser.add_argument("query", nargs="*", help="e.g. 'is:starred year:2025' (quoted for the shell)")
    parser.add_argument("--starred", action="store_true", help="starred papers only")
    return parser


def run_download(argv: Sequence[str]) -> int:
    from papershelf.cli._common import load_papers, open_library  # noqa: PLC0415
    from papershelf.collection import PaperCollection  # noqa: PLC0415
    from papershelf.collection.memory import InMemoryCollection  # noqa: PLC0415

    args = build_download_parser().parse_args(argv)
    configured = settings_and_sources()
    if isinstance(configured, int):
        return configured
    settings, config = configured
    collection: PaperCollection | None = open_library()
    if collection is None:
        collection = InMemoryCollection(load_papers([]))
    query = Query(" ".join(args.query), starred_only=args.starred)
    found = matching(collection, query, query_context(collection, load_state(), settings, [query]))
    if isinstance(found, int):
        return found
    shelf = PdfShelf(settings.pdf_dir or pdf_dir())
    papers = [collection.paper(int(i)) for i in found]
    present = shelf.present()  # one look at the directory, whatever the number of papers
    todo = [p for p in papers if pdf_link(p, config.arxiv_pdf_url) and ident(p) not in present]
    no_link = sum(1 for p in papers if not pdf_link(p, config.arxiv_pdf_url))
    have = len(papers) - len(todo) - no_link
    fetcher = Fetcher(config)
    console = Console(stderr=True)
    done = 0
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            SizeOrCount(),
            console=console,
            disable=not console.is_terminal,
            transient=True,
        ) as progress:
            overall = progress.add_task("all", total=len(todo), files=True)
            for paper in todo:
                task = progress.add_task(paper.title[:50], total=None)

                def advance(received: int, total: int | None, task: TaskID = task) -> None:
                    progress.update(task, completed=received, total=total)

                download(fetcher, paper, shelf, on_progress=advance)
                progress.remove_task(task)
                progress.advance(overall)
                done += 1
    except FetchError as error:
        print(f"papershelf: download failed after {done} of {len(todo)}: {error}", file=sys.stderr)
        return ExitCode.NETWORK
    finally:
        fetcher.close()
    skipped = f", {no_link} without a PDF link" if no_link else ""
    print(f"papershelf: {shelf.directory}: {done} downloaded, {have} already there{skipped}")
    return 0
