"""HTTP clients of the live sources, with retries, back-off and arXiv's request spacing."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import httpx

from papershelf import __version__
from papershelf.fetch.cache import ResponseCache
from papershelf.model import Paper
from papershelf.sources.arxiv_atom import parse_arxiv_atom
from papershelf.sources.arxiv_rss import parse_arxiv_rss
from papershelf.sources.errors import SourceError
from papershelf.sources.hf_api import parse_hf_api

USER_AGENT = f"papershelf/{__version__} (terminal paper reader)"
RETRY_STATUS = {429, 502, 503, 504}


class FetchError(Exception):
    """A network or server failure; the message is one line for the user."""


@dataclass(frozen=True)
class SourceConfig:
    hf_url: str = "https://huggingface.co"
    arxiv_url: str = "http://export.arxiv.org"
    rss_url: str = "https://rss.arxiv.org"
    arxiv_pdf_url: str = "https://arxiv.org"  # where arXiv's PDFs are downloaded from
    s2_url: str = "https://api.semanticscholar.org"
    s2_api_key: str | None = None
    timeout: float = 20.0
    arxiv_interval: float = 3.0  # arXiv asks for at least 3 s between requests
    retries: int = 3
    backoff: float = 3.0  # first wait after a throttled answer; doubles each retry

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, base: Mapping[str, str | float] | None = None
    ) -> SourceConfig:
        """Defaults, then ``base`` (config.toml's [sources]), then PAPERSHELF_* variables."""
        env = os.environ if env is None else env
        defaults = replace(cls(), **dict(base or {}))  # type: ignore[arg-type]  # keys checked by config

        def number(name: str, default: float) -> float:
            raw = env.get(name)
            if raw is None:
                return default
            try:
                return float(raw)
            except ValueError:
                raise FetchError(f"{name} must be a number, got {raw!r}") from None

        return cls(
            hf_url=env.get("PAPERSHELF_HF_URL", defaults.hf_url).rstrip("/"),
            arxiv_url=env.get("PAPERSHELF_ARXIV_URL", defaults.arxiv_url).rstrip("/"),
            rss_url=env.get("PAPERSHELF_RSS_URL", defaults.rss_url).rstrip("/"),
            arxiv_pdf_url=env.get("PAPERSHELF_ARXIV_PDF_URL", defaults.arxiv_pdf_url).rstrip("/"),
            s2_url=env.get("PAPERSHELF_S2_URL", defaults.s2_url).rstrip("/"),
            s2_api_key=env.get("S2_API_KEY") or defaults.s2_api_key,
            timeout=number("PAPERSHELF_TIMEOUT", defaults.timeout),
            arxiv_interval=number("PAPERSHELF_ARXIV_INTERVAL", defaults.arxiv_interval),
            retries=int(number("PAPERSHELF_RETRIES", defaults.retries)),
            backoff=number("PAPERSHELF_BACKOFF", defaults.backoff),
        )


@dataclass
class FetchResult:
    papers: list[Paper] = field(default_factory=list)
    skipped: int = 0
    requests: int = 0


class Fetcher:
    """One client for all sources. ``sleep`` and ``clock`` are injectable for tests."""

    def __init__(
        self,
        config: SourceConfig,
        *,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_request: Callable[[str], None] | None = None,
        cache: ResponseCache | None = None,
        max_age: float = 0.0,
    ) -> None:
        self.config = config
        self.client = client or httpx.Client(
            timeout=config.timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=True
        )
        self.sleep = sleep
        self.clock = clock
        self.on_request = on_request
        self._last_arxiv: float | None = None
        self.cache = cache
        self.max_age = max_age
        self.cached_answers = 0

    def close(self) -> None:
        self.client.close()

    # -- transport -------------------------------------------------------------------------

    def get(self, url: str, params: Mapping[str, str | int] | None = None, *, arxiv: bool = False) -> bytes:
        """GET with retries: throttling (429, ``Rate exceeded.``) and 5xx gateway errors back off.

        A cached answer younger than ``max_age`` is returned without asking the server.
        """
        if self.cache is not None:
            cached = self.cache.get(url, params, self.max_age)
            if cached is not None:
                self.cached_answers += 1
                return cached
        body = self._get(url, params, arxiv=arxiv)
        if self.cache is not None:
            self.cache.put(url, params, body)
        return body

    def post_json(
        self, url: str, params: Mapping[str, str | int], body: object, headers: Mapping[str, str]
    ) -> bytes:
        """POST a JSON body (never cached), with the same retries and back-off as :meth:`get`."""
        return self._get(url, params, arxiv=False, method="POST", json_body=body, headers=headers)

    def space_arxiv(self) -> None:
        """Wait until arXiv's spacing between requests has passed (downloads share it)."""
        self._space_arxiv()

    def _get(
        self,
        url: str,
        params: Mapping[str, str | int] | None,
        *,
        arxiv: bool,
        method: str = "GET",
        json_body: object = None,
        headers: Mapping[str, str] | None = None,
    ) -> bytes:
        wait = self.config.backoff
        for attempt in range(self.config.retries + 1):
            if arxiv:
                self._space_arxiv()
            if self.on_request:
                self.on_request(url)
            try:
                response = self.client.request(method, url, params=params, json=json_body, headers=headers)
            except httpx.TimeoutException:
                raise FetchError(f"{url}: no answer within {self.config.timeout:g} s") from None
            except httpx.HTTPError as error:
                raise FetchError(f"{url}: {error.__class__.__name__}: {error}") from None
            throttled = response.status_code in RETRY_STATUS or (
                arxiv and response.content.strip() == b"Rate exceeded."
            )
            if not throttled:
                if response.status_code >= 400:
                    raise FetchError(f"{url}: HTTP {response.status_code} {response.reason_phrase}")
                return response.content
            if attempt == self.config.retries:
                raise FetchError(
                    f"{url}: still throttled (HTTP {response.status_code}) after {attempt + 1} tries"
                )
            self.sleep(max(wait, _retry_after(response)))
            wait *= 2
        raise AssertionError("unreachable")

    def _space_arxiv(self) -> None:
        now = self.clock()
        if self._last_arxiv is not None:
            pause = self.config.arxiv_interval - (now - self._last_arxiv)
            if pause > 0:
                self.sleep(pause)
        self._last_arxiv = self.clock()

    # -- sources ---------------------------------------------------------------------------

    def hf_daily(
        self, *, date: str | None = None, week: str | None = None, month: str | None = None, limit: int = 100
    ) -> FetchResult:
        """``/api/daily_papers`` for a day, ISO week or month (the latest day when none)."""
        params: dict[str, str | int] = {"limit": limit}
        for name, value in (("date", date), ("week", week), ("month", month)):
            if value:
                params[name] = value
        result = FetchResult()
        for page in range(50):
            body = self.get(f"{self.config.hf_url}/api/daily_papers", {**params, "p": page})
            result.requests += 1
            parsed = _parsed(parse_hf_api, body, "Hugging Face daily papers")
            result.papers.extend(parsed.papers)
            result.skipped += parsed.skipped
            if len(parsed.papers) + parsed.skipped < limit:
                break
        return result

    def hf_search(self, query: str, limit: int = 50) -> FetchResult:
        body = self.get(f"{self.config.hf_url}/api/papers/search", {"q": query, "limit": limit})
        parsed = _parsed(parse_hf_api, body, "Hugging Face paper search")
        return FetchResult(parsed.papers, parsed.skipped, 1)

    def arxiv_query(self, query: str, max_results: int = 100, page_size: int = 100) -> FetchResult:
        """The arXiv API, paged by ``start``; at least ``arxiv_interval`` between requests."""
        result = FetchResult()
        start = 0
        while start < max_results:
            size = min(page_size, max_results - start)
            body = self.get(
                f"{self.config.arxiv_url}/api/query",
                {"search_query": query, "start": start, "max_results": size, "sortBy": "submittedDate"},
                arxiv=True,
            )
            result.requests += 1
            feed = _parsed(parse_arxiv_atom, body, "arXiv API")
            result.papers.extend(feed.papers)
            result.skipped += feed.skipped
            start += size
            if not feed.papers or (feed.total is not None and start >= feed.total):
                break
        return result

    def arxiv_rss(self, categories: list[str]) -> FetchResult:
        result = FetchResult()
        for category in categories:
            body = self.get(f"{self.config.rss_url}/rss/{category}", arxiv=True)
            result.requests += 1
            papers, skipped = _parsed(parse_arxiv_rss, body, f"arXiv feed {category}")
            result.papers.extend(papers)
            result.skipped += skipped
        return result


def _parsed(parse: Callable[[bytes, str], object], body: bytes, name: str):  # type: ignore[no-untyped-def]
    try:
        return parse(body, name)
    except SourceError as error:
        raise FetchError(str(error)) from None


def _retry_after(response: httpx.Response) -> float:
    try:
        return float(response.headers.get("Retry-After", 0))
    except ValueError:
        return 0.0
