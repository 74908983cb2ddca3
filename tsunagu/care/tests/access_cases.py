"""Access-matrix cases of the care-note pages (see tsunagu/core/tests/access_matrix.py).

Summaries: everyone who teaches the pupil and the pupil's guardian; detail and the school overview:
the nurse and the principal; writing: the nurse. Office staff, the helpdesk, pupils and the board have
no rule (403). A role with the rule but not the pupil or class gets 404.

The note edited here is the demo's (さくら小 4年1組's pupil with the egg allergy); it is created for the
classmate when the demo has none.
"""

from __future__ import annotations

from typing import Any

from tsunagu.care.models import CareKind, CareNote
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import Case, Places, expect

NO_RULE = {"office": 403, "helpdesk": 403, "board": 403, "student": 403}
SCHOOL_HEALTH = {"nurse": 200, "principal": 200}


def _note(places: Places) -> dict[str, Any]:
    with system_scope(reason="access matrix finds a care note"):
        note = CareNote.objects.filter(student=places.classmate).first()
        if note is None:
            note = CareNote.objects.create(
                student=places.classmate, kind=CareKind.FOOD_ALLERGY, allergens=["卵"]
            )
        return {"note_uuid": note.uuid}


CASES: list[Case] = [
    Case("care:school", "own school", expect(403, **SCHOOL_HEALTH), lambda p: {"school_uuid": p.school.uuid}),
    Case(
        "care:school",
        "another school",
        expect(403, nurse=404, principal=404),
        lambda p: {"school_uuid": p.other_school.uuid},
    ),
    Case(
        "care:class_list",
        "the teacher's class",
        expect(404, teacher=200, **SCHOOL_HEALTH, **NO_RULE, guardian=403),
        lambda p: {"homeroom_uuid": p.homeroom.uuid},
    ),
    Case(
        "care:class_list",
        "a class taught maths by subject_teacher",
        expect(404, subject_teacher=200, **NO_RULE, guardian=403),
        lambda p: {"homeroom_uuid": p.maths_homeroom.uuid},
    ),
    Case(
        "care:class_list",
        "another school",
        expect(404, outsider=200, **NO_RULE, guardian=403),
        lambda p: {"homeroom_uuid": p.outsider_homeroom.uuid},
    ),
    Case(
        "care:pupil",
        "a classmate",
        expect(404, teacher=200, **SCHOOL_HEALTH, **NO_RULE),
        lambda p: {"student_uuid": p.classmate.uuid},
    ),
    Case(
        "care:pupil",
        "the guardian's child",
        expect(404, teacher=200, **SCHOOL_HEALTH, guardian=200, **NO_RULE),
        lambda p: {"student_uuid": p.own_child.uuid},
    ),
    Case(
        "care:pupil",
        "a pupil of another school",
        expect(404, outsider=200, **NO_RULE),
        lambda p: {"student_uuid": p.other_school_pupil.uuid},
    ),
    Case(
        "care:note_new",
        "a classmate",
        expect(403, nurse=200),
        lambda p: {"student_uuid": p.classmate.uuid},
    ),
    Case(
        "care:note_new",
        "a pupil of another school",
        expect(403, nurse=404),
        lambda p: {"student_uuid": p.other_school_pupil.uuid},
    ),
    Case("care:note_edit", "a classmate's note", expect(403, nurse=200), _note),
]
