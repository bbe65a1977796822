"""Reading an answer's body with a cap on what it decodes to, whatever its compression.

httpx decodes a compressed body one network chunk at a time, and one 64 KB chunk of a gzip
bomb inflates to 64 MB before anyone can count it. Here the raw (still compressed) bytes are
inflated with :mod:`zlib` at most :data:`STEP` bytes at a time, so the decoded body never grows
past the cap by more than one step: a 1 MB gzip of 1 GB of zeros is refused after ~50 MB.
Encodings zlib does not speak (br, zstd, when their packages are installed) go through httpx's
own decoder, chunk by chunk, under the same cap.
"""

from __future__ import annotations

import io
import threading
import zlib
from collections.abc import Iterator

import httpx

STEP = 256 * 1024  # decoded bytes per inflation step
RAW_CHUNK = 16 * 1024


class TooLarge(Exception):
    """The body decodes to more than the cap."""


class _Inflater:
    """gzip (one member or several), zlib-wrapped or raw deflate, in bounded steps."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._raw_deflate = False
        self._members = 0  # complete gzip members decoded so far
        self._done = False  # what follows the last member is not gzip (padding): ignored
        self._new()

    def _new(self) -> None:
        # 32 + 15: gzip or zlib header, detected; "deflate" without a header is retried raw.
        self._inflate = zlib.decompressobj(-15 if self._raw_deflate else 32 + 15)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data and not self._done:
            try:
                out = self._inflate.decompress(data, STEP)
            except zlib.error as error:
                if self._members:
                    self._done = True  # trailing bytes after a whole member, as httpx ignores them
                    return
                if self.encoding == "deflate" and not self._raw_deflate:
                    self._raw_deflate = True  # servers that send raw deflate as "deflate"
                    self._new()
                    continue
                raise httpx.DecodingError(f"the {self.encoding} body cannot be decoded ({error})") from None
            if out:
                yield out
            if self._inflate.eof:  # another gzip member may follow
                self._members += 1
                data = self._inflate.unused_data
                if data:
                    self._new()
                continue
            data = self._inflate.unconsumed_tail

    def finish(self) -> Iterator[bytes]:
        while not self._done:
            out = self._inflate.decompress(self._inflate.unconsumed_tail, STEP)
            if not out:
                return
            yield out


def _content_encodings(response: httpx.Response) -> list[str]:
    value = response.headers.get("Content-Encoding", "")
    return [part.strip().lower() for part in value.split(",") if part.strip() and part.strip() != "identity"]


def read_capped(response: httpx.Response, limit: int, stop: threading.Event) -> bytes:
    """The decoded body of a streamed ``response``; raises :class:`TooLarge` past ``limit``
    decoded bytes; ``b""`` when ``stop`` is set meanwhile."""
    declared = response.headers.get("Content-Length", "")
    encodings = _content_encodings(response)
    if declared.isdigit() and int(declared) > limit and not encodings:
        raise TooLarge
    body = io.BytesIO()
    for piece in _decoded(response, encodings):
        if stop.is_set():
            return b""
        if body.tell() + len(piece) > limit:
            raise TooLarge
        body.write(piece)
    return body.getvalue()


def _decoded(response: httpx.Response, encodings: list[str]) -> Iterator[bytes]:
    if not encodings:
        yield from response.iter_raw(RAW_CHUNK)
        return
    if len(encodings) == 1 and encodings[0] in {"gzip", "x-gzip", "deflate"}:
        inflater = _Inflater(encodings[0])
        for raw in response.iter_raw(RAW_CHUNK):
            yield from inflater.feed(raw)
        yield from inflater.finish()
        return
    yield from response.iter_bytes()  # br, zstd or a chain of encodings: httpx decodes them
