"""``papershelf fetch SOURCE ...``: fetch papers into the library."""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Sequence

from rich.console import Console

from papershelf.cli._common import ExitCode, library_for_writing
from papershelf.fetch.cache import ResponseCache
from papershelf.fetch.client import Fetcher, FetchError, SourceConfig
from papershelf.fetch.refresh import run_spec, spec
from papershelf.library.store import LibraryError
from papershelf.store.config import Config
from papershelf.store.paths import cache_dir

DEFAULT_MAX_AGE = 300.0


def build_fetch_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="papershelf fetch",
        description=(
            "Fetch papers from a live source into the library, then print one line: new / updated "
            "/ unchanged / skipped. Runs without a terminal too (cron): no prompts; exit 0 on "
            "success, 1 on a network or server error (with a one-line reason). Base URLs and the "
            "timeout come from [sources] in config.toml; PAPERSHELF_HF_URL, PAPERSHELF_ARXIV_URL, "
            "PAPERSHELF_RSS_URL and PAPERSHELF_TIMEOUT (seconds) override it."
        ),
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--max-age",
        type=float,
        default=DEFAULT_MAX_AGE,
        metavar="SECONDS",
        help=f"answer from a cached response younger than this (default {DEFAULT_MAX_AGE:g}; 0 always asks)",
    )
    sources = parser.add_subparsers(dest="source", required=True, metavar="SOURCE")
    hf = sources.add_parser(
        "hf", parents=[common], help="Hugging Face Daily Papers (the latest day by default)"
    )
    when = hf.add_mutually_exclusive_group()
    when.add_argument("--date", metavar="YYYY-MM-DD")
    when.add_argument("--week", metavar="YYYY-Www")
    when.add_argument("--month", metavar="YYYY-MM")
    search = sources.add_parser("hf-search", parents=[common], help="Hugging Face paper search")
    search.add_argument("query")
    search.add_argument("--max", type=int, default=50)
    arxiv = sources.add_parser(
        "arxiv", parents=[common], help="the arXiv API (a search_query such as 'all:scaling')"
    )
    arxiv.add_argument("query")
    arxiv.add_argument("--max", type=int, default=100)
    rss = sources.add_parser("arxiv-rss", parents=[common], help="arXiv listing feeds, e.g. cs.LG cs.CL")
    rss.add_argument("categories", nargs="+", metavar="CAT")
    citations = sources.add_parser(
        "citations",
        help="citation counts of library papers from Semantic Scholar (by arXiv id or DOI)",
        description="Fill in citation counts, influential citations, venue and year of the library "
        "papers matching QUERY (all without one) from Semantic Scholar's batch endpoint, 500 papers "
        "a request. An API key (s2_api_key in [sources] of config.toml, or S2_API_KEY) raises the "
        "rate limit; throttling backs off and retries. Exit 1 on a network error.",
    )
    citations.add_argument("query", nargs="*", help="e.g. 'is:starred' (quoted for the shell)")
    return parser


def spec_of(args: argparse.Namespace) -> str:
    """The fetch as stored in the library, so the reader's R can repeat it."""
    if args.source == "hf":
        return spec("hf", date=args.date, week=args.week, month=args.month)
    if args.source == "hf-search":
        return spec("hf-search", query=args.query, limit=args.max)
    if args.source == "arxiv":
        return spec("arxiv", query=args.query, max_results=args.max)
    return spec("arxiv-rss", categories=args.categories)


def settings_and_sources() -> tuple[Config, SourceConfig] | int:
    """config.toml and the sources' settings (with the environment's), or the exit status
    after saying what is wrong."""
    from papershelf.cli.config import config_or_exit  # noqa: PLC0415

    settings = config_or_exit()
    if isinstance(settings, int):
        return settings
    try:
        return settings, SourceConfig.from_env(base=settings.sources)
    except FetchError as error:
        print(f"papershelf: {error}", file=sys.stderr)
        return ExitCode.USAGE


def run_fetch(argv: Sequence[str]) -> int:
    args = build_fetch_parser().parse_args(argv)
    console = Console(stderr=True)
    found = settings_and_sources()
    if isinstance(found, int):
        return found
    settings, config = found
    if args.source == "citations":
        from papershelf.cli.citations import run_citations  # noqa: PLC0415

        return run_citations(" ".join(args.query), config, settings)
    fetcher = Fetcher(config, cache=ResponseCache(cache_dir() / "http"), max_age=args.max_age)
    try:
        with console.status("fetching…") if console.is_terminal else contextlib.nullcontext():
            name, result = run_spec(fetcher, spec_of(args))
    except FetchError as error:
        print(f"papershelf: fetch failed: {error}", file=sys.stderr)
        return ExitCode.NETWORK
    finally:
        fetcher.close()
    library = library_for_writing()
    if isinstance(library, int):
        return library
    try:
        report = library.importer().import_papers(result.papers)
        library.store.record_fetch(spec_of(args), time.time())
        library.merge()
    except LibraryError as damaged:  # a damaged library: one line naming the fix
        print(f"papershelf: {damaged}", file=sys.stderr)
        return ExitCode.USAGE
    finally:
        library.close()
    cached = f" (from cache: {fetcher.cached_answers} of {result.requests})" if fetcher.cached_answers else ""
    print(f"papershelf: {name}: {report.summary()}, {result.skipped} skipped{cached}")
    return 0
