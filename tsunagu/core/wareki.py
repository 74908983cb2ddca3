"""和暦 (Japanese era) and 年度 (school year) helpers.

Dates are stored in ISO form; these helpers only format them the way Japanese forms expect.
"""

from __future__ import annotations

import datetime as dt

# (first day, era name); newest first. 令和 began on 2019-05-01.
ERAS: tuple[tuple[dt.date, str], ...] = (
    (dt.date(2019, 5, 1), "令和"),
    (dt.date(1989, 1, 8), "平成"),
    (dt.date(1926, 12, 25), "昭和"),
    (dt.date(1912, 7, 30), "大正"),
)


def era_of(day: dt.date) -> tuple[str, int]:
    """Era name and year within the era (1-based) for a date."""
    for start, name in ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError(f"{day} is before the 大正 era")


def _year_text(year: int) -> str:
    return "元" if year == 1 else str(year)


def wareki(day: dt.date, *, with_day: bool = True) -> str:
    """Format a date in 和暦: 令和8年11月24日 (元年 for the first year of an era)."""
    name, year = era_of(day)
    text = f"{name}{_year_text(year)}年{day.month}月"
    return f"{text}{day.day}日" if with_day else text


def school_year_of(day: dt.date) -> int:
    """The 年度 (school year, April–March) a date belongs to, as the Gregorian start year."""
    return day.year if day.month >= 4 else day.year - 1


def school_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a 年度."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def school_year_label(year: int) -> str:
    """和暦 label of a 年度, named after the era on 1 April: 2026 → 令和8年度, 2019 → 平成31年度."""
    name, era_year = era_of(dt.date(year, 4, 1))
    return f"{name}{_year_text(era_year)}年度"
