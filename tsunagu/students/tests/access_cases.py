"""Access-matrix cases for the 学籍の異動 pages (see tsunagu/core/tests/access_matrix.py).

Only the school's principal and office record transfers, withdrawals, arrivals and the roll-over:
every other role has no rule at all (403); the principal and office of a school answer 404 for a pupil
or school that is not theirs. The 学齢簿 import is also open to the board's 学務 staff.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tsunagu.core.tests.access_matrix import Case, Places, expect

SCHOOL_OFFICE = {"principal": 200, "office": 200}
NOT_THEIRS = {"principal": 404, "office": 404}


def _kwargs(key: str, attr: str) -> Callable[[Places], dict[str, Any]]:
    def kwargs(places: Places) -> dict[str, Any]:
        return {key: getattr(places, attr).uuid}

    return kwargs


def _pupil_pages(label: str, attr: str, **by_role: int) -> list[Case]:
    return [
        Case(name, label, expect(403, **by_role), _kwargs("student_uuid", attr))
        for name in ("students:student_transfer_out", "students:student_withdraw", "students:student_place")
    ]


def _school_pages(label: str, attr: str, **by_role: int) -> list[Case]:
    return [
        Case(name, label, expect(403, **by_role), _kwargs("school_uuid", attr))
        for name in ("students:student_arrival", "students:year_rollover", "students:rollover_formation_csv")
    ]


CASES: list[Case] = [
    *_pupil_pages("classmate", "classmate", **SCHOOL_OFFICE),
    *_pupil_pages("protected", "protected", **SCHOOL_OFFICE),
    *_pupil_pages("another school", "other_school_pupil", **NOT_THEIRS),
    # A pupil who has left keeps a read-only record at the school: no more changes.
    *_pupil_pages("left this year", "left_pupil", **NOT_THEIRS),
    *_pupil_pages("graduated to the junior high", "graduate", **NOT_THEIRS),
    *_school_pages("own school", "school", **SCHOOL_OFFICE),
    *_school_pages("another school", "other_school", **NOT_THEIRS),
    Case("students:register_import", "any", expect(403, board=200, **SCHOOL_OFFICE)),
]
