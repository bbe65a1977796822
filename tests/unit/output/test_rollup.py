"""Papers per month roll up to quarters or years when the range is long."""

from __future__ import annotations

from collections import Counter

from papershelf.output.stats import _filled, rolled_up


def months_between(first: int, last: int) -> list[tuple[str, int]]:
    return _filled(Counter({first: 1, last: 2}))


def test_short_ranges_stay_monthly() -> None:
    unit, bars = rolled_up(months_between(202401, 202412))
    assert unit == "month"
    assert bars[0] == ("2024-01", 1)
    assert bars[-1] == ("2024-12", 2)
    assert len(bars) == 12


def test_long_ranges_become_quarters_then_years() -> None:
    unit, bars = rolled_up(months_between(202001, 202412))  # 60 months
    assert unit == "quarter"
    assert len(bars) == 20
    assert bars[0] == ("2020 Q1", 1)
    assert bars[-1] == ("2024 Q4", 2)
    assert sum(count for _, count in bars) == 3
    unit, bars = rolled_up(months_between(199001, 202412))  # 35 years
    assert unit == "year"
    assert bars[0] == ("1990", 1)
    assert bars[-1] == ("2024", 2)
    assert len(bars) == 35
