"""HTTP clients of the live sources, with retries, back-off and arXiv's request spacing.

Every fetch is bounded, whatever the server does: each request has a total deadline (not only
a per-read timeout, which a server trickling one byte a second never trips), each wait for a
throttled answer is capped (a ``Retry-After`` beyond the cap fails the fetch at once, saying so),
the whole fetch has a time budget, a decoded body larger than ``max_body`` is refused while it
streams (a gzip bomb costs one chunk, not the whole inflation), and ``cancelled`` (the reader
closing) stops it within a fraction of a second. Only answers that parsed are cached.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TypeVar

import httpx

from papershelf import __version__
from papershelf.fetch.body import TooLarge, read_capped
from papershelf.fetch.cache import ResponseCache
from papershelf.fetch.waits import duration, retry_after
from papershelf.model import Paper
from papershelf.sources.arxiv_atom import api_error, parse_arxiv_atom
from papershelf.sources.arxiv_rss import feed_error, parse_arxiv_rss
from papershelf.sources.errors import SourceError
from papershelf.sources.hf_api import parse_hf_api
from papershelf.text import safe_message

USER_AGENT = f"papershelf/{__version__} (terminal paper reader)"
RETRY_STATUS = {429, 502, 503, 504}
POLL = 0.05  # how often a waiting fetch looks at its deadline and at ``cancelled``
T = TypeVar("T")


class FetchError(Exception):
    """A network or server failure; the message is one line for the user (cleaned here, since
    it may quote a server's words, a URL or a path)."""

    def __init__(self, message: object) -> None:
        super().__init__(safe_message(message))


class FetchCancelled(FetchError):
    """The fetch was stopped from outside (the reader closed while it ran)."""


@dataclass(frozen=True)
class SourceConfig:
    hf_url: str = "https://huggingface.co"
    arxiv_url: str = "http://export.arxiv.org"
    rss_url: str = "https://rss.arxiv.org"
    arxiv_pdf_url: str = "https://arxiv.org"  # where arXiv's PDFs are downloaded from
    s2_url: str = "https://api.semanticscholar.org"
    s2_api_key: str | None = None
    timeout: float = 20.0  # per connect / read
    arxiv_interval: float = 3.0  # arXiv asks for at least 3 s between requests
    retries: int = 3
    backoff: float = 3.0  # first wait after a throttled answer; doubles each retry
    deadline: float = 120.0  # one request, from connecting to the last byte
    max_wait: float = 60.0  # the longest wait for a throttled answer (back-off or Retry-After)
    budget: float = 900.0  # the whole fetch: every request and every wait
    max_body: int = 50 * 1024 * 1024  # decoded bytes of one answer

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
                value = float(raw)
            except ValueError:
                value = math.nan
            if not math.isfinite(value) or value < 0:
                raise FetchError(f"{name} must be a number >= 0, got {raw!r}")
            return value

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
            deadline=number("PAPERSHELF_DEADLINE", defaults.deadline),
            max_wait=number("PAPERSHELF_MAX_WAIT", defaults.max_wait),
            budget=number("PAPERSHELF_FETCH_BUDGET", defaults.budget),
        )


@dataclass
class FetchResult:
    papers: list[Paper] = field(default_factory=list)
    skipped: int = 0
    requests: int = 0


@dataclass
class _Answer:
    status: int = 0
    reason: str = ""
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes = b""


class Fetcher:
    """One client for all sources. ``sleep`` and ``clock`` are injectable for tests (``clock``
    measures the arXiv spacing and the fetch's budget); ``cancelled`` is asked while waiting."""

    def __init__(
        self,
        config: SourceConfig,
        *,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_request: Callable[[str], None] | None = None,
        cache: ResponseCache | None = None,
        max_age: float = 0.0,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> None:
        self.config = config
        self.client = client or httpx.Client(
            timeout=config.timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=True
        )
        self.sleep = sleep or self._sleep
        self.clock = clock
        self.on_request = on_request
        self.cancelled = cancelled
        self._last_arxiv: float | None = None
        self._started: float | None = None
        self.cache = cache
        self.max_age = max_age
        self.cached_answers = 0

    def close(self) -> None:
        self.client.close()

    # -- transport -------------------------------------------------------------------------

    def fetch(
        self,
        url: str,
        params: Mapping[str, str | int] | None,
        parse: Callable[[bytes, str], T],
        name: str,
        *,
        arxiv: bool = False,
    ) -> T:
        """GET ``url`` and parse the body; a parse failure is a :class:`FetchError`.

        A cached answer younger than ``max_age`` is used without asking the server; only an
        answer that parsed is cached, so a broken one is not replayed.
        """
        if self.cache is not None:
            cached = self.cache.get(url, params, self.max_age)
            if cached is not None:
                try:
                    parsed = parse(cached, name)
                except SourceError:
                    pass  # a cache written before answers were checked: ask again
                else:
                    self.cached_answers += 1
                    return parsed
        body = self.get(url, params, arxiv=arxiv)
        try:
            parsed = parse(body, name)
        except SourceError as error:
            raise FetchError(error) from None
        if self.cache is not None:
            self.cache.put(url, params, body)
        return parsed

    def get(self, url: str, params: Mapping[str, str | int] | None = None, *, arxiv: bool = False) -> bytes:
        """GET with retries: throttling (429, ``Rate exceeded.``) and 5xx gateway errors back off."""
        return self._get(url, params, arxiv=arxiv)

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
        """One request with retries, within the deadlines, the body cap and ``cancelled``."""
        if self._started is None:
            self._started = self.clock()
        wait = self.config.backoff
        for attempt in range(self.config.retries + 1):
            if arxiv:
                self._space_arxiv()
            if self.on_request:
                self.on_request(url)
            answer = self._request(url, params, method=method, json_body=json_body, headers=headers)
            throttled = answer.status in RETRY_STATUS or (arxiv and answer.body.strip() == b"Rate exceeded.")
            if not throttled:
                if answer.status >= 400:
                    reason = api_error(answer.body) if arxiv else None
                    if reason is not None:  # a bad query: arXiv's Error entry says what is wrong
                        raise FetchError(f"arXiv API error: {reason} (HTTP {answer.status})")
                    reason = feed_error(answer.body) if arxiv else None
                    if reason is not None:  # an unknown category: the feed's channel says why
                        raise FetchError(f"arXiv feed error: {reason} (HTTP {answer.status})")
                    raise FetchError(f"{url}: HTTP {answer.status} {answer.reason}")
                return answer.body
            if attempt == self.config.retries:
                raise FetchError(f"{url}: still throttled (HTTP {answer.status}) after {attempt + 1} tries")
            asked = retry_after(answer.headers.get("Retry-After"), time.time())
            if asked > self.config.max_wait:
                raise FetchError(
                    f"{url}: the server asks to wait {duration(asked)} before trying again "
                    f"(papershelf waits at most {self.config.max_wait:g} s): try again later"
                )
            self._pause(min(max(wait, asked), self.config.max_wait), url)
            wait *= 2
        raise AssertionError("unreachable")

    def _request(
        self,
        url: str,
        params: Mapping[str, str | int] | None,
        *,
        method: str = "GET",
        json_body: object = None,
        headers: Mapping[str, str] | None = None,
    ) -> _Answer:
        """One request in a helper thread, so that its total deadline and ``cancelled`` are kept
        whatever the socket does; a request given up on is told to stop at its next chunk."""
        deadline = min(self.config.deadline, self._left())
        answer = _Answer()
        failure: list[BaseException] = []
        done, stop = threading.Event(), threading.Event()

        def run() -> None:
            try:
                with self.client.stream(
                    method, url, params=params, json=json_body, headers=headers
                ) as response:
                    answer.status, answer.reason = response.status_code, response.reason_phrase
                    answer.headers = response.headers
                    answer.body = self._read_body(response, stop)
            except BaseException as error:  # handed to the waiting thread
                failure.append(error)
            finally:
                done.set()

        threading.Thread(target=run, name="papershelf-fetch", daemon=True).start()
        give_up = time.monotonic() + deadline
        while not done.wait(POLL):
            if self.cancelled():
                stop.set()
                raise FetchCancelled(f"{url}: cancelled")
            if time.monotonic() > give_up:
                stop.set()
                raise FetchError(f"{url}: no complete answer within {deadline:g} s")
        if failure:
            error = failure[0]
            if isinstance(error, TooLarge):
                limit = self.config.max_body / 1024 / 1024
                raise FetchError(f"{url}: the answer is larger than {limit:g} MB: refused")
            if isinstance(error, httpx.TimeoutException):
                raise FetchError(f"{url}: no answer within {self.config.timeout:g} s")
            if isinstance(error, httpx.HTTPError):
                raise FetchError(f"{url}: {error.__class__.__name__}: {error}")
            raise error
        return answer

    def _read_body(self, response: httpx.Response, stop: threading.Event) -> bytes:
        return read_capped(response, self.config.max_body, stop)

    def _left(self) -> float:
        """Seconds left of the whole fetch's budget (as measured by ``clock``)."""
        now = self.clock()
        return self.config.budget - (now - (now if self._started is None else self._started))

    def _pause(self, seconds: float, url: str) -> None:
        if seconds > self._left():
            raise FetchError(
                f"{url}: gave up: waiting {seconds:g} s more would take the fetch past its "
                f"{self.config.budget:g} s budget"
            )
        self.sleep(seconds)

    def _sleep(self, seconds: float) -> None:
        """``time.sleep`` that ends early, with :class:`FetchCancelled`, when ``cancelled``."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if self.cancelled():
                raise FetchCancelled("the fetch was cancelled")
            time.sleep(min(left, POLL))

    def _space_arxiv(self) -> None:
        now = self.clock()
        if self._last_arxiv is not None:
            pause = self.config.arxiv_interval - (now - self._last_arxiv)
            if pause > 0:
                self._pause(pause, "arXiv")
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
            url = f"{self.config.hf_url}/api/daily_papers"
            parsed = self.fetch(url, {**params, "p": page}, parse_hf_api, "Hugging Face daily papers")
            result.requests += 1
            result.papers.extend(parsed.papers)
            result.skipped += parsed.skipped
            if len(parsed.papers) + parsed.skipped < limit:
                break
        return result

    def hf_search(self, query: str, limit: int = 50) -> FetchResult:
        url = f"{self.config.hf_url}/api/papers/search"
        parsed = self.fetch(url, {"q": query, "limit": limit}, parse_hf_api, "Hugging Face paper search")
        return FetchResult(parsed.papers, parsed.skipped, 1)

    def arxiv_query(self, query: str, max_results: int = 100, page_size: int = 100) -> FetchResult:
        """The arXiv API, paged by ``start``; at least ``arxiv_interval`` between requests."""
        result = FetchResult()
        start = 0
        while start < max_results:
            size = min(page_size, max_results - start)
            feed = self.fetch(
                f"{self.config.arxiv_url}/api/query",
                {"search_query": query, "start": start, "max_results": size, "sortBy": "submittedDate"},
                parse_arxiv_atom,
                "arXiv API",
                arxiv=True,
            )
            result.requests += 1
            result.papers.extend(feed.papers)
            result.skipped += feed.skipped
            start += size
            if not feed.papers or (feed.total is not None and start >= feed.total):
                break
        return result

    def arxiv_rss(self, categories: list[str]) -> FetchResult:
        result = FetchResult()
        for category in categories:
            url = f"{self.config.rss_url}/rss/{category}"
            papers, skipped = self.fetch(url, None, parse_arxiv_rss, f"arXiv feed {category}", arxiv=True)
            result.requests += 1
            result.papers.extend(papers)
            result.skipped += skipped
        return result
