"""Files done properly: atomic replacement, and invalid files moved aside (never overwritten)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path


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
