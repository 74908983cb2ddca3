"""Access-matrix cases of the いいところ and 共有TOPIC pages (see tsunagu/core/tests/access_matrix.py).

Staff who teach a pupil (class teacher, subject teacher of their group, principal, nurse) reach the
pupil's page; a teacher elsewhere (``outsider``) and the board without a case assignment get 404, like
a missing pupil; office staff and the helpdesk have no rule (403). The guardian and the pupil reach the
pupil's own page (it shows only what is shared with home) and nothing else. The notes and topics the
POST and edit cases need are created here (the demo ward's own are written in bulk by the demo step).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import REDIRECT, Case, Places, expect
from tsunagu.observations.models import Area, GoodPoint, SharedTopic, Source, Tag, Visibility
from tsunagu.students.models import Student

NO_RULE = {"office": 403, "helpdesk": 403}
#: Roles with no right to write notes or topics at all.
NOT_WRITERS = {**NO_RULE, "board": 403, "guardian": 403, "student": 403}
SAKURA_STAFF = {"principal": 200, "teacher": 200, "nurse": 200}


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _good_point(places: Places) -> dict[str, Any]:
    """A note by the class teacher about a pupil of 4年1組, this school year."""
    with system_scope(reason="access matrix makes a good point"):
        point = GoodPoint.objects.create(
            student=places.classmate,
            school=places.school,
            school_year=places.homeroom.school_year,
            date=timezone.localdate(),
            tag=Tag.LIFE,
            text="元気にあいさつした",
            author=_user("teacher"),
        )
    return {"good_point_uuid": point.uuid}


def _topic(
    places: Places, *, visibility: str = Visibility.TEACHERS, student: Student | None = None
) -> SharedTopic:
    with system_scope(reason="access matrix makes a shared topic"):
        return SharedTopic.objects.create(
            student=student or places.classmate,
            school=places.school,
            school_year=places.homeroom.school_year,
            date=timezone.localdate(),
            area=Area.LIFE,
            text="友だちとのトラブルがあった",
            visibility=visibility,
            author=_user("teacher"),
        )


def _home_note(places: Places) -> dict[str, Any]:
    """A 家庭のようす note the cast guardian sent about their child in 4年1組."""
    with system_scope(reason="access matrix makes a note from home"):
        topic = SharedTopic.objects.create(
            student=places.own_child,
            school=places.school,
            school_year=places.homeroom.school_year,
            date=timezone.localdate(),
            area=Area.HOME,
            text="昨夜はよく眠れなかったようです",
            visibility=Visibility.GUARDIANS,
            source=Source.GUARDIAN,
            author=_user("guardian"),
        )
    return {"topic_uuid": topic.uuid}


def _pupil(attr: str) -> Any:
    return lambda p: {"student_uuid": getattr(p, attr).uuid}


CASES: list[Case] = [
    # The quick entry: staff who teach pupils.
    Case(
        "observations:good_point_new",
        "quick entry",
        expect(200, **NOT_WRITERS),
    ),
    Case(
        "observations:good_point_delete",
        "the class teacher's note",
        expect(404, teacher=REDIRECT, **NOT_WRITERS),
        _good_point,
        method="post",
    ),
    # The pupil's page.
    Case(
        "observations:pupil",
        "a pupil of 4年1組",
        expect(404, **SAKURA_STAFF, **NO_RULE),
        _pupil("classmate"),
    ),
    Case(
        "observations:pupil",
        "the cast's child in 4年1組",
        expect(404, **SAKURA_STAFF, **NO_RULE, guardian=200, student=200),
        _pupil("own_child"),
    ),
    Case(
        "observations:pupil",
        "the sibling at みどり中 2年1組 (taught maths)",
        expect(404, **NO_RULE, subject_teacher=200, guardian=200),
        _pupil("sibling"),
    ),
    Case(
        "observations:pupil",
        "another class of さくら小",
        expect(404, principal=200, nurse=200, **NO_RULE),
        _pupil("other_class_pupil"),
    ),
    Case(
        "observations:pupil",
        "the teacher's pupil last year",
        expect(404, principal=200, nurse=200, **NO_RULE),
        _pupil("last_years_pupil"),
    ),
    Case(
        "observations:pupil",
        "another school",
        expect(404, outsider=200, **NO_RULE),
        _pupil("other_school_pupil"),
    ),
    # Posting a topic: staff who teach the pupil.
    Case(
        "observations:topic_new",
        "a pupil of 4年1組",
        expect(404, **SAKURA_STAFF, **NOT_WRITERS),
        _pupil("classmate"),
    ),
    Case(
        "observations:topic_new",
        "another school",
        expect(404, outsider=200, **NOT_WRITERS),
        _pupil("other_school_pupil"),
    ),
    # Editing: the author only.
    Case(
        "observations:topic_edit",
        "the class teacher's topic",
        expect(404, teacher=200, **NOT_WRITERS),
        lambda p: {"topic_uuid": _topic(p).uuid},
    ),
    # The history: staff who may read the topic.
    Case(
        "observations:topic_history",
        "a topic for the teaching staff",
        expect(404, principal=200, teacher=200, **NO_RULE, guardian=403, student=403),
        lambda p: {"topic_uuid": _topic(p).uuid},
    ),
    Case(
        "observations:topic_history",
        "a topic for the nurse and counsellor too",
        expect(404, principal=200, teacher=200, nurse=200, **NO_RULE, guardian=403, student=403),
        lambda p: {"topic_uuid": _topic(p, visibility=Visibility.CARE).uuid},
    ),
    # A note from home: the class teacher marks it read.
    Case(
        "observations:topic_acknowledge",
        "the guardian's note about their child in 4年1組",
        expect(403, teacher=REDIRECT, outsider=404),
        _home_note,
        method="post",
    ),
    # The class overview: the class teacher, the grade head, the principal.
    Case(
        "observations:class_overview",
        "own class",
        expect(403, teacher=200, principal=200, outsider=404),
        lambda p: {"homeroom_uuid": p.homeroom.uuid},
    ),
    Case(
        "observations:class_overview",
        "another class",
        expect(403, teacher=404, principal=200, outsider=404),
        lambda p: {"homeroom_uuid": p.other_homeroom.uuid},
    ),
    Case(
        "observations:class_overview",
        "teacher's class last year",
        expect(403, teacher=404, principal=200, outsider=404),
        lambda p: {"homeroom_uuid": p.teachers_last_year_homeroom.uuid},
    ),
    Case(
        "observations:class_overview",
        "another school",
        expect(403, teacher=404, principal=404, outsider=200),
        lambda p: {"homeroom_uuid": p.outsider_homeroom.uuid},
    ),
    # The guardian's 家庭のようす form.
    Case("observations:home_note_new", "own children", expect(403, guardian=200)),
]
