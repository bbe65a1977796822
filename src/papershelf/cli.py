"""The command line: ``papershelf [FILE ...]`` opens the reader; ``papershelf add FILE ...`` imports."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from papershelf import __version__
from papershelf.collection import InMemoryCollection, PaperCollection, merge_papers
from papershelf.model import Paper
from papershelf.paths import (
    bundled_list,
    cache_dir,
    library_dir,
    session_path,
    state_cache_path,
    state_path,
    undo_path,
    views_path,
)
from papershelf.sources import SourceError, dump_bibtex, dump_jsonl, load_file
from papershelf.state import write_atomic

EXIT_BAD_INPUT = 2

DESCRIPTION = """\
A keyboard-first terminal reader for research-paper feeds.

With no FILE, opens your library (see 'papershelf add'), or the bundled Daily Papers list while
the library is empty. With FILEs, opens those lists on their own: Hugging Face Daily Papers page
text, papershelf JSON Lines or the arXiv metadata snapshot (the format is read from the content).
Reading state (stars, tags, read marks) is kept in the user's config directory.

  papershelf add FILE ...   import lists into the library (run 'papershelf add --help')
  papershelf fetch SOURCE   fetch from Hugging Face or arXiv into the library ('papershelf fetch --help')
  papershelf list [QUERY]   print the library's matching papers (table, json, jsonl) for scripts
  papershelf export [QUERY] write matching papers as BibTeX, RIS, Markdown, CSV or JSON Lines
  papershelf download [QUERY]   download the matching papers' PDFs into the papers directory
  papershelf fetch citations [QUERY]   citation counts from Semantic Scholar
  papershelf digest [VIEW ...]  the papers new in your saved views (text, Markdown or Atom)
  papershelf config path|init|check   the configuration file (theme, keys, watch list, sources)
"""

EPILOG = """\
keys: j/k move, enter reads, s stars, t tags, r read/unread, n note, o/p open page/PDF,
y/Y copy link/BibTeX, / filters (words, "phrases", -not, OR, title: author: tag: is: year:
upvotes: …), * starred only, u unread only, S sort, E export, A all read, ctrl+z undo,
ctrl+t statistics, ? help (every key and its id), q quits.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="papershelf",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE", help="paper lists to open")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="OUT",
        help="write the loaded papers to OUT and exit (no reader): BibTeX when OUT ends in .bib, "
        "else papershelf JSON Lines",
    )
    parser.add_argument(
        "--state-path", action="store_true", help="print where the reading state is kept and exit"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="do not restore the last query, sort and highlighted paper"
    )
    parser.add_argument("--version", action="version", version=f"papershelf {__version__}")
    return parser


def build_add_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="papershelf add",
        description=(
            "Import paper lists into the library (deduplicated by paper key: importing the same "
            "list twice adds nothing; a newer record of a known paper updates its fields and "
            "keeps its reading state). JSON Lines files, including the arXiv metadata snapshot, "
            "are streamed: memory stays flat, and malformed lines are counted and reported, not "
            "fatal. Ctrl-C keeps every batch committed so far."
        ),
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument(
        "--workers", type=int, default=None, metavar="N", help="processes preparing records (default: cores)"
    )
    return parser


def load_papers(files: Sequence[Path]) -> list[Paper]:
    """Papers of every file, in order, each paper once. Raises SourceError naming the bad file."""
    return merge_papers([load_file(path) for path in files or [bundled_list()]])


def error(message: str) -> None:
    print(f"papershelf: {message}", file=sys.stderr)


def _run_list(argv: Sequence[str]) -> int:
    from papershelf.cli_list import run_list  # noqa: PLC0415 - each command imports what it needs

    return run_list(argv)


def _run_fetch(argv: Sequence[str]) -> int:
    from papershelf.cli_fetch import run_fetch  # noqa: PLC0415

    return run_fetch(argv)


def _run_export(argv: Sequence[str]) -> int:
    from papershelf.cli_export import run_export  # noqa: PLC0415

    return run_export(argv)


def _run_digest(argv: Sequence[str]) -> int:
    from papershelf.cli_digest import run_digest  # noqa: PLC0415

    return run_digest(argv)


def _run_download(argv: Sequence[str]) -> int:
    from papershelf.cli_download import run_download  # noqa: PLC0415

    return run_download(argv)


def _run_config(argv: Sequence[str]) -> int:
    from papershelf.cli_config import run_config  # noqa: PLC0415

    return run_config(argv)


def _run_add(argv: Sequence[str]) -> int:
    from papershelf.cli_add import run_add  # noqa: PLC0415

    args = build_add_parser().parse_args(argv)
    return run_add(args.files, workers=args.workers)


_SUBCOMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "list": _run_list,
    "fetch": _run_fetch,
    "export": _run_export,
    "config": _run_config,
    "digest": _run_digest,
    "download": _run_download,
    "add": _run_add,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = _SUBCOMMANDS.get(argv[0]) if argv else None
    if command is not None:
        return command(argv[1:])
    args = build_parser().parse_args(argv)
    if args.state_path:
        print(state_path())
        return 0
    library = None
    if not args.files and args.output is None:
        library = open_library()
    try:
        papers = load_papers(args.files) if library is None else []
    except SourceError as err:
        error(str(err))
        return EXIT_BAD_INPUT
    if args.output is not None:
        bibtex = args.output.suffix.lower() == ".bib"
        try:
            write_atomic(args.output, dump_bibtex(papers) if bibtex else dump_jsonl(papers))
        except OSError as err:
            error(f"{args.output}: cannot write: {err.strerror or err}")
            return EXIT_BAD_INPUT
        print(f"papershelf: wrote {len(papers)} papers to {args.output}")
        return 0

    from papershelf.cli_config import read_config  # noqa: PLC0415
    from papershelf.config import Config, ConfigError  # noqa: PLC0415
    from papershelf.state import StateStore  # noqa: PLC0415
    from papershelf.ui.app import PapershelfApp  # noqa: PLC0415 - keep --help and errors fast
    from papershelf.ui.refetch import library_refetcher  # noqa: PLC0415

    collection: PaperCollection
    if library is not None:
        collection = library
        label = f"library · {len(library):,} papers"
    else:
        collection = InMemoryCollection(papers)
        label = ", ".join(p.name for p in args.files) if args.files else "bundled: Daily Papers"
    try:
        config, config_warning = read_config(), None
    except ConfigError as err:  # the reader starts with the defaults and says why
        config, config_warning = Config(), str(err)
    # Everything built so far lives as long as the app: keep the collector off it.
    gc.collect()
    gc.freeze()
    refetcher = (
        library_refetcher(library_dir(), cache_dir() / "http", config.sources)
        if library is not None
        else None
    )
    store = StateStore(state_path(), cache_path=state_cache_path())
    app = PapershelfApp(
        collection,
        store,
        source=label,
        refetcher=refetcher,
        session_file=session_path(),
        restore=not args.fresh,
        views_file=views_path(),
        config=config,
        config_warning=config_warning,
        undo_file=undo_path(),
    )
    app.run()
    return 0


def open_library() -> PaperCollection | None:
    """The library's collection, or None while there is no library or it is empty."""
    from papershelf.library.collection import Library  # noqa: PLC0415
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


if __name__ == "__main__":
    sys.exit(main())
