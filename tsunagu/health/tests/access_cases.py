"""Access-matrix cases of the health check-in pages (see tsunagu/core/tests/access_matrix.py).

Health data is class I: the pupil reaches only their own page; the class teacher their own class; the
nurse and the principal their school; the board only the ward's counts; office staff, the helpdesk and
guardians nothing (403: no rule at all). A homeroom teacher elsewhere (``outsider``) holds the rules but
not the object: 404, like a missing one. POSTs that succeed redirect back.

The session and talk requests the POST cases need are created here for さくら小 4年1組 when the demo
data has none (the demo only writes check-ins on the calendar's school days).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import REDIRECT, Case, Places, expect
from tsunagu.health.models import (
    CheckInSession,
    HealthCheckIn,
    HealthNotice,
    Mood,
    NurseVisit,
    Outcome,
    Period,
    Source,
    TalkRequest,
    VisitCategory,
)
from tsunagu.org.models import Homeroom

NO_HEALTH_RULE = {"office": 403, "helpdesk": 403, "guardian": 403, "student": 403, "board": 403}
SCHOOL_HEALTH = {"principal": 200, "nurse": 200}


def _session(homeroom: Homeroom) -> CheckInSession:
    """The class's latest morning session (created for today if the class has none)."""
    with system_scope(reason="access matrix finds a check-in session"):
        session = (
            CheckInSession.objects.filter(homeroom=homeroom, period=Period.MORNING).order_by("-date").first()
        )
        if session is None:
            session = CheckInSession.objects.create(
                school=homeroom.school, homeroom=homeroom, date=timezone.localdate(), period=Period.MORNING
            )
        return session


def _talk(places: Places, role: str) -> dict[str, Any]:
    """An unacknowledged talk request of a pupil of 4年1組 to the class teacher or to the nurse."""
    with system_scope(reason="access matrix finds a talk request"):
        assignments = RoleAssignment.objects.filter(role=role, school_year=places.homeroom.school_year)
        if role == "homeroom_teacher":
            assignments = assignments.filter(homeroom=places.homeroom)
        else:
            assignments = assignments.filter(school=places.school)
        user_id = assignments.values_list("user_id", flat=True).first()
        session = _session(places.homeroom)
        check_in, _ = HealthCheckIn.objects.get_or_create(
            session=session,
            student=places.classmate,
            defaults={"mood": Mood.STORMY, "source": Source.PUPIL},
        )
        talk = TalkRequest.objects.filter(check_in=check_in).first()
        if talk is None:
            talk = TalkRequest.objects.create(
                check_in=check_in,
                student=places.classmate,
                school=places.school,
                requested_of_id=user_id,
                requested_role=role,
                respond_by=timezone.now() + dt.timedelta(hours=1),
            )
        elif talk.requested_of_id != user_id:
            talk.requested_of_id, talk.requested_role = user_id, role
            talk.save()
        return {"talk_uuid": talk.uuid}


def _visit(places: Places, other_school: bool = False) -> NurseVisit:
    """A visit of a pupil of 4年1組 (or of the outsider's class at かえで小) with its notice."""
    with system_scope(reason="access matrix finds a nurse-office visit"):
        room = places.outsider_homeroom if other_school else places.homeroom
        pupil = places.other_school_pupil if other_school else places.classmate
        visit = NurseVisit.objects.filter(homeroom=room, student=pupil).order_by("-date").first()
        if visit is None:
            visit = NurseVisit.objects.create(
                school=room.school,
                student=pupil,
                homeroom=room,
                date=timezone.localdate(),
                time_in=dt.time(10, 5),
                time_out=dt.time(10, 30),
                category=VisitCategory.ILLNESS,
                complaints=["headache"],
                outcome=Outcome.BACK_TO_CLASS,
            )
        HealthNotice.objects.get_or_create(
            visit=visit, defaults={"school": room.school, "homeroom": room, "date": visit.date}
        )
        return visit


def _notice(places: Places, other_school: bool = False) -> dict[str, Any]:
    visit = _visit(places, other_school)
    with system_scope(reason="access matrix finds a visit notice"):
        return {"notice_uuid": HealthNotice.objects.get(visit=visit).uuid}


NURSE_OFFICE = {"nurse": 200, "principal": 200}
NURSE_OFFICE_ELSEWHERE = {"nurse": 404, "principal": 404}

CASES: list[Case] = [
    Case("health:pupil_checkin", "own", expect(403, student=200)),
    # The live class summary.
    Case(
        "health:class_summary",
        "own class",
        expect(404, teacher=200, **SCHOOL_HEALTH, **NO_HEALTH_RULE, subject_teacher=403),
        lambda p: {"homeroom_uuid": p.homeroom.uuid},
    ),
    Case(
        "health:class_summary",
        "another class",
        expect(404, **SCHOOL_HEALTH, **NO_HEALTH_RULE, subject_teacher=403),
        lambda p: {"homeroom_uuid": p.other_homeroom.uuid},
    ),
    Case(
        "health:class_summary",
        "teacher's class last year",
        expect(404, **SCHOOL_HEALTH, **NO_HEALTH_RULE, subject_teacher=403),
        lambda p: {"homeroom_uuid": p.teachers_last_year_homeroom.uuid},
    ),
    Case(
        "health:class_summary",
        "another school",
        expect(404, outsider=200, **NO_HEALTH_RULE, subject_teacher=403),
        lambda p: {"homeroom_uuid": p.outsider_homeroom.uuid},
    ),
    # The teacher's one-screen entry: the class teacher only.
    Case(
        "health:class_entry",
        "own class",
        expect(403, teacher=200, outsider=404),
        lambda p: {"homeroom_uuid": p.homeroom.uuid},
    ),
    Case(
        "health:class_entry",
        "another class",
        expect(403, teacher=404, outsider=404),
        lambda p: {"homeroom_uuid": p.other_homeroom.uuid},
    ),
    Case(
        "health:class_entry",
        "teacher's class last year",
        expect(403, teacher=404, outsider=404),
        lambda p: {"homeroom_uuid": p.teachers_last_year_homeroom.uuid},
    ),
    Case(
        "health:open_afternoon",
        "own class",
        expect(403, teacher=REDIRECT, outsider=404),
        lambda p: {"homeroom_uuid": p.homeroom.uuid},
        method="post",
    ),
    Case(
        "health:open_afternoon",
        "another school",
        expect(403, teacher=404, outsider=REDIRECT),
        lambda p: {"homeroom_uuid": p.outsider_homeroom.uuid},
        method="post",
    ),
    # Acknowledging answers and talk requests.
    Case(
        "health:mark_seen",
        "own class",
        expect(403, teacher=REDIRECT, nurse=REDIRECT, principal=REDIRECT, outsider=404),
        lambda p: {"session_uuid": _session(p.homeroom).uuid},
        method="post",
    ),
    Case(
        "health:mark_seen",
        "another school",
        expect(403, teacher=404, nurse=404, principal=404, outsider=REDIRECT),
        lambda p: {"session_uuid": _session(p.outsider_homeroom).uuid},
        method="post",
    ),
    Case(
        "health:talk_acknowledge",
        "to the class teacher",
        expect(403, teacher=REDIRECT, nurse=REDIRECT, principal=REDIRECT, outsider=404),
        lambda p: _talk(p, "homeroom_teacher"),
        method="post",
    ),
    # A pupil may ask the nurse rather than their class teacher: that stays between them.
    Case(
        "health:talk_acknowledge",
        "to the nurse",
        expect(403, teacher=404, nurse=REDIRECT, principal=REDIRECT, outsider=404),
        lambda p: _talk(p, "nurse"),
        method="post",
    ),
    # The school's summary: its nurse and principal.
    Case(
        "health:school_summary",
        "own school",
        expect(403, **SCHOOL_HEALTH),
        lambda p: {"school_uuid": p.school.uuid},
    ),
    Case(
        "health:school_summary",
        "another school",
        expect(403, principal=404, nurse=404),
        lambda p: {"school_uuid": p.other_school.uuid},
    ),
    # The ward's counts: the board only.
    Case("health:ward_summary", "ward", expect(403, board=200)),
    # 保健室来室記録 and 保健日誌: the nurse and the principal of the school; nobody else (not even the
    # class teacher, who sees only an outline of their class's visits on the class summary).
    Case(
        "health:nurse_visits",
        "own school",
        expect(403, **NURSE_OFFICE),
        lambda p: {"school_uuid": p.school.uuid},
    ),
    Case(
        "health:nurse_visits",
        "another school",
        expect(403, **NURSE_OFFICE_ELSEWHERE),
        lambda p: {"school_uuid": p.other_school.uuid},
    ),
    Case(
        "health:nurse_visit_new",
        "own school",
        expect(403, nurse=200),
        lambda p: {"school_uuid": p.school.uuid},
    ),
    Case(
        "health:nurse_visit_new",
        "another school",
        expect(403, nurse=404),
        lambda p: {"school_uuid": p.other_school.uuid},
    ),
    Case(
        "health:nurse_visit_edit",
        "a visit of the class",
        expect(403, **NURSE_OFFICE),
        lambda p: {"visit_uuid": _visit(p).uuid},
    ),
    Case(
        "health:nurse_visit_edit",
        "a visit at another school",
        expect(403, **NURSE_OFFICE_ELSEWHERE),
        lambda p: {"visit_uuid": _visit(p, other_school=True).uuid},
    ),
    Case(
        "health:nurse_pupil_visits",
        "a pupil of the school",
        expect(403, **NURSE_OFFICE),
        lambda p: {"student_uuid": p.classmate.uuid},
    ),
    Case(
        "health:nurse_pupil_visits",
        "a pupil of another school",
        expect(403, **NURSE_OFFICE_ELSEWHERE),
        lambda p: {"student_uuid": p.other_school_pupil.uuid},
    ),
    Case(
        "health:daily_log",
        "own school",
        expect(403, **NURSE_OFFICE),
        lambda p: {"school_uuid": p.school.uuid},
    ),
    Case(
        "health:daily_log",
        "another school",
        expect(403, **NURSE_OFFICE_ELSEWHERE),
        lambda p: {"school_uuid": p.other_school.uuid},
    ),
    Case(
        "health:daily_log_pdf",
        "own school",
        expect(403, **NURSE_OFFICE),
        lambda p: {"school_uuid": p.school.uuid},
    ),
    Case(
        "health:daily_log_pdf",
        "another school",
        expect(403, **NURSE_OFFICE_ELSEWHERE),
        lambda p: {"school_uuid": p.other_school.uuid},
    ),
    Case(
        "health:nurse_stats",
        "own school",
        expect(403, **NURSE_OFFICE),
        lambda p: {"school_uuid": p.school.uuid},
    ),
    Case(
        "health:nurse_stats",
        "another school",
        expect(403, **NURSE_OFFICE_ELSEWHERE),
        lambda p: {"school_uuid": p.other_school.uuid},
    ),
    # The class teacher's side: the notice and the one-tap early leave, for their own class only.
    Case(
        "health:notice_read",
        "a visit of the class",
        expect(403, teacher=REDIRECT, outsider=404),
        _notice,
        method="post",
    ),
    Case(
        "health:notice_read",
        "a visit at another school",
        expect(403, teacher=404, outsider=REDIRECT),
        lambda p: _notice(p, other_school=True),
        method="post",
    ),
    Case(
        "health:visit_register",
        "a visit of the class",
        expect(403, teacher=REDIRECT, outsider=404),
        lambda p: {"visit_uuid": _visit(p).uuid},
        method="post",
    ),
    Case(
        "health:visit_register",
        "a visit at another school",
        expect(403, teacher=404, outsider=REDIRECT),
        lambda p: {"visit_uuid": _visit(p, other_school=True).uuid},
        method="post",
    ),
]
