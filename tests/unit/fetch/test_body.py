"""The capped body reader decodes what servers send (gzip in one or several members, deflate
with or without its zlib header, padding after gzip), and stops at the cap."""

from __future__ import annotations

import gzip
import threading
import zlib

import httpx
import pytest

from papershelf.fetch.body import STEP, TooLarge, read_capped

TEXT = b"".join(b"line %d of a feed\n" % i for i in range(50_000))


def response(body: bytes, encoding: str | None) -> httpx.Response:
    headers = {"Content-Encoding": encoding} if encoding else {}
    return httpx.Response(200, headers=headers, stream=httpx.ByteStream(body))


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        (None, TEXT),
        ("identity", TEXT),
        ("gzip", gzip.compress(TEXT)),
        ("x-gzip", gzip.compress(TEXT)),
        ("GZIP", gzip.compress(TEXT)),
        ("gzip", gzip.compress(TEXT[:1000]) + gzip.compress(TEXT[1000:])),  # two members
        ("gzip", gzip.compress(TEXT) + b"\0" * 64),  # padding after the member
        ("deflate", zlib.compress(TEXT)),  # as the RFC says: zlib-wrapped
        ("deflate", raw_deflate(TEXT)),  # as some servers send it
    ],
)
def test_bodies_decode_as_httpx_decodes_them(encoding: str | None, body: bytes) -> None:
    assert read_capped(response(body, encoding), 50 << 20, threading.Event()) == TEXT


def test_the_cap_counts_decoded_bytes() -> None:
    zeros = gzip.compress(b"\0" * (8 << 20))
    assert len(zeros) < 100_000
    with pytest.raises(TooLarge):
        read_capped(response(zeros, "gzip"), 4 << 20, threading.Event())
    assert len(read_capped(response(zeros, "gzip"), 8 << 20, threading.Event())) == 8 << 20
    with pytest.raises(TooLarge):
        read_capped(response(b"x" * (STEP + 1), None), STEP, threading.Event())


def test_a_body_that_is_not_what_it_says_is_a_decoding_error() -> None:
    with pytest.raises(httpx.DecodingError, match="gzip"):
        read_capped(response(b"this is not gzip at all", "gzip"), 1 << 20, threading.Event())


def test_a_stopped_read_gives_nothing() -> None:
    stop = threading.Event()
    stop.set()
    assert read_capped(response(gzip.compress(TEXT), "gzip"), 50 << 20, stop) == b""
