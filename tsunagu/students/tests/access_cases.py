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
        for name in (
            "students:student_transfer_out",
            "students:student_withdraw",
            "students:student_place",
            "students:student_rename",
            "students:student_change_class",
        )
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


# --- roster exports: principal and office for the school; the homeroom teacher for their own class --


def _export(url_name: str, key: str, label: str, attr: str, **by_role: int) -> list[Case]:
    def kwargs(fmt: str) -> Callable[[Places], dict[str, Any]]:
        return lambda places: {key: getattr(places, attr).uuid, "fmt": fmt}

    return [
        Case(f"students:{url_name}", f"{label} {fmt}", expect(403, **by_role), kwargs(fmt))
        for fmt in ("xlsx", "csv", "pdf")
    ]


def _homeroom_export(label: str, attr: str, **by_role: int) -> list[Case]:
    return _export("homeroom_roster_export", "homeroom_uuid", label, attr, **by_role)


def _school_export(label: str, attr: str, **by_role: int) -> list[Case]:
    return _export("school_roster_export", "school_uuid", label, attr, **by_role)


# The outsider (a homeroom teacher at かえで小) has the rule but not these classes: 404.
CASES += [
    *_homeroom_export("own class", "homeroom", teacher=200, outsider=404, **SCHOOL_OFFICE),
    *_homeroom_export("another class", "other_homeroom", teacher=404, outsider=404, **SCHOOL_OFFICE),
    *_homeroom_export(
        "teacher's class last year", "teachers_last_year_homeroom", teacher=404, outsider=404, **SCHOOL_OFFICE
    ),
    *_homeroom_export("another school", "outsider_homeroom", teacher=404, outsider=200, **NOT_THEIRS),
    *_school_export("own school", "school", **SCHOOL_OFFICE),
    *_school_export("another school", "other_school", **NOT_THEIRS),
]


# --- certificates, the ledger and the transfer package: the school's principal and office only ------


def _certificate(school_attr: str) -> Callable[[Places], dict[str, Any]]:
    def kwargs(places: Places) -> dict[str, Any]:
        from tsunagu.core.scope import system_scope
        from tsunagu.students.models import CertificateIssue

        with system_scope(reason="access matrix finds a certificate of the demo ledger"):
            issue = (
                CertificateIssue.objects.filter(school=getattr(places, school_attr)).order_by("pk").first()
            )
        assert issue is not None, "the demo ward has no certificate at this school"
        return {"certificate_uuid": issue.uuid}

    return kwargs


def _student(attr: str) -> Callable[[Places], dict[str, Any]]:
    return _kwargs("student_uuid", attr)


CASES += [
    Case(
        "students:student_certificate_new", "classmate", expect(403, **SCHOOL_OFFICE), _student("classmate")
    ),
    Case(
        "students:student_certificate_new", "protected", expect(403, **SCHOOL_OFFICE), _student("protected")
    ),
    Case(
        "students:student_certificate_new",
        "another school",
        expect(403, **NOT_THEIRS),
        _student("other_school_pupil"),
    ),
    # Certificates are for pupils enrolled today; a pupil who has left gets none.
    Case(
        "students:student_certificate_new",
        "left this year",
        expect(403, **NOT_THEIRS),
        _student("left_pupil"),
    ),
    Case("students:certificate_pdf", "own school", expect(403, **SCHOOL_OFFICE), _certificate("school")),
    Case(
        "students:certificate_pdf", "another school", expect(403, **NOT_THEIRS), _certificate("other_school")
    ),
    Case(
        "students:certificate_ledger",
        "own school",
        expect(403, **SCHOOL_OFFICE),
        _kwargs("school_uuid", "school"),
    ),
    Case(
        "students:certificate_ledger",
        "another school",
        expect(403, **NOT_THEIRS),
        _kwargs("school_uuid", "other_school"),
    ),
    # The package is prepared for pupils who have been at the school, also after they left.
    Case(
        "students:student_transfer_package", "classmate", expect(403, **SCHOOL_OFFICE), _student("classmate")
    ),
    Case(
        "students:student_transfer_package",
        "left this year",
        expect(403, **SCHOOL_OFFICE),
        _student("left_pupil"),
    ),
    Case(
        "students:student_transfer_package", "graduated", expect(403, **SCHOOL_OFFICE), _student("graduate")
    ),
    Case(
        "students:student_transfer_package",
        "another school",
        expect(403, **NOT_THEIRS),
        _student("other_school_pupil"),
    ),
]
