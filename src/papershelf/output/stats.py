"""Numbers about the papers in view: per month, top tags, starred/read/tagged/noted counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from papershelf.collection import Positions
from papershelf.store.reading import PaperState


@dataclass(frozen=True, slots=True)
class Stats:
    shown: int
    total: int
    starred: int
    read: int
    tagged: int
    noted: int
    undated: int
    months: list[tuple[str, int]]  # ("2024-09", count), oldest first, gaps filled with 0
    tags: list[tuple[str, int]]  # most used first


def compute_stats(
    indices: Iterable[int],
    total: int,
    dates: Positions,
    states: Mapping[int, PaperState],
    *,
    top: int = 10,
) -> Stats:
    """``indices``: the view; ``dates``: per collection position ``YYYYMMDD`` (0: none);
    ``states``: the reading state of the positions that have one."""
    shown = 0
    months: Counter[int] = Counter()
    undated = 0
    in_view: set[int] = set()
    for position in indices:
        index = int(position)
        shown += 1
        day = dates[index]
        if day:
            months[day // 100] += 1
        else:
            undated += 1
        if index in states:
            in_view.add(index)
    viewed = [states[i] for i in in_view]
    tag_counts: Counter[str] = Counter()
    for state in viewed:
        tag_counts.update(state.tags)
    return Stats(
        shown=shown,
        total=total,
        starred=sum(s.starred for s in viewed),
        read=sum(s.read for s in viewed),
        tagged=sum(bool(s.tags) for s in viewed),
        noted=sum(bool(s.note) for s in viewed),
        undated=undated,
        months=_filled(months),
        tags=sorted(tag_counts.items(), key=lambda item: (-item[1], item[0].casefold()))[:top],
    )


def _filled(months: Counter[int]) -> list[tuple[str, int]]:
    if not months:
        return []
    first, last = min(months), max(months)
    out = []
    year, month = divmod(first, 100)
    while year * 100 + month <= last:
        out.append((f"{year:04d}-{month:02d}", months.get(year * 100 + month, 0)))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out


def bar(count: int, largest: int, width: int) -> str:
    """A horizontal bar of ``width`` cells at most, in eighths of a cell."""
    if largest <= 0 or width <= 0 or count <= 0:
        return ""
    eighths = max(1, round(count / largest * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")[rest]


def rolled_up(months: Sequence[tuple[str, int]], most: int = 24) -> tuple[str, list[tuple[str, int]]]:
    """Months as at most ``most`` bars: by month, else by quarter, else by year.

    Returns the unit ("month", "quarter" or "year") and (label, count) pairs, oldest first:
    ``"2024-09"``, ``"2024 Q3"``, ``"2024"``.
    """
    if len(months) <= most:
        return "month", list(months)
    quarters: dict[str, int] = {}
    years: dict[str, int] = {}
    for label, count in months:
        year, month = label[:4], int(label[5:7])
        quarter = f"{year} Q{(month - 1) // 3 + 1}"
        quarters[quarter] = quarters.get(quarter, 0) + count
        years[year] = years.get(year, 0) + count
    if len(quarters) <= most:
        return "quarter", list(quarters.items())
    return "year", list(years.items())
