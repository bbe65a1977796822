"""What the subcommands share: exit codes, messages, opening the library or the lists, the reading
state (read-only) and running a query."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING

from papershelf.collection import PaperCollection
from papershelf.collection.memory import merge_papers
from papershelf.library.store import LibraryError
from papershelf.model import Paper
from papershelf.query.context import Context
from papershelf.query.search import SORTS, Query, is_sort
from papershelf.query.tree import QueryError
from papershelf.rank import ColdStart
from papershelf.sources import SourceError, load_file
from papershelf.store.config import Config
from papershelf.store.paths import bundled_list, library_dir, pdf_dir, state_cache_path, state_path
from papershelf.store.reading import ReadingState, StateStore

if TYPE_CHECKING:
    from papershelf.library.library import Library


class ExitCode(IntEnum):
    """What ``papershelf`` exits with."""

    OK = 0
    NETWORK = 1  # a source could not be reached or answered with an error
    USAGE = 2  # a bad argument, query, file or configuration: the message says which
    INTERRUPTED = 130  # Ctrl-C


def error(message: str) -> None:
    """One line on standard error, prefixed with the program's name."""
    print(f"papershelf: {message}", file=sys.stderr)


def parse_query_args(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.Namespace:
    """``argv`` parsed by ``parser``, with every argument that is not one of its options (or an
    option's value) a query word in ``query``, even one starting with "-": ``papershelf list
    -diffusion`` is the query ``-diffusion``, no ``--`` needed."""
    takes_value = {
        option: action.nargs != 0 for action in parser._actions for option in action.option_strings
    }
    options: list[str] = []
    words: list[str] = []
    rest = iter(argv)
    for arg in rest:
        if arg == "--":
            words.extend(rest)
            break
        name = arg.split("=", 1)[0]
        if name.startswith("--") and name not in takes_value:  # a unique abbreviation: --form
            matches = [option for option in takes_value if option.startswith(name)]
            name = matches[0] if len(matches) == 1 else name
        if name not in takes_value:
            words.append(arg)
            continue
        options.append(arg)
        if takes_value[name] and "=" not in arg:
            value = next(rest, None)
            if value is not None:
                options.append(value)
    args = parser.parse_args(options)
    args.query = words
    return args


def load_papers(files: Sequence[Path]) -> list[Paper]:
    """Papers of every file, in order, each paper once. Raises SourceError naming the bad file."""
    return merge_papers([load_file(path, _skipped) for path in files or [bundled_list()]])


def _skipped(record: SourceError) -> None:
    """A record of a file that cannot be read (a BibTeX entry with no title): said, then skipped."""
    error(f"{record} (skipped)")


def open_library() -> PaperCollection | None:
    """The library's collection, or None while there is no library or it is empty."""
    from papershelf.library.library import Library  # noqa: PLC0415
    from papershelf.library.store import LibraryDamaged, LibraryError  # noqa: PLC0415

    directory = library_dir()
    if not Library.exists(directory):
        return None
    try:
        collection = Library(directory, readonly=True).collection()
    except LibraryDamaged as err:  # showing other papers instead would be a wrong answer
        error(str(err))
        raise SystemExit(ExitCode.USAGE) from None
    except LibraryError as err:
        error(f"cannot open the library ({err}); showing the bundled list")
        return None
    return collection if len(collection) else None


def library_for_writing() -> Library | int:
    """The library opened to be written (``add``, ``fetch``): waits for another writer saying so;
    or the exit status after one line saying why it cannot be opened."""
    from papershelf.library.library import Library  # noqa: PLC0415
    from papershelf.store.files import os_problem  # noqa: PLC0415

    try:
        return Library(library_dir(), on_wait=error)
    except LibraryError as err:
        error(f"cannot open the library: {err}")
    except OSError as err:  # its folder cannot be made (a file stands in the way)
        error(f"cannot open the library: {os_problem(library_dir(), err)}")
    return ExitCode.USAGE


def load_state() -> ReadingState:
    """The reading state, read-only (the command line never writes, moves or locks state.toml);
    a problem with the file is said on standard error."""
    loaded = StateStore(state_path(), cache_path=state_cache_path()).load(readonly=True)
    if loaded.warning:
        print(f"papershelf: {loaded.warning}", file=sys.stderr)
    return loaded.state


def sort_argument(text: str) -> str:
    """``--sort``: a sort of the reader (``foryou:TAG`` too)."""
    if not is_sort(text):
        raise argparse.ArgumentTypeError(f"unknown sort {text!r} (known: {', '.join(SORTS)}, foryou:TAG)")
    return text


def add_sort_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sort",
        type=sort_argument,
        default="loaded",
        metavar="SORT",
        help=f"{', '.join(SORTS)}, or foryou:TAG (ranked by the papers tagged TAG)",
    )
    parser.add_argument("--like", metavar="KEY", help="more like the paper KEY first (e.g. arxiv:2401.00001)")


def sort_of(args: argparse.Namespace) -> str:
    return f"like:{args.like}" if args.like else str(args.sort)


def query_parser(
    prog: str, description: str, formats: Sequence[str], query_help: str
) -> argparse.ArgumentParser:
    """The arguments of a command that answers a query: QUERY, --format (the first of
    ``formats`` by default), --starred, --sort and --like."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("query", nargs="*", help=query_help)
    parser.add_argument("--format", choices=list(formats), default=formats[0])
    parser.add_argument("--starred", action="store_true", help="starred papers only")
    add_sort_arguments(parser)
    return parser


@dataclass(frozen=True)
class Answer:
    """A query answered: where, under which reading state, and the positions found."""

    collection: PaperCollection
    state: ReadingState
    positions: list[int]


def answer(query: Query, config: Config, *, bundled_when_empty: bool) -> Answer | int:
    """``query`` over the library (the bundled list while the library is empty, when
    ``bundled_when_empty``; else exit 2 saying how to fill it), or the exit status."""
    collection = open_library()
    if collection is None:
        if not bundled_when_empty:
            error("the library is empty (papershelf add FILE, or papershelf fetch …)")
            return ExitCode.USAGE
        from papershelf.collection.memory import InMemoryCollection  # noqa: PLC0415

        collection = InMemoryCollection(load_papers([]))
    state = load_state()
    found = matching(collection, query, query_context(collection, state, config, [query]))
    return found if isinstance(found, int) else Answer(collection, state, found)


def matching(collection: PaperCollection, query: Query, context: Context) -> list[int] | int:
    """The positions matching ``query``, or the exit status after showing where it fails to parse
    (or why it cannot be ranked: no starred paper yet, no paper of that key)."""
    try:
        found: list[int] = collection.filter(query, context).tolist()
        return found
    except ColdStart as cold:
        error(str(cold))
        return ExitCode.USAGE
    except QueryError as problem:
        print(f"papershelf: {problem.message}:\n  {query.text}\n  {' ' * problem.position}^", file=sys.stderr)
        return ExitCode.USAGE
    except LibraryError as damaged:  # a damaged library found while answering: one line
        print(f"papershelf: {damaged}", file=sys.stderr)
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
