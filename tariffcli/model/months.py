"""Calendar months as 'YYYY-MM' strings and the arithmetic the engine needs."""

from __future__ import annotations

import re
from datetime import date

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

MIN_YEAR, MAX_YEAR = 1990, 2100
"""The years a month or a day given by the user may fall in (every date option and input file)."""


def in_years(year: int) -> bool:
    """Whether ``year`` is between :data:`MIN_YEAR` and :data:`MAX_YEAR`."""
    return MIN_YEAR <= year <= MAX_YEAR


def parse_month(text: str) -> tuple[int, int]:
    """'2026-03' -> (2026, 3); ValueError for anything else."""
    m = _MONTH.match(text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"{text!r} is not a month in the form YYYY-MM")
    return int(m.group(1)), int(m.group(2))


def month_str(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def add_months(text: str, n: int) -> str:
    y, m = parse_month(text)
    k = y * 12 + (m - 1) + n
    return month_str(k // 12, k % 12 + 1)


def months_between(a: str, b: str) -> int:
    """Number of months from a to b (b - a)."""
    ya, ma = parse_month(a)
    yb, mb = parse_month(b)
    return (yb * 12 + mb) - (ya * 12 + ma)


def month_range(start: str, n: int) -> tuple[str, ...]:
    return tuple(add_months(start, i) for i in range(n))


def days_in(text: str) -> int:
    y, m = parse_month(text)
    import calendar  # start-up time: only where days are counted

    return calendar.monthrange(y, m)[1]


def first_day(text: str) -> date:
    y, m = parse_month(text)
    return date(y, m, 1)


def next_month(today: date) -> str:
    """The month after ``today`` (the default start of a new plan: 次月生效)."""
    return add_months(month_str(today.year, today.month), 1)
