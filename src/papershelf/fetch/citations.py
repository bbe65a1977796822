"""Citation counts for library papers from Semantic Scholar's batch endpoint.

Papers are asked for by arXiv id (``ARXIV:2106.15928``) or, without one, by DOI
(``DOI:10.18653/v1/N18-3011``), up to :data:`BATCH` per request. Throttling (429) backs off and
retries like every other source (:class:`~papershelf.fetch.client.Fetcher`); an API key (config
``s2_api_key`` or ``S2_API_KEY``) is sent as ``x-api-key``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from papershelf.fetch.client import Fetcher, FetchError
from papershelf.model import Paper
from papershelf.sources.errors import SourceError
from papershelf.sources.s2_batch import FIELDS, Citations, parse_s2_batch

BATCH = 500  # the endpoint's limit per request
INTERVAL = 1.0  # Semantic Scholar allows one batch request a second without a key


def s2_id(paper: Paper) -> str | None:
    """How Semantic Scholar is asked for ``paper``: by arXiv id, else DOI; None when neither."""
    if paper.arxiv_id:
        return f"ARXIV:{paper.arxiv_id}"
    if paper.doi:
        return f"DOI:{paper.doi.strip()}"
    return None


@dataclass
class CitationResult:
    found: dict[str, Citations] = field(default_factory=dict)  # by paper key
    unknown: list[str] = field(default_factory=list)  # keys Semantic Scholar does not know
    no_id: int = 0  # papers with neither an arXiv id nor a DOI
    requests: int = 0


def fetch_citations(
    fetcher: Fetcher,
    papers: Sequence[Paper],
    *,
    batch: int = BATCH,
    on_batch: Callable[[int], None] | None = None,
) -> CitationResult:
    """Citation counts of ``papers``; raises :class:`FetchError` when a request fails for good."""
    result = CitationResult()
    asked: list[tuple[str, str]] = []  # (paper key, S2 id)
    for paper in papers:
        ident = s2_id(paper)
        if ident is None:
            result.no_id += 1
        else:
            asked.append((paper.key, ident))
    config = fetcher.config
    headers = {"x-api-key": config.s2_api_key} if config.s2_api_key else {}
    for start in range(0, len(asked), batch):
        chunk = asked[start : start + batch]
        if start:
            fetcher.sleep(INTERVAL)
        body = fetcher.post_json(
            f"{config.s2_url}/graph/v1/paper/batch",
            {"fields": FIELDS},
            {"ids": [ident for _, ident in chunk]},
            headers,
        )
        result.requests += 1
        try:
            answers = parse_s2_batch(body, len(chunk))
        except SourceError as error:
            raise FetchError(str(error)) from None
        for (key, _), answer in zip(chunk, answers, strict=True):
            if answer is None:
                result.unknown.append(key)
            else:
                result.found[key] = answer
        if on_batch:
            on_batch(len(chunk))
    return result
