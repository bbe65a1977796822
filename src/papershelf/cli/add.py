"""``papershelf add FILE ...``: import into the library with a progress display."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from papershelf.cli._common import ExitCode, library_for_writing
from papershelf.library.importer import ImportReport
from papershelf.library.library import Library
from papershelf.library.prepare import first_nonblank_line
from papershelf.library.store import LibraryError
from papershelf.sources import SourceError, decoded, first_line, load_records, parse_records, reading


class RateColumn(TextColumn):
    """Records per second, from the task's ``records`` field."""

    def __init__(self) -> None:
        super().__init__("")

    def render(self, task):  # type: ignore[no-untyped-def]
        elapsed = task.elapsed or 0
        records = task.fields.get("records", 0)
        rate = records / elapsed if elapsed > 0 else 0
        from rich.text import Text  # noqa: PLC0415

        return Text(f"{records:,} papers · {rate:,.0f}/s", style="progress.data.speed")


def _is_jsonl(first: bytes) -> bool:
    """Whether an input whose first line that is not blank is ``first`` is JSON Lines
    (streamed), not a whole-file format (parsed at once)."""
    return first.removeprefix(b"\xef\xbb\xbf").strip().startswith(b"{")


def display_name(path: Path) -> str:
    """How messages name an input: ``<stdin>`` for ``-``."""
    return "<stdin>" if str(path) == "-" else str(path)


def _is_stream(path: Path) -> bool:
    """Standard input (``-``), or what is not a regular file (a pipe, a process substitution):
    read once, as it comes."""
    return str(path) == "-" or (path.exists() and not path.is_file() and not path.is_dir())


class _Replayed(io.RawIOBase):
    """A stream whose first bytes were already read (``head``): those, then the rest."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head, self._rest = memoryview(head), rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count], self._head = self._head[:count], self._head[count:]
            return count
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _head(handle: BinaryIO) -> bytes:
    """The first bytes of a stream, up to the end of its first line that is not blank."""
    pieces = []
    text = False  # the line read so far (not ended yet) is not blank
    while data := handle.read(1 << 16):
        pieces.append(data)
        start = 0
        while (end := data.find(b"\n", start)) >= 0:
            if text or data[start:end].strip():
                return b"".join(pieces)
            start = end + 1
        text = text or bool(data[start:].strip())
    return b"".join(pieces)


def _import_stream(library: Library, path: Path, progress: Progress, workers: int | None) -> ImportReport:
    importer = library.importer()
    name = display_name(path)
    with reading(path):
        handle = sys.stdin.buffer if str(path) == "-" else path.open("rb")
        head = _head(handle)
    try:
        if _is_jsonl(first_nonblank_line(head)):
            task = progress.add_task(name, total=None, records=0)
            stream = io.BufferedReader(_Replayed(head, handle))
            return importer.import_stream(stream, name, _advance(progress, task), workers=workers)
        with reading(path):
            data = head + handle.read()
        return importer.import_papers(parse_records(decoded(data, name), name))
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def _advance(progress: Progress, task: TaskID) -> Callable[[int, int], None]:
    done = 0

    def advance(records: int, nbytes: int) -> None:
        nonlocal done
        done += records
        progress.update(task, advance=nbytes, records=done)

    return advance


def import_file(library: Library, path: Path, console: Console, workers: int | None) -> ImportReport:
    if _is_stream(path):
        with _progress(console, sized=False) as progress:
            return _import_stream(library, path, progress, workers)
    importer = library.importer()
    if not _is_jsonl(first_line(path)):
        return importer.import_papers(load_records(path))  # a bad BibTeX entry: one malformed
    with _progress(console) as progress:
        task = progress.add_task(path.name, total=path.stat().st_size, records=0)
        return importer.import_jsonl(path, _advance(progress, task), workers=workers)


def _progress(console: Console, *, sized: bool = True) -> Progress:
    """The import's progress display; a stream of unknown size has no share done nor ETA."""
    share = (TextColumn("{task.percentage:>3.0f}%"),) if sized else ()
    eta = (TextColumn("ETA"), TimeRemainingColumn()) if sized else ()
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        *share,
        RateColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        *eta,
        console=console,
        transient=True,
    )


INTERRUPTED_MERGING = (
    "papershelf: interrupted while merging index segments; the papers are kept, and the next add "
    "or `papershelf library compact` merges them"
)


def run_add(files: Sequence[Path], *, workers: int | None = None) -> int:
    console = Console(stderr=True)
    library = library_for_writing()
    if isinstance(library, int):
        return library
    status = 0
    try:
        for path in files:
            try:
                report = import_file(library, path, console, workers)
            except SourceError as bad:
                print(f"papershelf: {bad}", file=sys.stderr)
                status = ExitCode.USAGE
                continue
            except LibraryError as damaged:  # a damaged library: one line naming the fix
                print(f"papershelf: {damaged}", file=sys.stderr)
                return ExitCode.USAGE
            rate = report.records / report.seconds if report.seconds else 0
            name = display_name(path)
            print(f"papershelf: {name}: {report.summary()} ({report.seconds:.1f} s, {rate:,.0f} papers/s)")
            for malformed in sorted(report.errors, key=lambda e: e.line or 0):
                print(f"papershelf: {malformed}", file=sys.stderr)
            if report.malformed > len(report.errors):
                print(
                    f"papershelf: {name}: {report.malformed - len(report.errors)} more malformed lines",
                    file=sys.stderr,
                )
            if report.interrupted:
                print("papershelf: interrupted; every batch committed before Ctrl-C is kept", file=sys.stderr)
                return ExitCode.INTERRUPTED
        try:
            library.merge()  # segments of similar size merged: the index does not age
        except KeyboardInterrupt:  # each merge switches in atomically: none is left half done
            print(INTERRUPTED_MERGING, file=sys.stderr)
            return ExitCode.INTERRUPTED
    finally:
        library.close()
    return status
