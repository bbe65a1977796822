"""The command line: ``papershelf [FILE ...]`` opens the reader; ``papershelf add FILE ...`` imports."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from papershelf import __version__
from papershelf.cli._common import ExitCode, error, load_papers, open_library
from papershelf.sources import SourceError, dump_bibtex, dump_jsonl
from papershelf.store.files import write_atomic
from papershelf.store.paths import state_path

DESCRIPTION = """\
A keyboard-first terminal reader for research-paper feeds.

With no FILE, opens your library (see 'papershelf add'), or the bundled Daily Papers list while
the library is empty. With FILEs, opens those lists on their own: Hugging Face Daily Papers page
text or a saved answer of its API, papershelf JSON Lines, the arXiv metadata snapshot, BibTeX or
RIS (the format is read from the content).
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
d downloads the PDF, y/Y copy link/BibTeX, / filters (words, "phrases", -not, OR, title:
author: tag: is: has:pdf year: upvotes: citations: …), * starred only, u unread only, S sort,
E export, A all read, ctrl+z undo,
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
            "fatal. Ctrl-C keeps every batch committed so far. A FILE of - is standard input, "
            "and a pipe is read once as it comes (zcat snapshot.json.gz | papershelf add -)."
        ),
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument(
        "--workers", type=int, default=None, metavar="N", help="processes preparing records (default: cores)"
    )
    return parser


def _run_list(argv: Sequence[str]) -> int:
    from papershelf.cli.list_papers import run_list  # noqa: PLC0415 - each command imports what it needs

    return run_list(argv)


def _run_fetch(argv: Sequence[str]) -> int:
    from papershelf.cli.fetch import run_fetch  # noqa: PLC0415

    return run_fetch(argv)


def _run_export(argv: Sequence[str]) -> int:
    from papershelf.cli.export import run_export  # noqa: PLC0415

    return run_export(argv)


def _run_digest(argv: Sequence[str]) -> int:
    from papershelf.cli.digest import run_digest  # noqa: PLC0415

    return run_digest(argv)


def _run_download(argv: Sequence[str]) -> int:
    from papershelf.cli.download import run_download  # noqa: PLC0415

    return run_download(argv)


def _run_config(argv: Sequence[str]) -> int:
    from papershelf.cli.config import run_config  # noqa: PLC0415

    return run_config(argv)


def _run_add(argv: Sequence[str]) -> int:
    from papershelf.cli.add import run_add  # noqa: PLC0415

    args = build_add_parser().parse_args(argv)
    return run_add(args.files, workers=args.workers)


def _run_library(argv: Sequence[str]) -> int:
    from papershelf.cli.library import run_library  # noqa: PLC0415

    return run_library(argv)


_SUBCOMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "library": _run_library,
    "list": _run_list,
    "fetch": _run_fetch,
    "export": _run_export,
    "config": _run_config,
    "digest": _run_digest,
    "download": _run_download,
    "add": _run_add,
}


def _quiet_stdout() -> None:
    """Standard output pointed at /dev/null, so that the interpreter's own flush at exit does
    not fail again on the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = _SUBCOMMANDS.get(argv[0]) if argv else None
    if command is not None:
        from papershelf.library.store import LibraryError  # noqa: PLC0415

        try:
            return command(argv[1:])
        except LibraryError as damaged:  # the library boundary: one line, never a traceback
            print(f"papershelf: {damaged}", file=sys.stderr)
            return 2
        except BrokenPipeError:  # `papershelf list | head`: the reader has all it wanted
            _quiet_stdout()
            return 0
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
        return ExitCode.USAGE
    if args.output is not None:
        bibtex = args.output.suffix.lower() == ".bib"
        try:
            write_atomic(args.output, dump_bibtex(papers) if bibtex else dump_jsonl(papers))
        except OSError as err:
            error(f"{args.output}: cannot write: {err.strerror or err}")
            return ExitCode.USAGE
        print(f"papershelf: wrote {len(papers)} papers to {args.output}")
        return 0

    from papershelf.cli.read import run_reader  # noqa: PLC0415 - keep --help and errors fast

    return run_reader(library, papers, args.files, fresh=args.fresh)
