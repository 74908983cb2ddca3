"""Access-matrix cases for the grades pages (see tsunagu/core/tests/access_matrix.py).

The subject teacher (みどり中 2年 数学) enters scores for their own groups only; the homeroom teacher
(さくら小 4年1組) reads and, at an elementary school, enters their class's groups; the principal reads
everything in their school and enters nothing; the outsider is a homeroom teacher at another
elementary school. Nurse, office, board, helpdesk, guardians and pupils have no rule: 403.
"""

from __future__ import annotations

from typing import Any

from tsunagu.core.tests.access_matrix import REDIRECT, Case, Places, expect
from tsunagu.grades.models import EvaluationPlan
from tsunagu.org.models import TeachingGroup


def _group(p: Places, school: Any, room: str, subject: str) -> TeachingGroup:
    return TeachingGroup.objects.get(
        school=school, school_year=p.homeroom.school_year, name=f"{room} {subject}"
    )


def maths(p: Places) -> TeachingGroup:
    """The subject teacher's own group: みどり中 2年1組 数学."""
    return _group(p, p.junior_high, "2年1組", "数学")


def midori_english(p: Places) -> TeachingGroup:
    """Same school and class, a subject the subject teacher does not teach."""
    return _group(p, p.junior_high, "2年1組", "外国語")


def own_class(p: Places) -> TeachingGroup:
    """さくら小 4年1組 国語: the homeroom teacher's class."""
    return _group(p, p.school, "4年1組", "国語")


def other_class(p: Places) -> TeachingGroup:
    return _group(p, p.school, "1年1組", "国語")


def kaede(p: Places) -> TeachingGroup:
    return _group(p, p.other_school, "3年1組", "国語")


def plan_of(group: TeachingGroup, number: int = 1) -> EvaluationPlan:
    return EvaluationPlan.objects.get(
        term__number=number, term__school=group.school, subject=group.subject, grade_level=group.grade_level
    )


def _g(pick: Any) -> Any:
    return lambda p: {"group_uuid": pick(p).uuid, "term": 1}


def _plan_kwargs(pick: Any) -> Any:
    return lambda p: {"group_uuid": pick(p).uuid, "plan_uuid": plan_of(pick(p)).uuid}


# who reads each target group (view_scores), by relationship
READ = {
    "own group": (maths, {"subject_teacher": 200, "principal": 404, "teacher": 404, "outsider": 404}),
    "other subject": (
        midori_english,
        {"subject_teacher": 404, "principal": 404, "teacher": 404, "outsider": 404},
    ),
    "own class": (own_class, {"subject_teacher": 404, "principal": 200, "teacher": 200, "outsider": 404}),
    "other class": (other_class, {"subject_teacher": 404, "principal": 200, "teacher": 404, "outsider": 404}),
    "other school": (kaede, {"subject_teacher": 404, "principal": 404, "teacher": 404, "outsider": 200}),
}
# who enters scores (enter_scores): the principal has no rule (403)
WRITE = {
    "own group": (maths, {"subject_teacher": 200, "principal": 403, "teacher": 404, "outsider": 404}),
    "other subject": (
        midori_english,
        {"subject_teacher": 404, "principal": 403, "teacher": 404, "outsider": 404},
    ),
    "own class": (own_class, {"subject_teacher": 404, "principal": 403, "teacher": 200, "outsider": 404}),
    "other class": (other_class, {"subject_teacher": 404, "principal": 403, "teacher": 404, "outsider": 404}),
    "other school": (kaede, {"subject_teacher": 404, "principal": 403, "teacher": 404, "outsider": 200}),
}


def _as(table: dict[str, int], ok: Any) -> dict[str, Any]:
    return {role: (ok if status == 200 else status) for role, status in table.items()}


CASES: list[Case] = [
    Case("grades:index", "any", expect(403, principal=200, teacher=200, subject_teacher=200, outsider=200)),
]
for label, (pick, table) in READ.items():
    CASES.append(Case("grades:grid", label, expect(403, **table), _g(pick)))
    CASES.append(
        Case(
            "grades:plan_edit",
            label,
            expect(403, **table),
            _plan_kwargs(pick),
        )
    )
for label, (pick, table) in WRITE.items():
    CASES.append(Case("grades:grid_import", label, expect(403, **table), _g(pick)))
    # An empty JSON body: in scope it is read and refused as unreadable (400), nothing written.
    CASES.append(Case("grades:grid_save", label, expect(403, **_as(table, 400)), _g(pick), method="post"))
    CASES.append(
        Case("grades:plan_start", label, expect(403, **_as(table, REDIRECT)), _g(pick), method="post")
    )
CASES += [
    Case(
        "grades:result_override",
        "own group, its pupil",
        expect(403, subject_teacher=200, principal=403, teacher=404, outsider=404),
        lambda p: {"group_uuid": maths(p).uuid, "term": 1, "student_uuid": p.sibling.uuid},
    ),
    Case(
        "grades:result_override",
        "own class, its pupil",
        expect(403, subject_teacher=404, principal=403, teacher=200, outsider=404),
        lambda p: {"group_uuid": own_class(p).uuid, "term": 1, "student_uuid": p.classmate.uuid},
    ),
    Case(
        "grades:result_override",
        "own class, a pupil of another class",
        expect(403, subject_teacher=404, principal=403, teacher=404, outsider=404),
        lambda p: {"group_uuid": own_class(p).uuid, "term": 1, "student_uuid": p.other_class_pupil.uuid},
    ),
    Case(
        "grades:class_list",
        "own class",
        expect(403, principal=200, teacher=200, outsider=404),
        lambda p: {"homeroom_uuid": p.homeroom.uuid, "term": 1},
    ),
    Case(
        "grades:class_list",
        "another class",
        expect(403, principal=200, teacher=404, outsider=404),
        lambda p: {"homeroom_uuid": p.other_homeroom.uuid, "term": 1},
    ),
    Case(
        "grades:class_list",
        "another school",
        expect(403, principal=404, teacher=404, outsider=200),
        lambda p: {"homeroom_uuid": p.outsider_homeroom.uuid, "term": 1},
    ),
    Case(
        "grades:class_list",
        "the subject teacher's class",
        expect(403, principal=404, teacher=404, outsider=404),
        lambda p: {"homeroom_uuid": p.maths_homeroom.uuid, "term": 1},
    ),
]

CASES += [
    Case(
        "grades:class_records",
        "own class",
        expect(403, principal=200, teacher=200, outsider=404),
        lambda p: {"homeroom_uuid": p.homeroom.uuid, "term": 1},
    ),
    Case(
        "grades:class_records",
        "another class",
        expect(403, principal=200, teacher=404, outsider=404),
        lambda p: {"homeroom_uuid": p.other_homeroom.uuid, "term": 1},
    ),
    Case(
        "grades:class_records",
        "another school",
        expect(403, principal=404, teacher=404, outsider=200),
        lambda p: {"homeroom_uuid": p.outsider_homeroom.uuid, "term": 1},
    ),
]

# --- 所見 and the other texts, the phrase bank, the character limits, 成績個票 ----------------------------


def _room(pick: Any, **extra: Any) -> Any:
    return lambda p: {"homeroom_uuid": pick(p).uuid, **extra}


def _phrase_of(pick: Any) -> Any:
    from tsunagu.grades.models import Phrase

    return lambda p: {"phrase_uuid": Phrase.objects.filter(school=pick(p)).order_by("pk").first().uuid}


ROOMS = {
    "own class": (lambda p: p.homeroom, {"principal": 200, "teacher": 200, "outsider": 404}),
    "another class": (lambda p: p.other_homeroom, {"principal": 200, "teacher": 404, "outsider": 404}),
    "another school": (lambda p: p.outsider_homeroom, {"principal": 404, "teacher": 404, "outsider": 200}),
    "the subject teacher's class": (
        lambda p: p.maths_homeroom,
        {"principal": 404, "teacher": 404, "outsider": 404},
    ),
}
for label, (room, table) in ROOMS.items():
    CASES.append(Case("grades:remarks", label, expect(403, **table), _room(room, term=1)))
    CASES.append(Case("grades:remarks_year", label, expect(403, **table), _room(room)))
    CASES.append(Case("grades:sheets", label, expect(403, **table), _room(room, term=1)))
    # An empty JSON body: in scope it is refused as unreadable (400), nothing written.
    CASES.append(
        Case("grades:remark_save", label, expect(403, **_as(table, 400)), _room(room), method="post")
    )
CASES += [
    Case("grades:remarks_index", "any", expect(403, principal=200, teacher=200, outsider=200)),
    Case(
        "grades:phrases",
        "own school",
        expect(403, principal=200, teacher=200, subject_teacher=200, outsider=200),
    ),
    # An empty edit is refused with a message and a redirect back to the bank; nothing is changed.
    Case(
        "grades:phrase_edit",
        "a phrase of さくら小",
        expect(403, principal=REDIRECT, teacher=REDIRECT, subject_teacher=404, outsider=404),
        _phrase_of(lambda p: p.school),
        method="post",
    ),
    Case(
        "grades:phrase_edit",
        "a phrase of みどり中",
        expect(403, principal=404, teacher=404, subject_teacher=REDIRECT, outsider=404),
        _phrase_of(lambda p: p.junior_high),
        method="post",
    ),
    Case(
        "grades:remark_limits",
        "own school",
        expect(403, principal=200),
        lambda p: {"school_uuid": p.school.uuid},
    ),
    Case(
        "grades:remark_limits",
        "another school",
        expect(403, principal=404),
        lambda p: {"school_uuid": p.other_school.uuid},
    ),
]

# The grade's 成績一覧 across its classes: grade heads and principals only (a homeroom teacher sees the
# scores of their own class only, so a grade-wide figure would be theirs alone).
CASES += [
    Case(
        "grades:grade_summary",
        "own school",
        expect(403, principal=200),
        lambda p: {"homeroom_uuid": p.homeroom.uuid, "term": 1},
    ),
    Case(
        "grades:grade_summary",
        "another school",
        expect(403, principal=404),
        lambda p: {"homeroom_uuid": p.outsider_homeroom.uuid, "term": 1},
    ),
]
