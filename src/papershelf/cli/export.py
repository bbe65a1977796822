"""``papershelf export [QUERY] --format bibtex|markdown|csv|jsonl [-o FILE]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from papershelf.cli._common import ExitCode, answer, parse_query_args, query_parser, sort_of
from papershelf.output.export import FORMATS, export_text
from papershelf.query.search import Query
from papershelf.store.files import write_atomic


def build_export_parser() -> argparse.ArgumentParser:
    parser = query_parser(
        "papershelf export",
        "Write the papers matching QUERY (the filter box's query language; all papers "
        "without one) from the library, or the bundled list while the library is empty, with their "
        "tags and notes, as BibTeX, a Markdown reading list, CSV, JSON Lines or RIS.",
        list(FORMATS),
        "e.g. 'is:starred year:2025' (quoted for the shell)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    return parser


def run_export(argv: Sequence[str]) -> int:
    args = parse_query_args(build_export_parser(), argv)
    query = Query(" ".join(args.query), starred_only=args.starred, sort=sort_of(args))
    from papershelf.cli.config import config_or_exit  # noqa: PLC0415

    config = config_or_exit()
    if isinstance(config, int):
        return config
    found = answer(query, config, bundled_when_empty=True)
    if isinstance(found, int):
        return found
    collection, state, indices = found.collection, found.state, found.positions
    papers = [collection.paper(i) for i in indices]
    text = export_text(
        papers, [state.get(p.key) for p in papers], args.format, title=query.text or "papershelf"
    )
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        write_atomic(Path(args.output), text)
    except OSError as error:
        print(f"papershelf: {args.output}: cannot write: {error.strerror or error}", file=sys.stderr)
        return ExitCode.USAGE
    print(f"papershelf: wrote {len(papers)} papers to {args.output}", file=sys.stderr)
    return 0
