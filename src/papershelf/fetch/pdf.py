"""Downloading papers' PDFs into the papers directory, and finding them there again.

A file is named ``<arXiv id or key> <short title>.pdf``. It is streamed to ``NAME.pdf.part``
and renamed when complete, so a file without ``.part`` is always whole. The body must start with
``%PDF`` (an HTML error page saved as a PDF is refused). A dropped connection keeps the
``.part``; the next try asks for the rest (an HTTP range) or starts again when the server does
not offer one. arXiv's spacing between requests is the one the API client keeps.

What is downloaded is read from the directory itself (:meth:`PdfShelf.present`), so a file
deleted by hand is simply no longer there.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from papershelf.fetch.client import RETRY_STATUS, Fetcher, FetchError
from papershelf.model import Paper, is_web_url, normalise_arxiv_id
from papershelf.text import words

PDF_MAGIC = b"%PDF"
SHORT_TITLE_WORDS = 6
SHORT_TITLE_CHARS = 60

Progress = Callable[[int, int | None], None]  # (bytes so far, total bytes when known)


def key_ident(key: str) -> str:
    """The file name part of a paper without an arXiv id: a digest of its key."""
    return "key-" + hashlib.blake2b(key.encode(), digest_size=5).hexdigest()


def ident(paper: Paper) -> str:
    """The first part of a paper's file name: its arXiv id (``/`` as ``_``), else a key digest.

    Never contains a space (the name is split on the first one) or a path separator.
    """
    if paper.arxiv_id:
        return paper.arxiv_id.replace("/", "_")
    return key_ident(paper.key)


def short_title(title: str) -> str:
    """The first few words of the title, folded to what every file system accepts."""
    text = " ".join(words(title)[:SHORT_TITLE_WORDS])
    return text[:SHORT_TITLE_CHARS].strip()


def file_name(paper: Paper) -> str:
    title = short_title(paper.title)
    return f"{ident(paper)} {title}.pdf" if title else f"{ident(paper)}.pdf"


def pdf_link(paper: Paper, arxiv_pdf_url: str = "https://arxiv.org") -> str | None:
    """Where the PDF is: arXiv's for arXiv papers, else the source's link when it is a PDF."""
    if paper.arxiv_id:
        return f"{arxiv_pdf_url}/pdf/{paper.arxiv_id}"
    if is_web_url(paper.url) and urlsplit(paper.url or "").path.lower().endswith(".pdf"):
        return paper.url
    return None


@dataclass(frozen=True)
class PdfShelf:
    """The papers directory."""

    directory: Path

    def target(self, paper: Paper) -> Path:
        return self.directory / file_name(paper)

    def present(self) -> dict[str, Path]:
        """Downloaded files by ident (read from the directory now; ``.part`` files excluded)."""
        found: dict[str, Path] = {}
        try:
            entries = list(os.scandir(self.directory))
        except OSError:
            return found
        for entry in entries:
            name = entry.name
            if not name.lower().endswith(".pdf") or not entry.is_file():
                continue
            found.setdefault(name[:-4].split(" ", 1)[0], Path(entry.path))
        return found

    def find(self, paper: Paper) -> Path | None:
        """The downloaded file of ``paper``, if it is (still) there."""
        exact = self.target(paper)
        if exact.is_file():
            return exact
        return self.present().get(ident(paper))

    def keys(self, all_keys: Callable[[], Iterable[str]]) -> frozenset[str]:
        """Keys of the papers downloaded. arXiv ids are read off the names; for the others (a
        key digest in the name) ``all_keys()`` is walked, only when there are such files."""
        found: set[str] = set()
        digests: set[str] = set()
        for name in self.present():
            if name.startswith("key-"):
                digests.add(name)
            elif normalise_arxiv_id(name.replace("_", "/")):
                found.add("arxiv:" + name.replace("_", "/"))
        if digests:
            found.update(key for key in all_keys() if key_ident(key) in digests)
        return frozenset(found)

    def version(self) -> int:
        """Changes whenever a file is added, renamed or deleted (the directory's mtime)."""
        try:
            return self.directory.stat().st_mtime_ns
        except OSError:
            return 0


def download(
    fetcher: Fetcher,
    paper: Paper,
    shelf: PdfShelf,
    *,
    on_progress: Progress | None = None,
) -> Path:
    """Download ``paper``'s PDF into ``shelf``; returns the path. Raises :class:`FetchError`.

    Throttling and gateway errors back off like the API client; a connection dropped in the
    middle of the body is retried (resuming from the ``.part`` when the server allows it) up to
    ``config.retries`` times, then the ``.part`` is left for the next attempt.
    """
    url = pdf_link(paper, fetcher.config.arxiv_pdf_url)
    if url is None:
        raise FetchError(f"{paper.title[:60]}: no PDF link (no arXiv id, and the link is not a PDF)")
    target = shelf.target(paper)
    part = target.with_name(target.name + ".part")
    try:
        shelf.directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FetchError(f"{shelf.directory}: cannot create: {error.strerror or error}") from None
    arxiv = paper.arxiv_id is not None
    wait = fetcher.config.backoff
    for attempt in range(fetcher.config.retries + 1):
        if arxiv:
            fetcher.space_arxiv()
        if fetcher.on_request:
            fetcher.on_request(url)
        try:
            status = _stream(fetcher.client, url, part, on_progress)
        except httpx.TimeoutException:
            failure = f"{url}: no answer within {fetcher.config.timeout:g} s"
        except httpx.TransportError as error:
            failure = f"{url}: connection lost ({error.__class__.__name__})"
        except OSError as error:
            raise FetchError(f"{part}: cannot write: {error.strerror or error}") from None
        else:
            if status is None:
                os.replace(part, target)
                _sync_directory(shelf.directory)
                return target
            if status not in RETRY_STATUS:
                raise FetchError(f"{url}: HTTP {status}")
            failure = f"{url}: still throttled (HTTP {status}) after {attempt + 1} tries"
        if attempt < fetcher.config.retries:
            fetcher.sleep(wait)
            wait *= 2
    raise FetchError(failure)


def _stream(client: httpx.Client, url: str, part: Path, on_progress: Progress | None) -> int | None:
    """One request into ``part``. None when the file is complete, else the HTTP status to act on.

    Raises FetchError for a body that is not a PDF (the ``.part`` is removed then).
    """
    have = part.stat().st_size if part.exists() else 0
    headers = {"Range": f"bytes={have}-"} if have else {}
    with client.stream("GET", url, headers=headers) as response:
        if response.status_code == 416 and have:  # the range starts past the end: start again
            part.unlink()
            return 503
        if response.status_code >= 400:
            return response.status_code
        resumed = response.status_code == 206 and have > 0
        if not resumed:
            have = 0
        length = response.headers.get("Content-Length")
        total = have + int(length) if length and length.isdigit() else None
        with part.open("ab" if resumed else "wb") as handle:
            head = b""
            for chunk in response.iter_bytes():  # as received: a drop keeps what came
                if not resumed and len(head) < len(PDF_MAGIC):
                    head += chunk[: len(PDF_MAGIC)]
                    if len(head) >= len(PDF_MAGIC) and not head.startswith(PDF_MAGIC):
                        break
                handle.write(chunk)
                have += len(chunk)
                if on_progress:
                    on_progress(have, total)
            handle.flush()
            os.fsync(handle.fileno())
    if not _is_pdf(part):
        kind = response.headers.get("Content-Type", "unknown type").split(";")[0]
        part.unlink(missing_ok=True)
        raise FetchError(f"{url}: the answer is not a PDF ({kind}); nothing was kept")
    return None


def _is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(PDF_MAGIC)) == PDF_MAGIC
    except OSError:
        return False


def _sync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
