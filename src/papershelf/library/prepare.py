"""Preparing import chunks: split a block of the file into lines, then parse, clean, key,
digest and index words of its records.

Pure CPU work on its own input, so it runs in worker processes for large files (see
:mod:`papershelf.library.importer`, which cuts the file into blocks of lines and commits the
prepared chunks in input order).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult
from typing import BinaryIO, TypeVar

import numpy as np
import orjson

from papershelf.library.heap import gc_paused, glibc, keep_freed_memory
from papershelf.library.index import SegmentData
from papershelf.library.pairs import PairData
from papershelf.library.rows import digest, paper_to_row
from papershelf.library.tokens import PEOPLE, TITLE, counted_postings, csr, subset, tokenise
from papershelf.model import Paper, title_key
from papershelf.sources.arxiv_snapshot import looks_like_arxiv_record, paper_from_arxiv_record
from papershelf.sources.errors import SourceError
from papershelf.sources.jsonl import paper_from_dict

CHUNK_SIZE = 5_000  # records per chunk (and per committed batch)
T = TypeVar("T")
Record = tuple[tuple[object, ...], bytes, str]  # row, digest, title key


def _segments(entries: list[tuple[int, Paper]]) -> tuple[SegmentData, dict[str, SegmentData]]:
    """The segment of ``entries`` (position, paper), with its word pairs, and its title and
    author field segments (see :mod:`papershelf.library.tokens`)."""
    positions = np.asarray([position for position, _ in entries], dtype=np.int64)
    tokens = tokenise([paper for _, paper in entries])
    count = max(len(entries), 1)
    posts, order, posting = counted_postings(tokens.rank, tokens.entry, count)
    ptr = csr(posts.rank, len(tokens.vocab))
    # The pairs (a word, the next in the same text), taken in the postings' order.
    followed = np.zeros(tokens.rank.size, dtype=np.bool_)
    np.equal(tokens.text[1:], tokens.text[:-1], out=followed[:-1])
    paired = followed[order]
    following = (posting[paired], tokens.rank[order[paired] + 1].astype(np.int64))
    del order, posting, followed, paired  # (a worker's peak memory is in the pairs' build)
    pairs = PairData.build(ptr, posts.rank, following)
    segment = SegmentData(tokens.vocab, ptr, positions[posts.entry].astype(np.uint32), pairs, posts.counts)
    fields = {}
    for name, kind in (("title", TITLE), ("author", PEOPLE)):
        vocab, ranks = subset(tokens.vocab, tokens.rank, tokens.kind == kind)
        field, _, _ = counted_postings(ranks, tokens.entry[tokens.kind == kind], count)
        fields[name] = SegmentData(
            vocab, csr(field.rank, len(vocab)), positions[field.entry].astype(np.uint32), None, field.counts
        )
    return segment, fields


# -- preparing (runs in workers) ------------------------------------------------------------


@dataclass
class Prepared:
    """A chunk ready to commit: valid records as (row, digest, title key) in input order, errors,
    segment.

    The segment's postings are indices into ``records`` (chunk-local).
    """

    records: list[Record]
    errors: list[SourceError]
    segment: SegmentData
    fields: dict[str, SegmentData]
    lines: int = 0
    size: int = 0  # bytes of input


def prepare_papers(items: Iterable[Paper | SourceError]) -> Prepared:
    records: list[Record] = []
    errors: list[SourceError] = []
    entries: list[tuple[int, Paper]] = []
    for item in items:
        if isinstance(item, SourceError):
            errors.append(item)
            continue
        entries.append((len(records), item))
        records.append((paper_to_row(item), digest(item), title_key(item.title)))
    segment, fields = _segments(entries)
    return Prepared(records, errors, segment, fields)


def _decode(line: str) -> object:
    """orjson (several times faster); a line it refuses (NaN, a lone surrogate, an integer past
    64 bits) is decoded by :mod:`json` as before, so what a file means does not change."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)


def _parse_lines(lines: list[tuple[int, str]], source: str, arxiv: bool) -> Iterator[Paper | SourceError]:
    parse = paper_from_arxiv_record if arxiv else paper_from_dict
    for number, line in lines:
        try:
            yield parse(_decode(line), source, number)
        except json.JSONDecodeError as error:
            yield SourceError(source, f"invalid JSON: {error.msg}", number)
        except RecursionError:
            yield SourceError(source, "invalid JSON: nested too deeply", number)
        except SourceError as error:
            yield error


def prepare_block(job: tuple[bytes, int, str, bool]) -> Prepared:
    """Worker entry point: (a block of whole lines, the number of its first line, source name,
    arXiv format?) -> Prepared."""
    block, first, source, arxiv = job
    with gc_paused():
        lines, errors = block_lines(block, first, source)
        prepared = prepare_papers(_parse_lines(lines, source, arxiv))
    prepared.errors[:0] = errors
    prepared.lines = len(lines)
    prepared.size = len(block)
    return prepared


def _worker_start(parent: int, keep_freed: bool = True) -> None:
    """Worker start-up. Ctrl-C is the importing process's to handle. Should that process die
    (``kill -9``), its workers end at once and quietly, not with a ``BrokenPipeError`` traceback
    each when they hand in their chunk: on Linux the kernel kills them with their parent
    (``PR_SET_PDEATHSIG``); elsewhere a watcher thread notices the parent is gone. Import
    workers (``keep_freed``) also keep the memory a chunk frees for the next one."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes  # noqa: PLC0415

            pr_set_pdeathsig = 1
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    if keep_freed and (malloc := glibc()) is not None:
        keep_freed_memory(malloc)
    if os.getppid() != parent:  # the parent died before the death signal was armed
        os._exit(0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def prepared_in_order(
    jobs: Iterable[tuple[bytes, int, str, bool]], workers: int
) -> Generator[Prepared, None, None]:
    """The jobs (see :func:`prepare_block`) prepared, in input order: by ``workers`` worker
    processes when more than one, a bounded window of chunks in flight (memory stays flat
    whatever the file size); else in this process. Close it to stop the workers."""
    if workers <= 1:
        for job in jobs:
            yield prepare_block(job)
        return
    pool = multiprocessing.get_context("fork").Pool(
        workers, initializer=_worker_start, initargs=(os.getpid(),)
    )
    try:
        window: deque[AsyncResult[Prepared]] = deque()
        for job in jobs:
            window.append(pool.apply_async(prepare_block, (job,)))
            if len(window) > workers:
                yield window.popleft().get()
        while window:
            yield window.popleft().get()
    finally:
        pool.terminate()
        pool.join()


# -- reading ---------------------------------------------------------------------------------


READ_BYTES = 1 << 22  # read at a time while cutting blocks
BLOCK_BYTES = 64 << 20  # a block of long lines ends at the first line end past this size
_BOM = b"\xef\xbb\xbf"
_BLANK = " \t\n\r\x0b\x0c"  # what bytes.strip() strips: a line of only these is blank


def read_blocks(handle: BinaryIO, chunk_size: int = CHUNK_SIZE) -> Iterator[tuple[bytes, int]]:
    """A binary JSON Lines stream cut into blocks of ``chunk_size`` lines (fewer in the last,
    and where the lines are so long that a block would pass :data:`BLOCK_BYTES`), each with the
    number of its first line. Only the line ends are looked for here (the importing process
    reads the whole file); :func:`block_lines` splits and decodes a block where it is
    prepared, in a worker."""
    pieces: list[bytes] = []
    lines, size, number = 0, 0, 1
    for read in iter(lambda: handle.read(READ_BYTES), b""):
        data = read
        while data:
            count = data.count(b"\n")
            ends = []
            if lines + count >= chunk_size:  # the chunk_size-th line end
                end = -1
                for _ in range(chunk_size - lines):
                    end = data.index(b"\n", end + 1)
                ends.append(end)
            if size + len(data) >= BLOCK_BYTES:  # the first line end past BLOCK_BYTES
                end = data.find(b"\n", max(BLOCK_BYTES - size - 1, 0))
                ends += [end] if end >= 0 else []
            if not ends:
                pieces.append(data)
                lines, size = lines + count, size + len(data)
                break
            end = min(ends)
            pieces.append(data[: end + 1])
            yield b"".join(pieces), number
            number += lines + data.count(b"\n", 0, end + 1)
            pieces, lines, size = [], 0, 0
            data = data[end + 1 :]
    if pieces:
        yield b"".join(pieces), number


def block_jobs(blocks: Iterator[tuple[bytes, int]], source: str) -> Iterator[tuple[bytes, int, str, bool]]:
    """The blocks as jobs for :func:`prepare_block`, with their format: the first record's (the
    blocks are read until one has a line that is not blank)."""
    ahead, arxiv = _format(blocks)
    for block, number in itertools.chain(drained(ahead), blocks):
        yield block, number, source, arxiv


def _format(blocks: Iterator[tuple[bytes, int]]) -> tuple[list[tuple[bytes, int]], bool]:
    """The blocks read to find the first line that is not blank, and whether that line is an
    arXiv snapshot record."""
    ahead: list[tuple[bytes, int]] = []
    first = b""
    for seen in blocks:
        ahead.append(seen)
        first = first_nonblank_line(seen[0])
        if first:
            break
    return ahead, is_arxiv_snapshot(first.decode("utf-8", "replace").lstrip("\ufeff"))


def drained(items: list[T]) -> Iterator[T]:
    """The items of a list, each let go of as it is handed out (a block is megabytes)."""
    items.reverse()
    while items:
        yield items.pop()


def first_nonblank_line(block: bytes) -> bytes:
    """The first line of ``block`` that is not blank (without its line end), or b""."""
    start = 0
    while start < len(block):
        end = block.find(b"\n", start)
        end = len(block) if end < 0 else end
        if block[start:end].strip():
            return block[start:end]
        start = end + 1
    return b""


def block_lines(block: bytes, first: int, source: str) -> tuple[list[tuple[int, str]], list[SourceError]]:
    """The numbered non-blank lines of a block (``first``: the number of its first line), and
    its lines that are not UTF-8 as errors. A byte-order mark opening the file is dropped."""
    if first == 1 and block.startswith(_BOM):
        block = block[len(_BOM) :]
    try:
        texts = block.decode("utf-8").split("\n")
    except UnicodeDecodeError:  # only then line by line, to name the lines
        return _lines_one_by_one(block, first, source)
    return [(number, text) for number, text in enumerate(texts, start=first) if text.strip(_BLANK)], []


def _lines_one_by_one(
    block: bytes, first: int, source: str
) -> tuple[list[tuple[int, str]], list[SourceError]]:
    lines: list[tuple[int, str]] = []
    errors: list[SourceError] = []
    for number, raw in enumerate(block.split(b"\n"), start=first):
        if not raw.strip():
            continue
        try:
            lines.append((number, raw.decode("utf-8")))
        except UnicodeDecodeError:
            errors.append(SourceError(source, "not UTF-8 text", number))
    return lines, errors


def is_arxiv_snapshot(first_line: str) -> bool:
    try:
        return looks_like_arxiv_record(json.loads(first_line))
    except (json.JSONDecodeError, RecursionError):
        return False
