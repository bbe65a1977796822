"""Semantic Scholar's Graph API batch answer (``POST /graph/v1/paper/batch``), read defensively.

The answer is a JSON array in the order of the ids asked for, ``null`` for an id Semantic
Scholar does not know. Each object may lack any field, or carry one of the wrong type; such a
field is ignored, never a crash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from papershelf.sources.errors import SourceError
from papershelf.text import clean_line

FIELDS = "externalIds,citationCount,influentialCitationCount,venue,year,journal"


@dataclass(frozen=True, slots=True)
class Citations:
    """What a citation source says of one paper."""

    count: int
    influential: int | None = None
    venue: str | None = None
    year: int | None = None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def citations_of(item: Any) -> Citations | None:
    """One element of the answer; None for ``null`` or an object without a citation count."""
    if not isinstance(item, dict):
        return None
    count = _count(item.get("citationCount"))
    if count is None:
        return None
    venue = clean_line(item["venue"]) if isinstance(item.get("venue"), str) else ""
    if not venue and isinstance(item.get("journal"), dict) and isinstance(item["journal"].get("name"), str):
        venue = clean_line(item["journal"]["name"])
    year = _count(item.get("year"))
    return Citations(count, _count(item.get("influentialCitationCount")), venue or None, year or None)


def parse_s2_batch(body: bytes, expected: int, source: str = "Semantic Scholar") -> list[Citations | None]:
    """The answer for ``expected`` ids, in their order (None where the id is unknown)."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SourceError(source, f"not JSON ({error})") from None
    if not isinstance(data, list):
        message = data.get("message") or data.get("error") if isinstance(data, dict) else None
        raise SourceError(source, f"unexpected answer: {clean_line(str(message or data))[:200]}")
    if len(data) != expected:
        raise SourceError(source, f"asked for {expected} papers, the answer has {len(data)}")
    return [citations_of(item) for item in data]
