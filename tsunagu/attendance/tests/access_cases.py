"""Access-matrix cases for the attendance pages (see tsunagu/core/tests/access_matrix.py).

The homeroom teacher takes the register of their own class only; principal, office and nurse read every
class of their school; the school's alerts and closures are for the principal and office; guardians
report for their own children. Another class or school answers 404, a role with no rule 403.
"""

from __future__ import annotations

from typing import Any

from tsunagu.core.tests.access_matrix import Case, Places, expect

SAKURA_READERS = {"principal": 200, "office": 200, "nurse": 200}
NOT_IN_SCOPE = {"teacher": 404, "outsider": 404}
SAKURA_NOT_IN_SCOPE = {"principal": 404, "office": 404, "nurse": 404}


def _own(p: Places) -> dict[str, Any]:
    return {"homeroom_uuid": p.homeroom.uuid}


def _other(p: Places) -> dict[str, Any]:
    return {"homeroom_uuid": p.other_homeroom.uuid}


def _outsiders(p: Places) -> dict[str, Any]:
    return {"homeroom_uuid": p.outsider_homeroom.uuid}


CASES: list[Case] = [
    # The daily screen: the homeroom teacher of the class, nobody else.
    Case("attendance:daily", "own class", expect(403, teacher=200, outsider=404), _own),
    Case("attendance:daily", "another class", expect(403, **NOT_IN_SCOPE), _other),
    Case("attendance:daily", "another school", expect(403, teacher=404, outsider=200), _outsiders),
]
for name in ("attendance:register_month", "attendance:homeroom_alerts"):
    CASES += [
        Case(name, "own class", expect(403, teacher=200, outsider=404, **SAKURA_READERS), _own),
        Case(name, "another class", expect(403, **NOT_IN_SCOPE, **SAKURA_READERS), _other),
        Case(
            name, "another school", expect(403, teacher=404, outsider=200, **SAKURA_NOT_IN_SCOPE), _outsiders
        ),
    ]
for name in ("attendance:school_alerts", "attendance:school_day", "attendance:closures"):
    CASES += [
        Case(
            name,
            "own school",
            expect(403, principal=200, office=200),
            lambda p: {"school_uuid": p.school.uuid},
        ),
        Case(
            name,
            "another school",
            expect(403, principal=404, office=404),
            lambda p: {"school_uuid": p.other_school.uuid},
        ),
    ]
CASES += [
    Case("attendance:report_new", "any", expect(403, guardian=200)),
    Case(
        "attendance:report_list",
        "any",
        expect(403, guardian=200, teacher=200, outsider=200, principal=200, nurse=200),
    ),
]

# The month's register as PDF: whoever reads the class's register.
CASES += [
    Case(
        "attendance:register_pdf", "own class", expect(403, teacher=200, outsider=404, **SAKURA_READERS), _own
    ),
    Case("attendance:register_pdf", "another class", expect(403, **NOT_IN_SCOPE, **SAKURA_READERS), _other),
    Case(
        "attendance:register_pdf",
        "another school",
        expect(403, teacher=404, outsider=200, **SAKURA_NOT_IN_SCOPE),
        _outsiders,
    ),
    # The school's notices to the board: principal and office of the school; the board reads them on
    # its own page. The principal's one-click send (POST) needs a pupil of the school.
    Case(
        "attendance:school_notices",
        "own school",
        expect(403, principal=200, office=200),
        lambda p: {"school_uuid": p.school.uuid},
    ),
    Case(
        "attendance:school_notices",
        "another school",
        expect(403, principal=404, office=404),
        lambda p: {"school_uuid": p.other_school.uuid},
    ),
    Case(
        "attendance:school_notices",
        "send without a pupil",
        expect(403, principal=404, office=404),
        lambda p: {"school_uuid": p.school.uuid},
        method="post",
    ),
    # The board's list and its code list: the board's 学務 staff only.
    Case("attendance:board_notices", "any", expect(403, board=200)),
    Case("attendance:board_codes", "any", expect(403, board=200)),
    # The school's attendance settings: its principal.
    Case(
        "attendance:school_settings",
        "own school",
        expect(403, principal=200),
        lambda p: {"school_uuid": p.school.uuid},
    ),
    Case(
        "attendance:school_settings",
        "another school",
        expect(403, principal=404),
        lambda p: {"school_uuid": p.other_school.uuid},
    ),
]
