"""Source formats: each module turns bytes/text of one format into :class:`Paper` records.

:func:`load_file` reads a whole file and picks the format from its content, not its name. The
library's importer streams JSON Lines files itself (:mod:`papershelf.library.importer`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from papershelf.model import Paper
from papershelf.sources.arxiv_snapshot import looks_like_arxiv_record, paper_from_arxiv_record
from papershelf.sources.bibtex import dump_bibtex, looks_like_bibtex, parse_bibtex
from papershelf.sources.errors import SourceError
from papershelf.sources.hf_api import looks_like_hf_item, papers_of_items
from papershelf.sources.hf_page import looks_like_hf_page, parse_hf_page
from papershelf.sources.jsonl import (
    dump_jsonl,
    json_lines,
    load_json,
    paper_from_dict,
    papers_of_array,
    parse_jsonl,
)
from papershelf.sources.ris import looks_like_ris, parse_ris

__all__ = [
    "SourceError",
    "detect_format",
    "dump_bibtex",
    "dump_jsonl",
    "first_line",
    "load_file",
    "load_records",
    "parse_records",
    "parse_text",
    "read_text",
    "reading",
]


def _first_object(text: str) -> object:
    for line in json_lines(text):
        if line.strip():
            try:
                return json.loads(line)
            except (json.JSONDecodeError, RecursionError):
                return None
    return None


def detect_format(text: str) -> str | None:
    """The format of ``text`` from its content (``"jsonl"``, ``"bibtex"``, ``"ris"``, …), or ``None``."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        return "arxiv-snapshot" if looks_like_arxiv_record(_first_object(head)) else "jsonl"
    if head.startswith("["):
        return "jsonl"
    if looks_like_bibtex(text):
        return "bibtex"
    if looks_like_ris(text):
        return "ris"
    if looks_like_hf_page(text):
        return "hf-page"
    return None


def parse_records(text: str, source: str) -> list[Paper | SourceError]:
    """Papers of ``text`` in whichever format it is; a BibTeX entry that cannot be read is an
    error in the list (with its line) and the rest is read. Other formats raise at their first
    bad record; :class:`SourceError` too when nothing is usable."""
    if not text.strip():
        raise SourceError(source, "the file is empty")
    fmt = detect_format(text)
    if fmt == "jsonl" and text.lstrip("\ufeff \t\r\n").startswith("["):
        return _json_array(text.lstrip("\ufeff"), source)
    if fmt == "jsonl":
        return list(parse_jsonl(text, source))
    if fmt == "arxiv-snapshot":
        papers: list[Paper | SourceError] = []
        for _, item in _records(iter(json_lines(text)), source):
            if isinstance(item, SourceError):
                raise item
            papers.append(item)
        return papers
    if fmt == "bibtex":
        return parse_bibtex(text, source)
    if fmt == "ris":
        return list(parse_ris(text, source))
    if fmt == "hf-page":
        return list(parse_hf_page(text, source))
    raise SourceError(
        source,
        "not a format papershelf reads (Daily Papers page text, a Hugging Face API answer, "
        "papershelf JSON Lines, BibTeX, RIS or the arXiv metadata snapshot)",
    )


def _json_array(text: str, source: str) -> list[Paper | SourceError]:
    """A JSON array: papershelf's paper objects, or a saved answer of the Hugging Face papers API
    (``curl …/api/daily_papers > today.json``), whose items that cannot be used are errors in
    the list and the rest is read."""
    items = load_json(text, source)
    if not (isinstance(items, list) and items and looks_like_hf_item(items[0])):
        papers = papers_of_array(items, source)
        if not papers:
            raise SourceError(source, "no papers found (the file is empty)")
        return [*papers]
    found: list[Paper | SourceError] = [
        read if isinstance(read, Paper) else SourceError(source, f"Hugging Face item {number + 1}: {read}")
        for number, read in papers_of_items(items)
    ]
    if not any(isinstance(item, Paper) for item in found):
        first = found[0]
        assert isinstance(first, SourceError)
        raise SourceError(source, f"no usable Hugging Face item ({first.reason})")
    return found


def parse_text(text: str, source: str, on_skip: Callable[[SourceError], None] | None = None) -> list[Paper]:
    """Papers of ``text``; each record skipped (a bad BibTeX entry) goes to ``on_skip``, or is
    raised when there is no ``on_skip``."""
    return _papers(parse_records(text, source), on_skip)


def _papers(
    items: Iterable[Paper | SourceError], on_skip: Callable[[SourceError], None] | None
) -> list[Paper]:
    papers = []
    for item in items:
        if isinstance(item, SourceError):
            if on_skip is None:
                raise item
            on_skip(item)
        else:
            papers.append(item)
    return papers


def _records(lines: Iterable[str], source: str) -> Iterator[tuple[int, Paper | SourceError]]:
    """(line number, paper or error) for each non-blank line of a JSON Lines stream."""
    parse = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, SourceError(source, f"invalid JSON: {error.msg}", number)
            continue
        except RecursionError:
            yield number, SourceError(source, "invalid JSON: nested too deeply", number)
            continue
        if parse is None:
            parse = paper_from_arxiv_record if looks_like_arxiv_record(obj) else paper_from_dict
        try:
            yield number, parse(obj, source, number)
        except SourceError as error:
            yield number, error


@contextlib.contextmanager
def reading(path: Path) -> Iterator[None]:
    """Turn the ways reading ``path`` fails into a :class:`SourceError` naming it."""
    name = str(path)
    try:
        yield
    except FileNotFoundError:
        raise SourceError(name, "no such file") from None
    except IsADirectoryError:
        raise SourceError(name, "is a directory, not a file") from None
    except PermissionError:
        raise SourceError(name, "permission denied") from None
    except OSError as error:
        raise SourceError(name, f"cannot read: {error.strerror or error}") from None


def read_text(path: Path) -> str:
    """The text of ``path`` as UTF-8, with a :class:`SourceError` for every way that can fail."""
    with reading(path):
        data = path.read_bytes()
    return decoded(data, str(path))


def decoded(data: bytes, source: str) -> str:
    """``data`` as UTF-8 text (a byte-order mark dropped), or a :class:`SourceError` naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(source, "not UTF-8 text", line) from None


def first_line(path: Path) -> bytes:
    """The first non-blank line of ``path`` (BOM removed), with :func:`read_text`'s errors."""
    with reading(path):
        if path.is_dir():
            raise IsADirectoryError(path)
        with path.open("rb") as handle:
            for line in handle:
                if line.strip():
                    return line.removeprefix(b"\xef\xbb\xbf").strip()
    return b""


def load_records(path: Path) -> list[Paper | SourceError]:
    """:func:`parse_records` of the file at ``path`` (what ``papershelf add`` imports)."""
    return parse_records(read_text(path), str(path))


def load_file(path: Path, on_skip: Callable[[SourceError], None] | None = None) -> list[Paper]:
    """Papers of the file at ``path``; raises :class:`SourceError` naming it on any failure
    (records skipped go to ``on_skip`` when given)."""
    return parse_text(read_text(path), str(path), on_skip)
