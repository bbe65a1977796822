"""What the subcommands share: exit codes, messages, opening the library or the lists, the reading
state (read-only) and running a query."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import IntEnum
from pathlib import Path

from papershelf.collection import PaperCollection
from papershelf.collection.memory import merge_papers
from papershelf.model import Paper
from papershelf.query.context import Context
from papershelf.query.search import Query
from papershelf.query.tree import QueryError
from papershelf.sources import load_file
from papershelf.store.config import Config
from papershelf.store.paths import bundled_list, library_dir, pdf_dir, state_cache_path, state_path
from papershelf.store.reading import ReadingState, StateStore


class ExitCode(IntEnum):
    """What ``papershelf`` exits with."""

    OK = 0
    NETWORK = 1  # a source could not be reached or answered with an error
    USAGE = 2  # a bad argument, query, file or configuration: the message says which
    INTERRUPTED = 130  # Ctrl-C


def error(message: str) -> None:
    """One line on standard error, prefixed with the program's name."""
    print(f"papershelf: {message}", file=sys.stderr)


def load_papers(files: Sequence[Path]) -> list[Paper]:
    """Papers of every file, in order, each paper once. Raises SourceError naming the bad file."""
    return merge_papers([load_file(path) for path in files or [bundled_list()]])


def open_library() -> PaperCollection | None:
    """The library's collection, or None while there is no library or it is empty."""
    from papershelf.library.library import Library  # noqa: PLC0415
    from papershelf.library.store import LibraryError  # noqa: PLC0415

    directory = library_dir()
    if not Library.exists(directory):
        return None
    try:
        collection = Library(directory, readonly=True).collection()
    except LibraryError as err:
        error(f"cannot open the library ({err}); showing the bundled list")
        return None
    return collection if len(collection) else None


def load_state() -> ReadingState:
    """The reading state, read-only; a problem with the file is said on standard error."""
    loaded = StateStore(state_path(), cache_path=state_cache_path()).load()
    if loaded.warning:
        print(f"papershelf: {loaded.warning}", file=sys.stderr)
    return loaded.state


def matching(collection: PaperCollection, query: Query, context: Context) -> list[int] | int:
    """The positions matching ``query``, or the exit status after showing where it fails to parse."""
    try:
        found: list[int] = collection.filter(query, context).tolist()
        return found
    except QueryError as error:
        print(f"papershelf: {error.message}:\n  {query.text}\n  {' ' * error.position}^", file=sys.stderr)
        return ExitCode.USAGE


def query_context(
    collection: PaperCollection, state: ReadingState, config: Config, queries: Sequence[Query] = ()
) -> Context:
    """What ``queries`` are evaluated against: the reading state, the watch list, and the
    downloaded PDFs (``has:pdf``) and citation counts (``citations:``, the ``citations`` sort)
    when one of them asks for those."""
    from papershelf.library.citations import load_counts  # noqa: PLC0415
    from papershelf.library.library import Library  # noqa: PLC0415
    from papershelf.library.store import LibraryError  # noqa: PLC0415
    from papershelf.query.search import asks_for  # noqa: PLC0415
    from papershelf.store.pdfs import PdfShelf  # noqa: PLC0415

    wanted = [asks_for(query) for query in queries]
    pdfs: frozenset[str] = frozenset()
    if any(p for p, _ in wanted):
        shelf = PdfShelf(config.pdf_dir or pdf_dir())
        pdfs = shelf.keys(lambda: (collection.row(i).key for i in range(len(collection))))
    counts: dict[str, int] = {}
    if any(c for _, c in wanted) and Library.exists(library_dir()):
        try:
            library = Library(library_dir(), readonly=True)
        except LibraryError:
            return Context(state, config.watch, pdfs)
        try:
            counts = load_counts(library.store)
        finally:
            library.close()
    return Context(state, config.watch, pdfs, counts)
