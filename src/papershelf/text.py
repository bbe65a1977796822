"""Text hygiene and word folding shared by parsers, keys and the filter.

Untrusted text (titles, abstracts, author names, tags) passes through :func:`clean_text`
before it is stored, so no control character or terminal escape sequence ever reaches the
screen. :func:`words` defines what a "word" is for the live filter: a run of letters and
digits, with case and accents folded.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), and two-byte
# escapes. Also the 8-bit CSI (U+009B). Removed whole, so no parameter residue ("[31m") is shown.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]          # CSI
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?  # OSC, terminated by BEL or ST (or cut off)
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?   # DCS, SOS, PM, APC
    | \x1b[@-Z\\-_]                  # other two-byte escapes
    | \x9b[0-?]*[ -/]*[@-~]          # 8-bit CSI
    """,
    re.VERBOSE,
)
# C0 and C1 control characters (category Cc), and bidirectional overrides/isolates, which can
# reorder what the reader sees. Tabs and line breaks are turned into spaces (or kept, for
# paragraph breaks) before this runs.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_WHITESPACE_CONTROLS = re.compile("[\t\r\f\v]")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_WORD = re.compile(r"[^\W_]+")


def strip_controls(text: str, keep_newlines: bool) -> str:
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _WHITESPACE_CONTROLS.sub(" ", text)
    if not keep_newlines:
        text = text.replace("\n", " ")
    return _CONTROLS.sub("", text)


def _collapsed(text: str) -> str:
    """``" ".join(text.split())`` for text whose only whitespace is spaces and line breaks
    (printable text, with line breaks): replacing is several times faster than splitting
    an abstract into a string per word."""
    if "\n" in text:
        text = text.replace("\n", " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip(" ")


def _split_joined(text: str) -> str:
    return " ".join(text.split())


def clean_line(text: str) -> str:
    """One line of untrusted text: controls removed, whitespace collapsed, stripped."""
    if text.isprintable():  # most text has no control character, so no whitespace but spaces
        return _collapsed(text)
    return _split_joined(strip_controls(text, keep_newlines=False))


def clean_text(text: str) -> str:
    """Multi-line untrusted text: controls removed, paragraphs (blank-line separated) kept.

    Hard line breaks inside a paragraph are joined with a space, so hard-wrapped abstracts
    re-flow to the reader's width.
    """
    if "\n" in text or "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        collapse = _collapsed
        if not text.replace("\n", "").isprintable():
            text = strip_controls(text, keep_newlines=True)
            collapse = _split_joined  # other whitespace may be left (a tab became a space; U+00A0)
        paragraphs = _PARAGRAPH_BREAK.split(text)
        return "\n\n".join(p for p in map(collapse, paragraphs) if p)
    return clean_line(text)


# What makes a string need cleaning at all: any control character (line breaks too, in a line),
# a line/paragraph separator or a bidirectional control. Text without one is returned as is, so
# the check at the :class:`~papershelf.model.Paper` boundary costs one scan of clean text (ASCII
# text, the usual case, by a bytes translation: a few times faster than the regular expression).
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_TEXT = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))
_PRINTABLE_ASCII_AND_NEWLINE = _PRINTABLE_ASCII + b"\n"


def is_clean_line(text: str) -> bool:
    """Whether one line of text holds nothing :func:`clean_line` would remove."""
    if text.isascii():
        return not text.encode("ascii").translate(None, _PRINTABLE_ASCII)
    return _UNSAFE_LINE.search(text) is None


def is_clean_text(text: str) -> bool:
    """Whether multi-line text holds nothing :func:`clean_text` would remove (line breaks may)."""
    if text.isascii():
        return not text.encode("ascii").translate(None, _PRINTABLE_ASCII_AND_NEWLINE)
    return _UNSAFE_TEXT.search(text) is None


def cut(text: str, limit: int) -> str:
    """``text`` shortened to at most ``limit`` characters, ending with "…" when it was longer."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def safe_line(text: str, limit: int) -> str:
    """One line of outside text, made safe for a terminal: :func:`clean_line` when it holds a
    control character or escape sequence, and at most ``limit`` characters."""
    if not is_clean_line(text):
        text = clean_line(text[: limit * 4])  # cleaning only shortens: no need to scan the rest
    return text if len(text) <= limit else cut(text, limit)


def safe_text(text: str, limit: int) -> str:
    """Multi-line outside text (an abstract): :func:`clean_text` when it holds a control
    character, and at most ``limit`` characters, with a note saying how long it was."""
    length = len(text)
    if not is_clean_text(text):
        text = clean_text(text[: limit * 4])  # cleaning only shortens: no need to scan the rest
    if len(text) <= limit and length <= limit * 4:
        return text
    note = f" (cut at {limit:,} of {length:,} characters)"
    return cut(text, limit - len(note)) + note  # at most ``limit`` in all: cutting again keeps it


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, plural unless one: "1 paper", "1,204 papers"."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def plain_message(text: str) -> str:
    """A message for the screen: controls and escape sequences removed, line breaks kept."""
    return text if is_clean_text(text) else strip_controls(text, keep_newlines=True)


def safe_message(text: object) -> str:
    """A message holding outside text (a server's error, a URL, a path) as one clean line."""
    return clean_line(str(text))


# The characters of U+0300-U+036F with a non-zero combining class (U+034F, the grapheme
# joiner, has none and stays, as the full class below keeps it).
_DIACRITICAL_MARKS = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in range(0x300, 0x370) if unicodedata.combining(chr(c))) + "]+"
)


@lru_cache(maxsize=1)
def _combining_marks() -> re.Pattern[str]:
    """A character class of every code point with a non-zero combining class (built once, ~0.1 s)."""
    ranges = []
    start = None
    for code in range(sys.maxunicode + 1):
        if unicodedata.combining(chr(code)):
            if start is None:
                start = code
        elif start is not None:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(code - 1))}")
            start = None
    return re.compile(f"[{''.join(ranges)}]+")


def fold(text: str) -> str:
    """Case- and accent-folded form of ``text`` ("Ünïcode" -> "unicode").

    NFKD decomposition, combining marks removed, then ``casefold``.
    """
    if text.isascii():
        return text.lower()  # nothing to decompose; casefold is lower for ASCII
    decomposed = unicodedata.normalize("NFKD", text)
    if not decomposed.isascii():
        # Accented Latin letters decompose into ASCII and marks of the Combining Diacritical
        # Marks block: removing those first (a small class, several times faster than the
        # class of every mark) usually leaves ASCII; what is left is removed as before.
        decomposed = _DIACRITICAL_MARKS.sub("", decomposed)
        if not decomposed.isascii():
            decomposed = _combining_marks().sub("", decomposed)
    return decomposed.casefold()


def words(text: str) -> list[str]:
    """The folded words of ``text``: runs of letters and digits ("Pre-training" -> pre, training)."""
    return _WORD.findall(fold(text)) if text else []


# Bytes translation for the ASCII fast path of :func:`index_words`: letters lowered, digits
# kept, everything else a space. Equivalent to :func:`words` on ASCII text.
_ASCII_WORD_TABLE = (
    bytes((c | 0x20) if chr(c).isalpha() else c if chr(c).isdigit() else 0x20 for c in range(128))
    + b" " * 128
)


def index_word_list(text: str) -> list[bytes]:
    """Every word of ``text`` in order, repeats included, as :func:`index_words` folds them."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_WORD_TABLE).split()
    return [word.encode("utf-8") for word in words(text)]


def index_words(text: str) -> set[bytes]:
    """The distinct words of ``text`` as UTF-8 bytes: the same words as :func:`words`.

    Used to build the library's search index, where it runs over millions of abstracts: ASCII
    text takes a bytes translation that is several times faster than the regular expression.
    """
    return set(index_word_list(text))
