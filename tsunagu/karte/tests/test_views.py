"""The karte and the class board through their pages: insights found from the register, taken on,
dismissed with a reason (and staying dismissed), the class-I read logged, fixed query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tsunagu.attendance.models import AttendanceMark
from tsunagu.core.models import AccessLog
from tsunagu.core.scope import system_scope
from tsunagu.karte.models import Insight, InsightStatus
from tsunagu.karte.services import insights_refresh
from tsunagu.org.models import DayKind, Homeroom, SchoolDay
from tsunagu.students.models import Enrolment
from tsunagu.students.selectors import enrolled_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil(ward: object):
    """A pupil of 4年1組 of さくら小 (the teacher's class) absent the last 7 school days to today."""
    today = timezone.localdate()
    with system_scope(reason="test marks a pupil absent"):
        room = Homeroom.objects.filter(
            school__name__contains="さくら",
            grade_level__code="P4",
            name="1組",
            school_year__start_date__lte=today,
            school_year__end_date__gte=today,
        ).get()
        enrolment = Enrolment.objects.filter(enrolled_on(today), homeroom=room).order_by("roll_number").last()
        days = list(
            SchoolDay.objects.filter(school=room.school, date__lte=today, kind=DayKind.INSTRUCTIONAL)
            .order_by("-date")
            .values_list("date", flat=True)[:8]
        )
        # Present on the 8th school day back (no mark), absent on the 7 since: exactly a 7-day streak.
        AttendanceMark.objects.filter(student=enrolment.student, date__in=days).delete()
        days = days[:7]
        AttendanceMark.objects.bulk_create(
            AttendanceMark(
                student=enrolment.student, school=room.school, homeroom=room, date=d, kind="absent_illness"
            )
            for d in days
        )
    return enrolment


def _legal(pupil) -> Insight:
    with system_scope(reason="test reads the insight"):
        return Insight.objects.get(student=pupil.student, rule="absence_streak_legal")


def test_the_teacher_sees_the_seven_day_absence_on_the_karte(pupil, client_as) -> None:
    counts = insights_refresh(school=pupil.school, day=timezone.localdate(), student_ids=[pupil.student_id])
    assert counts["opened"] >= 1
    client = client_as("teacher")
    before = AccessLog.objects.count()
    page = client.get(f"/karte/pupils/{pupil.student.uuid}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "7日連続で欠席しています" in text and "施行令第20条" in text
    assert AccessLog.objects.count() > before  # the class-I read is logged


def test_dismissing_needs_a_reason_and_the_dismissal_survives_the_next_run(pupil, client_as) -> None:
    insights_refresh(school=pupil.school, day=timezone.localdate(), student_ids=[pupil.student_id])
    insight = _legal(pupil)
    client = client_as("teacher")
    refused = client.post(f"/karte/insights/{insight.uuid}/dismiss/", {"reason": " "})
    assert refused.status_code == 400
    assert _legal(pupil).status == InsightStatus.OPEN
    done = client.post(f"/karte/insights/{insight.uuid}/dismiss/", {"reason": "保護者から連絡済み（入院）"})
    assert done.status_code == 302
    insights_refresh(school=pupil.school, day=timezone.localdate(), student_ids=[pupil.student_id])
    again = _legal(pupil)
    assert again.status == InsightStatus.DISMISSED and again.dismissed_reason == "保護者から連絡済み（入院）"
    assert "7日連続" not in client.get(f"/karte/pupils/{pupil.student.uuid}/").content.decode()


def test_taking_an_insight_on_and_its_resolution_when_the_pattern_ends(pupil, client_as) -> None:
    insights_refresh(school=pupil.school, day=timezone.localdate(), student_ids=[pupil.student_id])
    insight = _legal(pupil)
    follow = timezone.localdate() + dt.timedelta(days=3)
    client = client_as("teacher")
    response = client.post(
        f"/karte/insights/{insight.uuid}/assign/", {"follow_up_on": follow.isoformat(), "note": "家庭訪問"}
    )
    assert response.status_code == 302
    taken = _legal(pupil)
    assert (
        taken.status == InsightStatus.ASSIGNED and taken.follow_up_on == follow and taken.note == "家庭訪問"
    )
    with system_scope(reason="the pupil comes back"):
        AttendanceMark.objects.filter(student=pupil.student, date=timezone.localdate()).delete()
        AttendanceMark.objects.filter(student=pupil.student).order_by("-date").first().delete()
    insights_refresh(school=pupil.school, day=timezone.localdate(), student_ids=[pupil.student_id])
    assert _legal(pupil).status == InsightStatus.RESOLVED


def test_the_class_board_puts_the_absent_pupil_first_in_fixed_queries(pupil, client_as) -> None:
    insights_refresh(school=pupil.school, day=timezone.localdate(), student_ids=[pupil.student_id])
    client = client_as("teacher")
    url = f"/karte/homerooms/{pupil.homeroom.uuid}/"
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        page = client.get(url)
    assert page.status_code == 200
    rows = page.context["rows"]
    mine = next(r for r in rows if r.student == pupil.student)
    assert mine.changed and mine.insights
    flags = [r.changed for r in rows]
    assert flags == sorted(flags, reverse=True)  # every pupil with something new comes first
    with system_scope(reason="test adds insights to other pupils"):
        others = [r.student.pk for r in rows if r.student != pupil.student][:3]
    insights_refresh(school=pupil.school, day=timezone.localdate(), student_ids=others)
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(second) == len(first)


def test_a_homeroom_teacher_sees_no_protected_address(ward: object, client_as) -> None:
    from tsunagu.students.models import Student

    with system_scope(reason="test finds a protected pupil of the teacher's class"):
        protected = Student.objects.filter(
            address_protected=True,
            enrolments__homeroom__name="1組",
            enrolments__grade_level__code="P4",
            enrolments__school__name__contains="さくら",
        ).first()
    assert protected is not None
    text = client_as("teacher").get(f"/karte/pupils/{protected.uuid}/").content.decode()
    assert protected.address not in text
    assert "住所秘匿" in text


def test_morning_stomach_aches_from_the_nurses_visits_become_an_insight(pupil) -> None:
    from tsunagu.health.models import NurseVisit

    today = timezone.localdate()
    with system_scope(reason="test records nurse visits"):
        days = list(
            SchoolDay.objects.filter(school=pupil.school, date__lte=today, kind=DayKind.INSTRUCTIONAL)
            .order_by("-date")
            .values_list("date", flat=True)[8:35:6]
        )
        NurseVisit.objects.filter(student=pupil.student).delete()
        for day in days:
            NurseVisit.objects.create(
                school=pupil.school,
                student=pupil.student,
                homeroom=pupil.homeroom,
                date=day,
                time_in=dt.time(10, 20),
                category="illness",
                complaints=["stomach_ache"],
            )
    insights_refresh(school=pupil.school, day=today, student_ids=[pupil.student_id])
    with system_scope(reason="test reads the insight"):
        found = Insight.objects.get(student=pupil.student, rule="morning_visits")
    assert found.sentence.startswith("午前中は腹痛を訴えて保健室に来る傾向があります")
    assert found.evidence["morning"] == len(days) >= 4


def test_the_karte_shows_observations_and_care_notes_from_their_apps(ward: object, client_as) -> None:
    from tsunagu.care.models import CareNote
    from tsunagu.observations.models import GoodPoint, SharedTopic

    today = timezone.localdate()
    with system_scope(reason="test finds demo observations in the teacher's class"):
        room = Homeroom.objects.filter(
            school__name__contains="さくら",
            grade_level__code="P4",
            name="1組",
            school_year__start_date__lte=today,
            school_year__end_date__gte=today,
        ).get()
        in_class = Enrolment.objects.filter(enrolled_on(today), homeroom=room).values("student_id")
        note = CareNote.objects.filter(student_id__in=in_class, is_active=True).first()
        point = GoodPoint.objects.filter(student_id__in=in_class, school_year=room.school_year).first()
        home = SharedTopic.objects.filter(student_id__in=in_class, area="home", sensitive=False).first()
    assert note is not None and point is not None and home is not None, "the demo ward holds them"
    client = client_as("teacher")
    assert note.summary in client.get(f"/karte/pupils/{note.student.uuid}/").content.decode()
    assert point.text in client.get(f"/karte/pupils/{point.student.uuid}/").content.decode()
    page = client.get(f"/karte/pupils/{home.student.uuid}/").content.decode()
    assert "家庭のようす" in page and home.text[:40] in page


def test_a_sensitive_topic_shown_on_the_karte_is_logged(ward: object, client_as) -> None:
    from tsunagu.observations.models import SharedTopic

    with system_scope(reason="test finds a sensitive topic"):
        topic = SharedTopic.objects.filter(sensitive=True, school__name__contains="さくら").first()
    if topic is None:
        pytest.skip("the demo ward has no sensitive topic at さくら小")
    before = AccessLog.objects.filter(object_uuid=topic.uuid).count()
    client_as("principal").get(f"/karte/pupils/{topic.student.uuid}/")
    assert AccessLog.objects.filter(object_uuid=topic.uuid).count() == before + 1


def test_the_teacher_sees_visit_times_and_the_nurse_the_complaints(pupil, client_as) -> None:
    from tsunagu.health.models import NurseVisit

    today = timezone.localdate()
    with system_scope(reason="test records a visit"):
        NurseVisit.objects.filter(student=pupil.student).delete()
        visit = NurseVisit.objects.create(
            school=pupil.school,
            student=pupil.student,
            homeroom=pupil.homeroom,
            date=today,
            time_in=dt.time(9, 40),
            category="illness",
            complaints=["nosebleed"],
            outcome="",
        )
    teacher = client_as("teacher").get(f"/karte/pupils/{pupil.student.uuid}/").content.decode()
    assert "保健室利用" in teacher and "09:40" in teacher
    assert "鼻出血" not in teacher  # the complaint is the nurse's to share
    nurse = client_as("nurse").get(f"/karte/pupils/{pupil.student.uuid}/").content.decode()
    assert "鼻出血" in nurse
    assert AccessLog.objects.filter(object_uuid=visit.uuid).count() == 2
