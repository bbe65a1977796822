"""``papershelf fetch citations [QUERY]``: citation counts of library papers."""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from papershelf.cli._common import ExitCode, load_state, matching, query_context
from papershelf.fetch.citations import fetch_citations
from papershelf.fetch.client import Fetcher, FetchError, SourceConfig
from papershelf.library.citations import save_citations
from papershelf.library.library import Library
from papershelf.library.store import LibraryError
from papershelf.query.search import Query
from papershelf.store.config import Config
from papershelf.store.paths import library_dir


def run_citations(text: str, config: SourceConfig, settings: Config) -> int:
    directory = library_dir()
    if not Library.exists(directory):
        print(
            "papershelf: the library is empty (papershelf add FILE, or papershelf fetch …)", file=sys.stderr
        )
        return ExitCode.USAGE
    try:
        library = Library(directory)
    except LibraryError as error:
        print(f"papershelf: cannot open the library: {error}", file=sys.stderr)
        return ExitCode.USAGE
    try:
        collection = library.collection()
        query = Query(text)  # has:pdf and citations: see the papers directory and the counts
        found = matching(collection, query, query_context(collection, load_state(), settings, [query]))
        if isinstance(found, int):
            return found
        papers = [collection.paper(int(i)) for i in found]
        console = Console(stderr=True)
        fetcher = Fetcher(config)
        try:
            with Progress(
                TextColumn("citations"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
                disable=not console.is_terminal,
                transient=True,
            ) as progress:
                task = progress.add_task("", total=len(papers))
                result = fetch_citations(fetcher, papers, on_batch=lambda n: progress.advance(task, n))
        except FetchError as error:
            print(f"papershelf: fetch failed: {error}", file=sys.stderr)
            return ExitCode.NETWORK
        finally:
            fetcher.close()
        save_citations(library.store, result.found, time.time())
    finally:
        library.close()
    parts = [f"{len(result.found)} counted", f"{len(result.unknown)} unknown to Semantic Scholar"]
    if result.no_id:
        parts.append(f"{result.no_id} without an arXiv id or DOI")
    print(f"papershelf: citations: {', '.join(parts)}")
    return 0
