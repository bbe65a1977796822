"""How long a server asks papershelf to wait (``Retry-After``), and saying it."""

from __future__ import annotations

import math
from email.utils import parsedate_to_datetime


def retry_after(value: str | None, now: float) -> float:
    """Seconds a ``Retry-After`` header asks for (a number or an HTTP date); 0 when absent or
    unreadable; ``inf`` stays ``inf`` (the caller caps it), so ``1e300`` cannot overflow."""
    if not value:
        return 0.0
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return 0.0
        if when.tzinfo is None:
            return 0.0
        seconds = when.timestamp() - now
    if math.isnan(seconds):
        return 0.0
    return max(seconds, 0.0)


def duration(seconds: float) -> str:
    """A wait as people say it: "12 s", "3.5 h", "2.0 days", "more than a year"."""
    if seconds >= 86_400 * 365:
        return "more than a year"
    if seconds >= 86_400:
        return f"{seconds / 86_400:.1f} days"
    if seconds >= 3_600:
        return f"{seconds / 3_600:.1f} h"
    return f"{seconds:.0f} s"
