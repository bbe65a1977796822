"""``papershelf [FILE ...]``: parse the command line, load the lists, run the reader."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from papershelf import __version__
from papershelf.collection import InMemoryCollection, merge_papers
from papershelf.model import Paper
from papershelf.paths import bundled_list, state_path
from papershelf.sources import SourceError, dump_jsonl, load_file
from papershelf.state import write_atomic

EXIT_BAD_INPUT = 2

DESCRIPTION = """\
A keyboard-first terminal reader for research-paper feeds.

Opens the given lists (Hugging Face Daily Papers page text, or papershelf JSON Lines; the
format is read from the content), or the bundled Daily Papers list when no file is given.
Reading state (stars, tags, read marks) is kept in the user's config directory.
"""

EPILOG = """\
keys: j/k move, enter reads, s stars, t tags, r read/unread, / filters, * starred only,
u unread only, ? help, q quits.
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
        help="write the loaded papers to OUT as papershelf JSON Lines and exit (no reader)",
    )
    parser.add_argument(
        "--state-path", action="store_true", help="print where the reading state is kept and exit"
    )
    parser.add_argument("--version", action="version", version=f"papershelf {__version__}")
    return parser


def load_papers(files: Sequence[Path]) -> list[Paper]:
    """Papers of every file, in order, each paper once. Raises SourceError naming the bad file."""
    return merge_papers([load_file(path) for path in files or [bundled_list()]])


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.state_path:
        print(state_path())
        return 0
    try:
        papers = load_papers(args.files)
    except SourceError as error:
        print(f"papershelf: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.output is not None:
        try:
            write_atomic(args.output, dump_jsonl(papers))
        except OSError as error:
            print(f"papershelf: {args.output}: cannot write: {error.strerror or error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"papershelf: wrote {len(papers)} papers to {args.output}")
        return 0

    from papershelf.state import StateStore  # noqa: PLC0415
    from papershelf.ui.app import PapershelfApp  # noqa: PLC0415 - keep --help and errors fast

    label = ", ".join(p.name for p in args.files) if args.files else "bundled: Daily Papers"
    app = PapershelfApp(InMemoryCollection(papers), StateStore(state_path()), source=label)
    app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
