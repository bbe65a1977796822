"""``papershelf digest [VIEW ...] [--since DATE] [--format text|markdown|atom] [-o FILE]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from papershelf.cli._common import ExitCode, load_state, matching, query_context
from papershelf.output.digest import FORMATS, ViewDigest, entered, published_since
from papershelf.store.digests import Seen, load_seen, save_seen
from papershelf.store.files import write_atomic
from papershelf.store.paths import digests_path, views_path
from papershelf.store.views import SavedView, load_views


def build_digest_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="papershelf digest",
        description="Print the papers that entered each saved view (ctrl+s in the reader saves one) "
        "since the last digest: papershelf remembers what each view matched. The first digest of a "
        "view lists all it matches. With --since DATE, the view's papers published on or after DATE "
        "instead (what is remembered is left as it was). For cron: 'papershelf digest | mail', or "
        "'--format atom -o ~/feeds/papers.xml' for a feed reader.",
    )
    parser.add_argument("views", nargs="*", metavar="VIEW", help="saved views by name (default: all)")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="papers published on or after this date")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    return parser


def _chosen(names: Sequence[str]) -> list[SavedView] | int:
    """The saved views named (all without names), or the exit status after saying why not."""
    views, warning = load_views(views_path())
    if warning:
        print(f"papershelf: {warning}", file=sys.stderr)
    if not views:
        print("papershelf: no saved views (save one in the reader with ctrl+s)", file=sys.stderr)
        return ExitCode.USAGE
    if not names:
        return views
    by_name = {v.name.casefold(): v for v in views}
    missing = [name for name in names if name.casefold() not in by_name]
    if missing:
        known = ", ".join(repr(v.name) for v in views)
        print(f"papershelf: no saved view {missing[0]!r} (saved: {known})", file=sys.stderr)
        return ExitCode.USAGE
    return [by_name[name.casefold()] for name in names]


def run_digest(argv: Sequence[str], now: datetime | None = None) -> int:
    from papershelf.cli._common import load_papers, open_library  # noqa: PLC0415
    from papershelf.cli.config import config_or_exit  # noqa: PLC0415
    from papershelf.collection import PaperCollection  # noqa: PLC0415
    from papershelf.collection.memory import InMemoryCollection  # noqa: PLC0415

    args = build_digest_parser().parse_args(argv)
    if args.since is not None:
        try:
            date.fromisoformat(args.since)
        except ValueError:
            print(f"papershelf: --since must be a date YYYY-MM-DD, got {args.since!r}", file=sys.stderr)
            return ExitCode.USAGE
    config = config_or_exit()
    if isinstance(config, int):
        return config
    views = _chosen(args.views)
    if isinstance(views, int):
        return views
    collection: PaperCollection | None = open_library()
    if collection is None:
        collection = InMemoryCollection(load_papers([]))
    context = query_context(collection, load_state(), config, [view.query for view in views])
    memory_path = digests_path()
    seen, warning = load_seen(memory_path)
    if warning:
        print(f"papershelf: {warning}", file=sys.stderr)
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    digests: list[ViewDigest] = []
    remembered = dict(seen)
    for view in views:
        found = matching(collection, view.query, context)
        if isinstance(found, int):
            return found
        positions = [int(i) for i in found]
        keys = [collection.row(i).key for i in positions]
        if args.since is not None:
            papers = [collection.paper(i) for i in positions]
            new = tuple(papers[i] for i in published_since(papers, args.since))
            since: str | None = args.since
        else:
            before = seen.get(view.name)
            new = tuple(collection.paper(positions[i]) for i in entered(keys, before.keys if before else ()))
            since = before.at if before else None
            remembered[view.name] = Seen(moment.isoformat().replace("+00:00", "Z"), frozenset(keys))
        digests.append(ViewDigest(view.name, view.query.text, new, len(keys), since))
    text = _render(digests, args.format, moment)
    if not _written(text, args.output, digests):
        return ExitCode.USAGE
    if args.since is None:
        try:
            save_seen(memory_path, remembered)
        except OSError as error:
            print(f"papershelf: {memory_path}: cannot write: {error.strerror or error}", file=sys.stderr)
            return ExitCode.USAGE
    return 0


def _written(text: str, output: str | None, digests: list[ViewDigest]) -> bool:
    if output is None:
        sys.stdout.write(text)
        return True
    try:
        write_atomic(Path(output), text)
    except OSError as error:
        print(f"papershelf: {output}: cannot write: {error.strerror or error}", file=sys.stderr)
        return False
    total = sum(len(d.new) for d in digests)
    print(f"papershelf: wrote {total} new papers of {len(digests)} views to {output}", file=sys.stderr)
    return True


def _render(digests: list[ViewDigest], fmt: str, moment: datetime) -> str:
    if fmt == "atom":
        from papershelf.output.atom import render_atom  # noqa: PLC0415

        return render_atom(digests, moment)
    from papershelf.output.digest import render_markdown, render_text  # noqa: PLC0415

    return render_markdown(digests) if fmt == "markdown" else render_text(digests)
