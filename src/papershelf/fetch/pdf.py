"""Downloading papers' PDFs into the papers directory (:mod:`papershelf.store.pdfs`).

A file is streamed to ``NAME.pdf.part``
and renamed when complete, so a file without ``.part`` is always whole. The body must start with
``%PDF`` (an HTML error page saved as a PDF is refused). A dropped connection keeps the
``.part``; the next try asks for the rest (an HTTP range) or starts again when the server does
not offer one. arXiv's spacing between requests is the one the API client keeps.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import httpx

from papershelf.fetch.client import RETRY_STATUS, Fetcher, FetchError
from papershelf.model import Paper
from papershelf.store.pdfs import PdfShelf, pdf_link

PDF_MAGIC = b"%PDF"
Progress = Callable[[int, int | None], None]  # (bytes so far, total bytes when known)


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
