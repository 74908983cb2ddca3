"""Access-matrix cases of the karte pages: the staff who look after the pupil (homeroom teacher, grade
head, principal, nurse) and, for the pupils they teach, subject teachers (learning panels only); office,
helpdesk, the board, guardians and pupils have no rule (403); a teacher of another school gets 404.
Insight actions with an empty form are refused (400) for those who may act, once an insight exists
(created here for a pupil of 4年1組). The school board is the principal's and the nurse's; the pupil's
own page the pupil's; the child's summary the guardian's (own children only); the ward's counts and the
thresholds the board's."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import REDIRECT, Case, Places, expect
from tsunagu.karte.models import Insight

STAFF = {"teacher": 200, "principal": 200, "nurse": 200}


def _insight(places: Places) -> dict[str, Any]:
    with system_scope(reason="access matrix makes an insight"):
        year = places.homeroom.school_year
        insight, _ = Insight.objects.get_or_create(
            student=places.classmate,
            school_year=year,
            rule_key="access_matrix",
            defaults={
                "school": places.school,
                "rule": "mood_streak",
                "sentence": "テスト",
                "first_found": timezone.localdate(),
                "last_found": timezone.localdate(),
            },
        )
    return {"insight_uuid": insight.uuid}


CASES: list[Case] = [
    Case(
        "karte:karte",
        "pupil of own class",
        expect(403, **STAFF, outsider=404, subject_teacher=404),
        lambda p: {"student_uuid": p.classmate.uuid},
    ),
    Case(
        "karte:karte",
        "pupil of another class",
        expect(403, teacher=404, principal=200, nurse=200, outsider=404, subject_teacher=404),
        lambda p: {"student_uuid": p.other_class_pupil.uuid},
    ),
    Case(
        "karte:karte",
        "pupil of another school",
        expect(403, teacher=404, principal=404, nurse=404, outsider=200, subject_teacher=404),
        lambda p: {"student_uuid": p.other_school_pupil.uuid},
    ),
    Case(
        "karte:karte",
        "pupil of the subject teacher's split group",
        expect(403, teacher=404, principal=404, nurse=404, outsider=404, subject_teacher=200),
        lambda p: {"student_uuid": p.split_group_pupil.uuid},
    ),
    Case(
        "karte:refresh",
        "pupil of own class",
        expect(403, teacher=REDIRECT, principal=REDIRECT, nurse=REDIRECT, outsider=404),
        lambda p: {"student_uuid": p.classmate.uuid},
        method="post",
    ),
    Case(
        "karte:assign",
        "insight in own class",
        expect(403, teacher=REDIRECT, principal=REDIRECT, nurse=REDIRECT, outsider=404),
        _insight,
        method="post",
    ),
    Case(
        "karte:dismiss",
        "insight in own class, no reason",
        expect(403, teacher=400, principal=400, nurse=400, outsider=404),
        _insight,
        method="post",
    ),
    Case(
        "karte:class_board",
        "own class",
        expect(403, **STAFF, outsider=404),
        lambda p: {"homeroom_uuid": p.homeroom.uuid},
    ),
    Case(
        "karte:class_board",
        "another school",
        expect(403, teacher=404, principal=404, nurse=404, outsider=200),
        lambda p: {"homeroom_uuid": p.outsider_homeroom.uuid},
    ),
]

CASES += [
    Case(
        "karte:school_board",
        "own school",
        expect(403, principal=200, nurse=200),
        lambda p: {"school_uuid": p.school.uuid},
    ),
    Case(
        "karte:school_board",
        "another school",
        expect(403, principal=404, nurse=404),
        lambda p: {"school_uuid": p.other_school.uuid},
    ),
    Case("karte:mine", "own", expect(403, student=200)),
    Case(
        "karte:child",
        "own child",
        expect(403, guardian=200),
        lambda p: {"student_uuid": p.own_child.uuid},
    ),
    Case(
        "karte:child",
        "own child at the junior high",
        expect(403, guardian=200),
        lambda p: {"student_uuid": p.sibling.uuid},
    ),
    Case(
        "karte:child",
        "a classmate of the child",
        expect(403, guardian=404),
        lambda p: {"student_uuid": p.classmate.uuid},
    ),
    Case("karte:ward", "own board", expect(403, board=200)),
    Case("karte:thresholds", "own board", expect(403, board=200)),
    Case("karte:thresholds", "own board, nothing sent", expect(403, board=400), method="post"),
]
