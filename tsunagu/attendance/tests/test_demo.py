"""The demo ward's 出席簿 (attendance/demo.py) tells the stories the screens are meant to catch."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tsunagu.accounts.models import User
from tsunagu.attendance import selectors
from tsunagu.attendance.models import AbsenceReport, AttendanceMark, Closure, Mark, RegisterDay, ReportStatus
from tsunagu.core.scope import system_scope
from tsunagu.org.models import DayKind, SchoolDay
from tsunagu.students.tests.cast import cast_places

pytestmark = pytest.mark.django_db


def test_the_year_so_far_is_in_the_register(ward: Any) -> None:
    places = cast_places()
    with system_scope(reason="test reads the demo register"):
        marks = AttendanceMark.objects.filter(homeroom=places.homeroom)
        kinds = set(marks.values_list("kind", flat=True))
        assert {
            Mark.ABSENT_ILLNESS,
            Mark.ABSENT_OTHER,
            Mark.SUSPENDED_INFECTION,
            Mark.DEEMED_PRESENT,
        } <= kinds
        assert not marks.filter(date__gte=ward.today).exists()  # today's register is not taken yet
        assert not RegisterDay.objects.filter(homeroom=places.homeroom, date=ward.today).exists()
        closure = Closure.objects.get(homeroom=places.homeroom)
        assert not marks.filter(date__range=(closure.start_date, closure.end_date)).exists()
        confirmed = AbsenceReport.objects.filter(homeroom=places.homeroom, status=ReportStatus.CONFIRMED)
        assert confirmed.count() > marks.filter(kind=Mark.ABSENT_ILLNESS).count() / 2


def test_the_alerts_catch_the_pupils_with_a_story(ward: Any) -> None:
    places = cast_places()
    principal = User.objects.get(username="principal")
    days = SchoolDay.objects.filter(
        school=places.school,
        kind=DayKind.INSTRUCTIONAL,
        date__gte=ward.school_year.start_date,
        date__lt=ward.today,
    ).count()
    if days < 16:
        pytest.skip("too early in the school year for the stories")
    alerts = selectors.absence_alerts(actor=principal, school=places.school, today=ward.today)
    assert any(a.current_run >= 7 for a in alerts)
    if days >= 100:
        assert any(a.days_absent >= 20 for a in alerts)


def test_the_teacher_finds_this_mornings_reports_in_place(ward: Any, client_as: Any) -> None:
    places = cast_places()
    response = client_as("teacher").get(reverse("attendance:daily", args=[places.homeroom.uuid]))
    assert response.status_code == 200
    register = response.context["register"]
    if not register.status.open:
        pytest.skip("today is not a school day in the demo calendar")
    pending = [row for row in register.rows if row.pending]
    assert {row.kind for row in pending} == {Mark.ABSENT_ILLNESS, Mark.LATE}
    assert "家庭からの連絡" in response.content.decode()


def test_the_daily_screen_and_the_register_need_a_fixed_number_of_queries(ward: Any, client_as: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    places = cast_places()
    teacher = client_as("teacher")
    urls = [
        reverse("attendance:daily", args=[places.homeroom.uuid]),
        reverse("attendance:register_month", args=[places.homeroom.uuid]),
    ]
    counts = []
    for url in urls:
        teacher.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = teacher.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    # Whatever the size of the class: session, user, roles, MFA, the class, pupils, marks, reports,
    # the register day, the codes, the calendar, the closure, the school's attendance settings, the
    # menu's hooks of the other apps (two queries) and the
    # access log of the reports read.
    if response.context is not None and places.homeroom.school_year.contains(ward.today):
        daily_open = client_as("teacher").get(urls[0]).context["register"].status.open
        if daily_open:
            assert counts[0] == 19, counts
    assert counts[1] == 24, counts
