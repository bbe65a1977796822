"""``papershelf library check`` and ``papershelf library repair``."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from papershelf.cli._common import ExitCode
from papershelf.library.check import check_messages, repair
from papershelf.library.lock import WriterLock
from papershelf.library.store import LibraryError


def say(message: str) -> None:
    print(f"papershelf: {message}", file=sys.stderr)


def run_care(command: str, directory: Path) -> int:
    if command == "check":
        problems = check_messages(directory)
        for problem in problems:
            say(problem)
        if problems:
            say("the library is damaged; run 'papershelf library repair'")
            return 1  # damaged (2 stays for bad usage)
        print("papershelf: the library is sound (database, index files and checksums)")
        return ExitCode.OK
    lock = WriterLock(directory)
    try:
        lock.acquire(on_wait=say)
        repair(directory, say)
    except (LibraryError, OSError, sqlite3.DatabaseError) as error:
        say(f"repair failed: {error}")
        return ExitCode.USAGE
    finally:
        lock.release()
    problems = check_messages(directory)
    if problems:
        say(f"still damaged after the repair: {problems[0]}")
        return ExitCode.USAGE
    print("papershelf: the library is repaired")
    return ExitCode.OK
