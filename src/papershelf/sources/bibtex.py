"""BibTeX import, with bibtexparser (v2) and its middlewares.

Reading goes through bibtexparser's parse stack: ``@string`` macros resolved (also inside ``#``
concatenations), enclosing braces removed, ``crossref`` parents filled in, co-authors
separated and names put in "First Last" order, then LaTeX decoded with its LaTeX middleware
(pylatexenc): ``{\\"u}`` -> ü, ``{\\L}`` -> Ł, ``--`` -> –, braces that only protect capitals
gone. Each entry becomes a paper: ``title``, ``abstract``, authors, the arXiv id (``eprint`` or
an arxiv.org URL), ``url``/``doi``, the venue (``journal`` or ``booktitle``), ``note``, and the
date from ``date``, or ``year`` and ``month`` (number, name or ``jan`` … macro) at the
precision known: ``2017`` or ``2017-03`` rather than an invented day.

An entry that cannot become a paper (no title, a syntax error) is returned as a
:class:`SourceError` naming its line; the rest of the file is read. Writing is in
:mod:`papershelf.sources.bibtex_write`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from papershelf.model import Paper, iso_date, normalise_arxiv_id
from papershelf.sources.bibtex_write import citation_key, dump_bibtex
from papershelf.sources.errors import SourceError
from papershelf.sources.record import NoTitle, build_paper

if TYPE_CHECKING:
    from bibtexparser.library import Library
    from bibtexparser.model import Entry

# bibtexparser is imported by the functions that use it (~50 ms): the reader starts without it.

__all__ = ["citation_key", "dump_bibtex", "looks_like_bibtex", "parse_bibtex"]

_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s/?#]+?)(?:\.pdf)?(?:[?#]|$)", re.I)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# One part of a "#" concatenation: "quoted", {braced}, a number or a macro name.
_DOI_LINK = re.compile(r"^(?:https?://)?[\w.-]*\bdoi\b[\w.-]*/(10\.\S+)$", re.I)
_INLINE_MATH = re.compile(r"\\\((.*?)\\\)", re.S)  # \( … \) -> $ … $, the math papershelf shows
_PART = re.compile(r'\s*(?:"([^"]*)"|\{((?:[^{}]|\{[^{}]*\})*)\}|([^\s#"{}]+))\s*(?:#|$)')


def looks_like_bibtex(text: str) -> bool:
    return re.search(r"^\s*@\w+\s*[{(]", text, re.M) is not None


def _concatenation(value: str, macros: dict[str, str]) -> str | None:
    """``jean # " " # cesar`` with its macros resolved, or None when it is not a concatenation."""
    parts: list[str] = []
    at = 0
    while at < len(value):
        match = _PART.match(value, at)
        if match is None or match.end() == at:
            return None
        quoted, braced, name = match.groups()
        if name is not None:
            parts.append(macros.get(name.lower(), name))
        else:
            parts.append(quoted if quoted is not None else braced)
        at = match.end()
    return "".join(parts) if len(parts) > 1 else None


@lru_cache(maxsize=1)
def _middlewares() -> tuple[Any, Any]:
    """bibtexparser's middlewares for papershelf: (the parse stack, a LaTeX decoder)."""
    from bibtexparser import middlewares as m  # noqa: PLC0415
    from bibtexparser.middlewares.middleware import LibraryMiddleware  # noqa: PLC0415

    class ResolveConcatenation(LibraryMiddleware):
        """``@string`` macros inside ``#`` concatenations (bibtexparser resolves plain ones)."""

        @classmethod
        def metadata_key(cls) -> str:
            return "papershelf_concatenation"

        def transform(self, library: Library) -> Library:
            macros = {key.lower(): str(s.value) for key, s in library.strings_dict.items()}
            for entry in library.entries:
                for field in entry.fields:
                    if isinstance(field.value, str) and "#" in field.value:
                        joined = _concatenation(field.value, macros)
                        if joined is not None:
                            field.value = joined
            return library

    class ResolveCrossref(LibraryMiddleware):
        """An entry with ``crossref`` takes the fields it lacks from its parent (as BibTeX does);
        the parent's title is its ``booktitle``."""

        @classmethod
        def metadata_key(cls) -> str:
            return "papershelf_crossref"

        def transform(self, library: Library) -> Library:
            from bibtexparser.model import Field  # noqa: PLC0415

            by_key = {entry.key.lower(): entry for entry in library.entries}
            for entry in library.entries:
                parent_key = entry.fields_dict.get("crossref")
                parent = by_key.get(str(parent_key.value).lower()) if parent_key else None
                if parent is None or parent is entry:
                    continue
                have = {f.key.lower() for f in entry.fields}
                for field in parent.fields:
                    name = field.key.lower()
                    if name == "title" and "booktitle" not in have:
                        entry.set_field(Field("booktitle", field.value))
                    elif name not in have and name not in ("crossref", "title"):
                        entry.set_field(Field(field.key, field.value))
            return library

    stack = [
        *m.default_parse_stack(),
        ResolveConcatenation(),
        ResolveCrossref(),
        m.SeparateCoAuthors(),
        m.SplitNameParts(),
        m.MergeNameParts(style="first"),
        m.LatexDecodingMiddleware(),
    ]
    return stack, m.LatexDecodingMiddleware()


def decode_latex(value: str) -> str:
    """LaTeX -> text with bibtexparser's LaTeX middleware (for values it does not reach)."""
    text, error = _middlewares()[1]._transform_python_value_string(value)
    return str(text) if not error else value


def _fields(entry: Entry) -> dict[str, Any]:
    return {f.key.lower(): f.value for f in entry.fields}


def _text(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    return value if isinstance(value, str) else ""


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [decode_latex(value)] if value.strip() else []
    if isinstance(value, list):
        return [decode_latex(n) for n in value if isinstance(n, str)]
    return []


def _arxiv_id(fields: dict[str, Any]) -> str | None:
    prefix = _text(fields, "archiveprefix").lower()
    eprint = _text(fields, "eprint")
    if eprint and (prefix == "arxiv" or not prefix):
        found = normalise_arxiv_id(eprint.removeprefix("arXiv:"))
        if found:
            return found
    for name in ("url", "journal"):
        match = _ARXIV_URL.search(_text(fields, name))
        if match:
            return normalise_arxiv_id(match.group(1))
    return None


def _month(value: str) -> int | None:
    value = value.strip().lower()
    if value.isdigit():
        number = int(value)
        return number if 1 <= number <= 12 else None
    return _MONTHS.index(value[:3]) + 1 if value[:3] in _MONTHS else None


def _date(fields: dict[str, Any]) -> str | None:
    """``date`` (ISO, any precision), else ``year`` and ``month``: ``2017-03`` or ``2017``."""
    full = iso_date(_text(fields, "date").strip()[:10])
    if full:
        return full
    year = _text(fields, "year").strip()
    if not re.fullmatch(r"\d{4}", year):
        return None
    month = _month(_text(fields, "month"))
    return iso_date(f"{year}-{month:02d}" if month else year)


def _paper(entry: Entry, source: str) -> Paper:
    fields = _fields(entry)
    doi = _text(fields, "doi").strip()
    # Often written as a resolver link (http://dx.doi.org/10.…, http://doi.acm.org/10.…): the DOI.
    doi = m.group(1) if (m := _DOI_LINK.match(doi)) else doi
    url = _text(fields, "url") or (f"https://doi.org/{doi}" if doi else None)
    venue = _text(fields, "journal") or _text(fields, "booktitle")
    return build_paper(
        title=_INLINE_MATH.sub(r"$\1$", _text(fields, "title")),
        abstract=_INLINE_MATH.sub(r"$\1$", _text(fields, "abstract")),
        authors=_names(fields.get("author")),
        published=_date(fields),
        arxiv_id=_arxiv_id(fields),
        url=url,
        source="bibtex",
        categories=[_text(fields, "primaryclass")] if _text(fields, "primaryclass") else [],
        doi=doi or None,
        venue=venue or None,
        note=_text(fields, "note") or None,
    )


def _line(block: Any) -> int:
    return int(getattr(block, "start_line", 0) or 0) + 1


def parse_bibtex(text: str, source: str = "<text>") -> list[Paper | SourceError]:
    """Each entry of ``text`` as a paper, or as the error that says why (with its line).

    Raises :class:`SourceError` only when nothing in the text is a usable entry.
    """
    from bibtexparser.entrypoint import parse_string  # noqa: PLC0415

    stack, _ = _middlewares()
    try:
        library = parse_string(text, parse_stack=stack)
    except RecursionError:
        raise SourceError(source, "BibTeX nested too deeply to read") from None
    items: list[tuple[int, Paper | SourceError]] = []
    for entry in library.entries:
        line = _line(entry)
        try:
            items.append((line, _paper(entry, source)))
        except NoTitle:
            items.append((line, SourceError(source, f"entry {entry.key!r} has no title", line)))
    for block in library.failed_blocks:
        line = _line(block)
        key = getattr(getattr(block, "ignore_error_block", None), "key", None) or getattr(block, "key", None)
        what = f"entry {key!r}" if isinstance(key, str) and key else "an entry"
        items.append((line, SourceError(source, f"malformed BibTeX: {what} could not be read", line)))
    items.sort(key=lambda item: item[0])
    if not any(isinstance(item, Paper) for _, item in items):
        if items:
            first = items[0][1]
            assert isinstance(first, SourceError)
            raise SourceError(source, f"no usable BibTeX entry ({first.reason}, line {first.line})")
        raise SourceError(source, "no BibTeX entries found")
    return [item for _, item in items]
