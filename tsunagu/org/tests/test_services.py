"""Teaching assignments grant their role and end the teacher's open sessions; calendars follow the law."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.scope import system_scope
from tsunagu.org.models import AssignmentKind, DayKind, Homeroom, SchoolDay, StaffMember
from tsunagu.org.services import calendar_days, teaching_assignment_create

pytestmark = pytest.mark.django_db


def test_a_new_class_grants_the_role_and_ends_open_sessions(ward: Any, client_as: Any) -> None:
    client = client_as("teacher")
    assert client.get("/me/").status_code == 200
    with system_scope(reason="test set-up"):
        member = StaffMember.objects.get(user__username="teacher")
        room = Homeroom.objects.get(
            school=ward.schools["sakura"], school_year=ward.school_year, grade_level__code="P1", name="1組"
        )
        teaching_assignment_create(
            staff_member=member, kind=AssignmentKind.ASSISTANT, school_year=ward.school_year, homeroom=room
        )
        assert RoleAssignment.objects.filter(
            user=member.user, homeroom=room, role="homeroom_teacher"
        ).exists()
    # The old session ends: the next request must log in again, and then sees the new class.
    response = client.get("/me/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_as("teacher").get(f"/homerooms/{room.uuid}/roster/").status_code == 200


def test_the_calendar_marks_holidays_breaks_and_weekends(ward: Any) -> None:
    school, year = ward.schools["sakura"], ward.school_year
    days = {d.date: d for d in calendar_days(school, year)}
    y = year.start_date.year
    assert days[dt.date(y, 5, 3)].kind == DayKind.HOLIDAY  # 憲法記念日
    assert days[dt.date(y, 5, 3)].note == "憲法記念日"
    assert days[dt.date(y, 8, 10)].kind in (DayKind.BREAK, DayKind.WEEKEND, DayKind.HOLIDAY)
    weekend = [d for d in days.values() if d.date.weekday() >= 5]
    assert all(d.kind in (DayKind.WEEKEND, DayKind.HOLIDAY) for d in weekend)
    instructional = [d for d in days.values() if d.kind == DayKind.INSTRUCTIONAL]
    assert 190 <= len(instructional) <= 215  # a Tokyo year has about 200 school days
    # The seeded calendar of the school is the same one, plus the school's own holidays.
    seeded = SchoolDay.objects.filter(school=school, school_year=year)
    assert seeded.count() == len(days)
    assert seeded.filter(kind=DayKind.SCHOOL_HOLIDAY, note="開校記念日").count() == 1
