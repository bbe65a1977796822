"""Text hygiene and word folding shared by parsers, keys and the filter.

Untrusted text (titles, abstracts, author names, tags) passes through :func:`clean_text`
before it is stored, so no control character or terminal escape sequence ever reaches the
screen. :func:`words` defines what a "word" is for the live filter: a run of letters and
digits, with case and accents folded.
"""

from __future__ import annotations

import re
import unicodedata

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
# Bidirectional overrides/isolates can reorder what the reader sees; they are dropped too.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SPACES = re.compile(r"[ \t]+")
_WORD = re.compile(r"[^\W_]+")


def _strip_controls(text: str, keep_newlines: bool) -> str:
    text = _ESCAPE_SEQUENCE.sub("", text)
    out = []
    for char in text:
        if char == "\n" and keep_newlines:
            out.append(char)
        elif char in "\t\n\r\f\v":
            out.append(" ")
        elif unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
            continue
        else:
            out.append(char)
    return "".join(out)


def clean_line(text: str) -> str:
    """One line of untrusted text: controls removed, whitespace collapsed, stripped."""
    return _SPACES.sub(" ", _strip_controls(text, keep_newlines=False)).strip()


def clean_text(text: str) -> str:
    """Multi-line untrusted text: controls removed, paragraphs (blank-line separated) kept.

    Hard line breaks inside a paragraph are joined with a space, so hard-wrapped abstracts
    re-flow to the reader's width.
    """
    text = _strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"), keep_newlines=True)
    paragraphs = re.split(r"\n\s*\n", text)
    cleaned = (_SPACES.sub(" ", " ".join(p.split("\n"))).strip() for p in paragraphs)
    return "\n\n".join(p for p in cleaned if p)


def fold(text: str) -> str:
    """Case- and accent-folded form of ``text`` ("Ünïcode" -> "unicode")."""
    decomposed = unicodedata.normalize("NFKD", text)
    if not decomposed.isascii():
        decomposed = "".join(c for c in decomposed if not unicodedata.combining(c))
    return decomposed.casefold()


def words(text: str) -> list[str]:
    """The folded words of ``text``: runs of letters and digits ("Pre-training" -> pre, training)."""
    return _WORD.findall(fold(text)) if text else []
