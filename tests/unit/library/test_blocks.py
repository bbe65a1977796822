"""A JSON Lines file cut into blocks of lines (the importing process) and split into numbered
lines where each block is prepared (the workers) gives exactly the lines, numbers and errors of
reading it line by line."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf.library import prepare
from papershelf.library.prepare import block_lines, read_blocks
from papershelf.sources.errors import SourceError

# Lines as people's files have them: JSON-ish text, blank and whitespace-only lines, CRLF,
# a byte-order mark, bytes that are not UTF-8, non-ASCII text, Unicode spaces (not blank).
pieces = st.sampled_from(
    [
        b'{"a": 1}',
        b"",
        b"   ",
        b"\t\r",
        b"\r",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"caf\xc3\xa9",
        b"\xc2\xa0",
        b"\x0c",
        b"x",
    ]
)
files = st.lists(st.lists(pieces, max_size=3).map(b"".join), max_size=25).map(b"\n".join)


def line_by_line(data: bytes) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """What the importer read before blocks: iterate the binary file, one line at a time."""
    lines, errors = [], []
    for number, raw in enumerate(io.BytesIO(data), start=1):
        text = raw[3:] if number == 1 and raw.startswith(b"\xef\xbb\xbf") else raw
        if not text.strip():
            continue
        try:
            lines.append((number, text.decode("utf-8").rstrip("\n")))
        except UnicodeDecodeError:
            errors.append((number, "not UTF-8 text"))
    return lines, errors


def in_blocks(data: bytes, chunk_size: int) -> tuple[list[tuple[int, str]], list[tuple[int, str]], list[int]]:
    lines: list[tuple[int, str]] = []
    errors: list[SourceError] = []
    sizes = []
    for block, first in read_blocks(io.BytesIO(data), chunk_size):
        got, bad = block_lines(block, first, "f.jsonl")
        lines += got
        errors += bad
        sizes.append(block.count(b"\n"))
    return lines, [(error.line or 0, error.reason) for error in errors], sizes


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=files,
    chunk_size=st.integers(1, 6),
    read_bytes=st.sampled_from([1, 3, 7, 64, 1 << 22]),
    block_bytes=st.sampled_from([1, 10, 40, 64 << 20]),
)
def test_blocks_give_the_lines_of_reading_line_by_line(
    data: bytes, chunk_size: int, read_bytes: int, block_bytes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prepare, "READ_BYTES", read_bytes)
    monkeypatch.setattr(prepare, "BLOCK_BYTES", block_bytes)
    lines, errors, sizes = in_blocks(data, chunk_size)
    assert (lines, errors) == line_by_line(data)
    blocks = [block for block, _ in read_blocks(io.BytesIO(data), chunk_size)]
    assert b"".join(blocks) == data
    assert all(blocks)
    for block, size in zip(blocks[:-1], sizes[:-1], strict=True):  # whole lines; the last may not end
        assert block.endswith(b"\n")
        # chunk_size lines, or fewer where the block has just passed BLOCK_BYTES: the block
        # ends at the first line end at or past it
        assert size == chunk_size or len(block) >= block_bytes
        assert block.rfind(b"\n", 0, len(block) - 1) + 1 < block_bytes


def test_a_file_of_long_lines_is_cut_into_blocks_of_bounded_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prepare, "BLOCK_BYTES", 1000)
    line = b'{"abstract": "%s"}\n' % (b"x" * 290)  # 307 bytes: the fourth line passes 1,000
    blocks = list(read_blocks(io.BytesIO(line * 20), 5_000))
    assert [first for _, first in blocks] == [1, 5, 9, 13, 17]
    assert all(block == line * 4 for block, _ in blocks)


def test_a_block_has_the_number_of_its_first_line() -> None:
    data = b"".join(b'{"n": %d}\n' % i for i in range(1, 11))
    blocks = list(read_blocks(io.BytesIO(data), 4))
    assert [first for _, first in blocks] == [1, 5, 9]
    lines, _ = block_lines(*blocks[1], "f.jsonl")
    assert lines == [(5, '{"n": 5}'), (6, '{"n": 6}'), (7, '{"n": 7}'), (8, '{"n": 8}')]
