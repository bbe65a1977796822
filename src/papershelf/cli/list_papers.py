"""``papershelf list [QUERY] [--format table|json|jsonl]``: matching papers, for scripts."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from papershelf.cli._common import answer, parse_query_args, query_parser, sort_of
from papershelf.query.search import Query
from papershelf.sources.jsonl import paper_to_dict


def build_list_parser() -> argparse.ArgumentParser:
    parser = query_parser(
        "papershelf list",
        "Print the library's papers that match QUERY (the filter box's query language: "
        'words, "phrases", -not, OR, title:/author:/tag:/cat:/id:, is:starred, year:2024, upvotes:>=3 …) '
        "as a table, a JSON array or JSON Lines.",
        ("table", "json", "jsonl"),
        "the query (quote it for the shell: 'vision -\"text to image\"')",
    )
    parser.add_argument("--unread", action="store_true", help="unread papers only")
    parser.add_argument("--limit", type=int, default=0, metavar="N", help="at most N papers (0: all)")
    return parser


def run_list(argv: Sequence[str]) -> int:
    args = parse_query_args(build_list_parser(), argv)
    query = Query(
        " ".join(args.query), starred_only=args.starred, unread_only=args.unread, sort=sort_of(args)
    )
    from papershelf.cli.config import config_or_exit  # noqa: PLC0415

    config = config_or_exit()
    if isinstance(config, int):
        return config
    found = answer(query, config, bundled_when_empty=False)
    if isinstance(found, int):
        return found
    collection, state, indices = found.collection, found.state, found.positions
    if args.limit > 0:
        indices = indices[: args.limit]
    out = sys.stdout
    if args.format == "jsonl":
        for i in indices:
            out.write(json.dumps(paper_to_dict(collection.paper(int(i))), ensure_ascii=False) + "\n")
    elif args.format == "json":
        json.dump(
            [paper_to_dict(collection.paper(int(i))) for i in indices], out, ensure_ascii=False, indent=1
        )
        out.write("\n")
    else:
        for i in indices:
            row = collection.row(int(i))
            marks = ("★" if state.starred(row.key) else " ") + (" " if state.read(row.key) else "•")
            out.write(f"{marks}\t{row.published or '-'}\t{row.upvotes}\t{row.key}\t{row.title}\n")
    return 0
