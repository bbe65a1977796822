"""``papershelf add FILE ...``: import into the library with a progress display."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from papershelf.cli._common import ExitCode, library_for_writing
from papershelf.library.importer import ImportReport
from papershelf.library.library import Library
from papershelf.library.store import LibraryError
from papershelf.sources import SourceError, first_line, load_records


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


def _is_jsonl(path: Path) -> bool:
    """JSON Lines (streamed) or a whole-file format (parsed at once)."""
    return first_line(path).startswith(b"{")


def import_file(library: Library, path: Path, console: Console, workers: int | None) -> ImportReport:
    importer = library.importer()
    if not _is_jsonl(path):
        return importer.import_papers(load_records(path))  # a bad BibTeX entry: one malformed
    size = path.stat().st_size
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        RateColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(path.name, total=size, records=0)
        done = 0

        def advance(records: int, nbytes: int) -> None:
            nonlocal done
            done += records
            progress.update(task, advance=nbytes, records=done)

        return importer.import_jsonl(path, advance, workers=workers)


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
            print(f"papershelf: {path}: {report.summary()} ({report.seconds:.1f} s, {rate:,.0f} papers/s)")
            for malformed in sorted(report.errors, key=lambda e: e.line or 0):
                print(f"papershelf: {malformed}", file=sys.stderr)
            if report.malformed > len(report.errors):
                print(
                    f"papershelf: {path}: {report.malformed - len(report.errors)} more malformed lines",
                    file=sys.stderr,
                )
            if report.interrupted:
                print("papershelf: interrupted; every batch committed before Ctrl-C is kept", file=sys.stderr)
                return ExitCode.INTERRUPTED
        library.merge()  # segments of similar size merged: the index does not age
    finally:
        library.close()
    return status
