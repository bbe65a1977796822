"""Which words of a text a query found it by: the spans the list and the detail pane highlight."""

from __future__ import annotations

import re

from papershelf.text import words

_WORD_SPAN = re.compile(r"[^\W_]+")


def match_spans(text: str, query_words: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of each word of ``text`` that a query word starts (to highlight it)."""
    if not query_words:
        return []
    spans = []
    for match in _WORD_SPAN.finditer(text):
        folded = words(match.group())
        if any(w.startswith(q) for w in folded for q in query_words):
            spans.append(match.span())
    return spans
