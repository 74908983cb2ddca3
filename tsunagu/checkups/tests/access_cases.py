"""Access-matrix cases of the health exams pages (see tsunagu/core/tests/access_matrix.py).

Exam results are class I: the school's nurse and principal reach everything of their school; a homeroom
teacher reaches only their own class's follow-up status (the page answers without findings); guardians
their own children's results; office staff, the helpdesk, subject teachers, pupils and the board
nothing (403: no rule at all). A nurse or principal of another school holds the rules but not the
object: 404, like a missing one.
"""

from __future__ import annotations

from typing import Any

from tsunagu.checkups.models import ExamFollowUp, FollowUpItem, HealthExam
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import REDIRECT, Case, expect
from tsunagu.students.models import Student

SCHOOL_HEALTH = {"principal": 200, "nurse": 200}
ELSEWHERE = {"principal": 404, "nurse": 404}


def _exam(student: Student, current: bool = True) -> HealthExam:
    """The pupil's exam of this year (or the latest of an earlier year) from the demo data."""
    with system_scope(reason="access matrix finds an exam"):
        exams = HealthExam.objects.filter(student=student).order_by("-school_year__year")
        exam = exams.first() if current else exams[1:2].first()
        assert exam is not None, "the demo ward lacks an exam"
        return exam


def _follow_up(student: Student) -> dict[str, Any]:
    """A follow-up of the pupil's exam this year (created when the demo gave them none)."""
    exam = _exam(student)
    with system_scope(reason="access matrix finds a follow-up"):
        follow_up = ExamFollowUp.objects.filter(exam=exam).first()
        if follow_up is None:
            follow_up = ExamFollowUp.objects.create(
                exam=exam, student=student, school=exam.school, item=FollowUpItem.OTHER, finding="テスト"
            )
    return {"follow_up_uuid": follow_up.uuid}


def _school_cases(name: str, *, method: str = "get") -> list[Case]:
    return [
        Case(
            name, "own school", expect(403, **SCHOOL_HEALTH), lambda p: {"school_uuid": p.school.uuid}, method
        ),
        Case(
            name,
            "another school",
            expect(403, **ELSEWHERE),
            lambda p: {"school_uuid": p.other_school.uuid},
            method,
        ),
    ]


def _entry_cases(name: str, *, method: str = "get", ok: Any = 200) -> list[Case]:
    return [
        Case(
            name,
            "own class",
            expect(403, principal=ok, nurse=ok),
            lambda p: {"homeroom_uuid": p.homeroom.uuid},
            method,
        ),
        Case(
            name,
            "another school",
            expect(403, **ELSEWHERE),
            lambda p: {"homeroom_uuid": p.outsider_homeroom.uuid},
            method,
        ),
    ]


CASES: list[Case] = [
    *_school_cases("checkups:school_index"),
    *_school_cases("checkups:statistics"),
    *_school_cases("checkups:outstanding"),
    *_school_cases("checkups:import"),
    *_entry_cases("checkups:measure_grid"),
    *_entry_cases("checkups:dental_grid"),
    *_entry_cases("checkups:letters_pdf"),
    *_entry_cases("checkups:followups_issue", method="post", ok=REDIRECT),
    # Follow-ups of a class: the class teacher sees the status of their own class only.
    Case(
        "checkups:class_followups",
        "own class",
        expect(403, teacher=200, outsider=404, **SCHOOL_HEALTH),
        lambda p: {"homeroom_uuid": p.homeroom.uuid},
    ),
    Case(
        "checkups:class_followups",
        "another class",
        expect(403, teacher=404, outsider=404, **SCHOOL_HEALTH),
        lambda p: {"homeroom_uuid": p.other_homeroom.uuid},
    ),
    Case(
        "checkups:class_followups",
        "teacher's class last year",
        expect(403, teacher=404, outsider=404, **SCHOOL_HEALTH),
        lambda p: {"homeroom_uuid": p.teachers_last_year_homeroom.uuid},
    ),
    Case(
        "checkups:class_followups",
        "another school",
        expect(403, teacher=404, outsider=200, **ELSEWHERE),
        lambda p: {"homeroom_uuid": p.outsider_homeroom.uuid},
    ),
    # Recording a returned slip (an empty form only redirects back with a message).
    Case(
        "checkups:followup_return",
        "own school",
        expect(403, principal=REDIRECT, nurse=REDIRECT),
        lambda p: _follow_up(p.classmate),
        method="post",
    ),
    Case(
        "checkups:followup_return",
        "another school",
        expect(403, **ELSEWHERE),
        lambda p: _follow_up(p.other_school_pupil),
        method="post",
    ),
    # A pupil's years: the school's nurse and principal, and the pupil's guardian.
    Case(
        "checkups:pupil_detail",
        "pupil of the school",
        expect(403, guardian=404, **SCHOOL_HEALTH),
        lambda p: {"student_uuid": p.classmate.uuid},
    ),
    Case(
        "checkups:pupil_detail",
        "own child",
        expect(403, guardian=200, **SCHOOL_HEALTH),
        lambda p: {"student_uuid": p.own_child.uuid},
    ),
    Case(
        "checkups:pupil_detail",
        "own child at another school",
        expect(403, guardian=200, **ELSEWHERE),
        lambda p: {"student_uuid": p.sibling.uuid},
    ),
    # A pupil who left for the junior high: the elementary school keeps the years it examined.
    Case(
        "checkups:pupil_detail",
        "graduate",
        expect(403, guardian=404, **SCHOOL_HEALTH),
        lambda p: {"student_uuid": p.graduate.uuid},
    ),
    Case(
        "checkups:pupil_detail",
        "another school",
        expect(403, guardian=404, **ELSEWHERE),
        lambda p: {"student_uuid": p.other_school_pupil.uuid},
    ),
    Case(
        "checkups:exam_card_pdf",
        "pupil of the school",
        expect(403, **SCHOOL_HEALTH),
        lambda p: {"student_uuid": p.classmate.uuid},
    ),
    Case(
        "checkups:exam_card_pdf",
        "another school",
        expect(403, **ELSEWHERE),
        lambda p: {"student_uuid": p.other_school_pupil.uuid},
    ),
    Case(
        "checkups:exam_edit",
        "this year's exam",
        expect(403, **SCHOOL_HEALTH),
        lambda p: {"exam_uuid": _exam(p.classmate).uuid},
    ),
    # The exam the graduate had here last year stays the elementary school's to correct.
    Case(
        "checkups:exam_edit",
        "graduate's exam here",
        expect(403, **SCHOOL_HEALTH),
        lambda p: {"exam_uuid": _exam(p.graduate, current=False).uuid},
    ),
    Case(
        "checkups:exam_edit",
        "graduate's exam at the junior high",
        expect(403, **ELSEWHERE),
        lambda p: {"exam_uuid": _exam(p.graduate).uuid},
    ),
    Case(
        "checkups:exam_edit",
        "another school",
        expect(403, **ELSEWHERE),
        lambda p: {"exam_uuid": _exam(p.other_school_pupil).uuid},
    ),
]
