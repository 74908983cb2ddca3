"""The monthly 出席簿 as the legal book (A4 landscape PDF, Typst): everything it prints is prepared here.

The template (``typst/register_month.typ``) only lays the table out: pupils × days with the board's
symbols, closure days, the month's and the year's totals in the 指導要録 columns, the legend and
the day totals (instructional days, pupils absent per day).
"""

from __future__ import annotations

from typing import Any

from tsunagu.attendance.selectors import (
    CLOSED_SYMBOL,
    HOLIDAY_SYMBOL,
    NOT_ENROLLED,
    AttendanceSummary,
    Code,
    MonthlyRegister,
)
from tsunagu.core.pdf import render_pdf
from tsunagu.core.wareki import school_year_label, wareki

TEMPLATE = "attendance/typst/register_month.typ"
TOTAL_HEADS = ["授業日数", "出停・忌引等", "出席すべき日数", "欠席日数", "出席日数", "遅刻", "早退"]


def _totals(summary: AttendanceSummary) -> list[str]:
    return [
        str(n)
        for n in (
            summary.days_instructional,
            summary.days_excused,
            summary.days_required,
            summary.days_absent,
            summary.days_present,
            summary.days_late,
            summary.days_early_leave,
        )
    ]


def register_month_data(register: MonthlyRegister, codes: list[Code]) -> dict[str, Any]:
    """The JSON the template prints (strings only, already in Japanese)."""
    homeroom = register.homeroom
    absent_symbols = {c.symbol for c in codes if c.category == "absent" and c.symbol}
    per_day = [
        sum(1 for row in register.rows if row.cells[i] in absent_symbols) for i in range(len(register.days))
    ]
    legend = [f"{c.symbol} {c.label}" for c in codes if c.symbol and c.is_active]
    legend += [f"{CLOSED_SYMBOL} 学級閉鎖", f"{HOLIDAY_SYMBOL} 臨時休業・学年閉鎖", f"{NOT_ENROLLED} 在籍外"]
    return {
        "title": "出席簿",
        "school": homeroom.school.name,
        "year": school_year_label(homeroom.school_year.year),
        "month": f"{register.month_start.month}月",
        "class_name": homeroom.display_name,
        "counted_until": wareki(register.counted_until),
        "days": [
            {"day": str(d.date.day), "weekday": d.weekday, "on": d.is_instructional} for d in register.days
        ],
        "rows": [
            {
                "roll": str(row.roll_number or ""),
                "name": row.student.full_name,
                "cells": row.cells,
                "month": _totals(row.month),
                "year": _totals(row.cumulative),
                "periods": f"{row.periods_absent}/{row.periods_late}" if register.period_marks else "",
            }
            for row in register.rows
        ],
        "absent_per_day": [str(n) if n else "" for n, d in zip(per_day, register.days, strict=True)],
        "instructional_days": str(register.instructional_days),
        "total_heads": TOTAL_HEADS,
        "period_marks": register.period_marks,
        "legend": "　".join(legend),
        "note": "遅刻・早退・出席扱いは出席日数に含む。学級閉鎖の日は出席停止・忌引等の日数に数える。"
        "臨時休業・学年閉鎖の日は授業日数に含まない。",
    }


def register_month_pdf(register: MonthlyRegister, codes: list[Code]) -> bytes:
    """The month's 出席簿 of one class as PDF bytes (one A4 landscape page for up to 40 pupils)."""
    return render_pdf(TEMPLATE, register_month_data(register, codes))
