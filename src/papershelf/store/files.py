"""Files done properly: atomic replacement, a lock file for read-merge-write, invalid files moved
aside (never overwritten), and the copies sync tools leave when two machines changed a file."""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from filelock import FileLock

# Seconds to wait for another reader's save before a save counts as failed (and is retried).
LOCK_TIMEOUT = 10.0


def aside_path(path: Path) -> Path:
    """``<name>.corrupt-<timestamp>`` beside ``path``, never the name of an earlier one."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    return aside


def set_aside(path: Path, what: str, error: Exception) -> str:
    """Move an invalid file aside (never over an earlier one); returns the message for the user."""
    aside = aside_path(path)
    try:
        os.replace(path, aside)
    except OSError:
        return f"{what} {path} is invalid ({error}); it was left in place and not used."
    return f"{what} was invalid ({error}); it was moved to {aside}."


# A file's identity and version as the file system sees it: any write or rename changes it.
Signature = tuple[int, int, int, int]


def signature_of(stat: os.stat_result) -> Signature:
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def file_digest(raw: bytes) -> str:
    """A short digest of a file's bytes: whether it changed since it was last read or written."""
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def write_atomic(path: Path, text: str, *, durable: bool = True) -> None:
    """Replace ``path`` with ``text`` so that a crash leaves either the old or the new file.

    ``durable`` also flushes to the disk (fsync of the file and its directory).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if not durable:
        return
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def os_problem(path: Path, error: OSError) -> str:
    """Why ``path`` cannot be made or written, in a few words for a one-line message: names
    the file that stands where a folder should be (an XDG directory that is a file)."""
    for parent in (path, *path.parents):
        if parent.exists() or parent.is_symlink():
            if parent != path and not parent.is_dir():
                return f"{parent} is a file, not a folder"
            break
    return error.strerror or str(error)


@contextlib.contextmanager
def file_lock(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the exclusive lock file ``path`` (created with its directory). Raises TimeoutError
    (an OSError) after ``timeout`` seconds. Re-entrant within a thread."""
    from filelock import FileLock  # noqa: PLC0415 (the command line never locks: keep it light)

    path.parent.mkdir(parents=True, exist_ok=True)
    lock = _LOCKS.get(path)
    if lock is None:
        made = FileLock(path, timeout=timeout, poll_interval=0.005, preserve_lock_file=True)
        lock = _LOCKS.setdefault(path, made)
    with lock:
        yield


_LOCKS: dict[Path, FileLock] = {}  # one per path and process: re-entrant


def conflict_copies(path: Path) -> list[Path]:
    """Copies of ``path`` that a sync tool or a merge left beside it, e.g. for state.toml:
    ``state.sync-conflict-*.toml`` (Syncthing), ``state (… conflicted copy …).toml`` (Dropbox,
    Nextcloud), ``state.toml.orig`` (git), ``state-conflict-*.toml``."""
    stem, suffix = path.stem, path.suffix
    patterns = [
        f"{stem}.sync-conflict-*{suffix}",
        f"{stem} (*conflict*){suffix}",
        f"{stem}*conflicted copy*{suffix}",
        f"{stem}-conflict*{suffix}",
        f"{stem}.conflict*{suffix}",
        f"{path.name}.orig",
        f"{path.name}.conflict*",
        f"{path.name}.*conflict*",
    ]
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    found = {name for name in names if any(fnmatch.fnmatchcase(name, p) for p in patterns)}
    return [path.parent / name for name in sorted(found)]
