"""``papershelf library compact|check|repair``: look after the library itself."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from papershelf.cli._common import ExitCode
from papershelf.library.library import Library
from papershelf.library.store import LibraryError
from papershelf.store.paths import library_dir
from papershelf.text import counted


def build_library_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="papershelf library", description="Look after the library.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "compact",
        help="merge the search index into as few segments as possible (done in part after each add/fetch)",
    )
    commands.add_parser(
        "check", help="check library.sqlite and every index segment (sizes and checksums); say what is wrong"
    )
    commands.add_parser(
        "repair",
        help="rebuild the index from library.sqlite; salvage a damaged library.sqlite into a new file "
        "(the damaged one is moved aside)",
    )
    return parser


def say(message: str) -> None:
    print(f"papershelf: {message}", file=sys.stderr)


def run_library(argv: Sequence[str]) -> int:
    args = build_library_parser().parse_args(argv)
    directory = library_dir()
    if not Library.exists(directory):
        say(f"there is no library yet in {directory} (papershelf add FILE makes one)")
        return ExitCode.USAGE
    if args.command in ("check", "repair"):
        from papershelf.cli.library_care import run_care  # noqa: PLC0415

        return run_care(args.command, directory)
    try:
        library = Library(directory, on_wait=say)
    except LibraryError as error:
        say(f"cannot open the library: {error}")
        return ExitCode.USAGE
    try:
        before = len(library.store.segments())
        merges = library.merge(force=True, progress=say)
        after = len(library.store.segments())
    finally:
        library.close()
    print(f"papershelf: {_compacted(before, after, merges)}")
    return ExitCode.OK


def _compacted(before: int, after: int, merges: int) -> str:
    """What ``library compact`` did, in words ("1 segment", not "1 segments")."""
    if not merges:
        return f"the index is already compact ({counted(after, 'segment')}): nothing to merge"
    return f"index compacted: {counted(before, 'segment')} became {after:,} ({counted(merges, 'merge')})"
