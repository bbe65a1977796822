"""Source formats: each module turns bytes/text of one format into :class:`Paper` records.

:func:`load_file` reads a file and picks the format from its content, not its name.
"""

from __future__ import annotations

from pathlib import Path

from papershelf.model import Paper
from papershelf.sources.errors import SourceError
from papershelf.sources.hf_page import looks_like_hf_page, parse_hf_page
from papershelf.sources.jsonl import dump_jsonl, parse_jsonl

__all__ = ["SourceError", "detect_format", "dump_jsonl", "load_file", "parse_text", "read_text"]


def detect_format(text: str) -> str | None:
    """``"jsonl"`` or ``"hf-page"`` from the content, or ``None`` when it is neither."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith(("{", "[")):
        return "jsonl"
    if looks_like_hf_page(text):
        return "hf-page"
    return None


def parse_text(text: str, source: str) -> list[Paper]:
    """Papers of ``text`` in whichever format it is."""
    if not text.strip():
        raise SourceError(source, "the file is empty")
    fmt = detect_format(text)
    if fmt == "jsonl":
        return parse_jsonl(text, source)
    if fmt == "hf-page":
        return parse_hf_page(text, source)
    raise SourceError(
        source, "not a format papershelf reads (Daily Papers page text or papershelf JSON Lines)"
    )


def read_text(path: Path) -> str:
    """The text of ``path`` as UTF-8, with a :class:`SourceError` for every way that can fail."""
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(name, "no such file") from None
    except IsADirectoryError:
        raise SourceError(name, "is a directory, not a file") from None
    except PermissionError:
        raise SourceError(name, "permission denied") from None
    except OSError as error:
        raise SourceError(name, f"cannot read: {error.strerror or error}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(name, "not UTF-8 text", line) from None


def load_file(path: Path) -> list[Paper]:
    """Papers of the file at ``path``; raises :class:`SourceError` naming it on any failure."""
    return parse_text(read_text(path), str(path))
