"""``papershelf export [QUERY] --format bibtex|markdown|csv|jsonl [-o FILE]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from papershelf.cli._common import (
    ExitCode,
    add_sort_arguments,
    load_papers,
    load_state,
    matching,
    open_library,
    parse_query_args,
    query_context,
    sort_of,
)
from papershelf.collection import PaperCollection
from papershelf.output.export import FORMATS, export_text
from papershelf.query.search import Query
from papershelf.store.files import write_atomic


def build_export_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="papershelf export",
        description="Write the papers matching QUERY (the filter box's query language; all papers "
        "without one) from the library, or the bundled list while the library is empty, with their "
        "tags and notes, as BibTeX, a Markdown reading list, CSV or JSON Lines.",
    )
    parser.add_argument("query", nargs="*", help="e.g. 'is:starred year:2025' (quoted for the shell)")
    parser.add_argument("--format", choices=list(FORMATS), default="bibtex")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    parser.add_argument("--starred", action="store_true", help="starred papers only")
    add_sort_arguments(parser)
    return parser


def run_export(argv: Sequence[str]) -> int:
    from papershelf.cli.config import config_or_exit  # noqa: PLC0415
    from papershelf.collection.memory import InMemoryCollection  # noqa: PLC0415

    args = parse_query_args(build_export_parser(), argv)
    config = config_or_exit()
    if isinstance(config, int):
        return config
    collection: PaperCollection | None = open_library()
    if collection is None:
        collection = InMemoryCollection(load_papers([]))
    state = load_state()
    query = Query(" ".join(args.query), starred_only=args.starred, sort=sort_of(args))
    indices = matching(collection, query, query_context(collection, state, config, [query]))
    if isinstance(indices, int):
        return indices
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
