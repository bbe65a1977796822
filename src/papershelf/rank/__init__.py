"""Ranking: papers by a reader's taste ("for you"), by likeness to one paper, by relevance to a
query. Pure: numpy in the modules below (models are trained in numpy too, see svm.py).

This module names the sorts and holds nothing heavy, so the collections can tell a ranked sort
from a column sort without importing numpy at start-up.
"""

from __future__ import annotations

FORYOU = "foryou"
LIKE = "like:"
RELEVANCE = "relevance"


class ColdStart(Exception):
    """Nothing to learn from: no starred paper (or none with the tag)."""


def is_ranked(sort: str) -> bool:
    """Whether ``sort`` is one of the rankings (not a column sort)."""
    return sort in (FORYOU, RELEVANCE) or sort.startswith((FORYOU + ":", LIKE))


def tag_of(sort: str) -> str | None:
    """``foryou:TAG`` -> TAG; None for ``foryou`` (the stars) and the other sorts."""
    return sort.split(":", 1)[1] if sort.startswith(FORYOU + ":") else None


def cold_start_message(sort: str) -> str:
    tag = tag_of(sort)
    if tag is not None:
        return f"no paper is tagged {tag!r} yet: tag a few papers you like with it"
    return "star a few papers you like (s), and papershelf ranks the rest by them"
