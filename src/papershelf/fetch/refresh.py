"""Fetching again what a library was fetched from (the reader's ``R``)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from papershelf.fetch.cache import ResponseCache
from papershelf.fetch.client import Fetcher, FetchError, FetchResult, SourceConfig
from papershelf.library.importer import ImportReport
from papershelf.library.library import Library


def spec(source: str, **args: Any) -> str:
    """The stored form of a fetch: ``{"source": ..., ...}`` with its arguments, keys sorted."""
    return json.dumps({"source": source, **{k: v for k, v in args.items() if v is not None}}, sort_keys=True)


def run_spec(fetcher: Fetcher, text: str) -> tuple[str, FetchResult]:
    """Run one stored fetch; returns a name for messages and what came back."""
    try:
        args = json.loads(text)
        source = args.pop("source")
    except (json.JSONDecodeError, KeyError, AttributeError):
        raise FetchError(f"unreadable stored fetch {text!r}") from None
    if source == "hf":
        return "Hugging Face daily papers", fetcher.hf_daily(**args)
    if source == "hf-search":
        return f"Hugging Face search {args['query']!r}", fetcher.hf_search(
            args["query"], args.get("limit", 50)
        )
    if source == "arxiv":
        return f"arXiv {args['query']!r}", fetcher.arxiv_query(args["query"], args.get("max_results", 100))
    if source == "arxiv-rss":
        return f"arXiv feeds {' '.join(args['categories'])}", fetcher.arxiv_rss(list(args["categories"]))
    raise FetchError(f"unknown source {source!r} in a stored fetch")


@dataclass
class Refreshed:
    report: ImportReport = field(default_factory=ImportReport)
    sources: int = 0
    skipped: int = 0


def refresh(library: Library, config: SourceConfig, cache: ResponseCache, max_age: float = 0.0) -> Refreshed:
    """Fetch every stored source again and import what came back.

    All sources are fetched before anything is imported: a network failure raises
    :class:`FetchError` and leaves the library as it was.
    """
    specs = library.store.fetch_specs()
    fetcher = Fetcher(config, cache=cache, max_age=max_age)
    try:
        results = [run_spec(fetcher, text) for text in specs]
    finally:
        fetcher.close()
    outcome = Refreshed(sources=len(specs))
    papers = [paper for _, result in results for paper in result.papers]
    outcome.skipped = sum(result.skipped for _, result in results)
    outcome.report = library.importer().import_papers(papers)
    now = time.time()
    for text in specs:
        library.store.record_fetch(text, now)
    return outcome
