"""A small school of its own for the infection tests: two classes, the nurse, the principal, a class
teacher, a board member, and a calendar for November 2026 with its two holidays (11/3, 11/23)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tsunagu.accounts.models import RoleAssignment, User
from tsunagu.core.scope import system_scope
from tsunagu.org.models import DayKind, Homeroom, School, SchoolDay, SchoolYear
from tsunagu.students.models import Student
from tsunagu.students.tests.builders import build_school

#: The day the tests treat as today (the period tests all lie in November 2026).
TODAY = dt.date(2026, 12, 1)
HOLIDAYS = {dt.date(2026, 11, 3), dt.date(2026, 11, 23)}


@dataclass
class InfectionSchool:
    """Everything an infection test needs, by name."""

    school: School
    year: SchoolYear
    room: Homeroom
    other_room: Homeroom
    pupils: list[Student]
    nurse: User
    principal: User
    teacher: User
    board: User
    other_nurse: User


def _user(name: str) -> User:
    user = User.objects.create_user(name, password="unused-password-123", display_name=name)
    TOTP.activate(user, generate_totp_secret())
    return user


def build_infection_school(pupils: int = 10) -> InfectionSchool:
    """Two classes of ``pupils``; weekdays 10/26–12/4 2026 are school days except the holidays."""
    built = build_school(homerooms=2, pupils_per_homeroom=pupils)
    other = build_school(homerooms=1, pupils_per_homeroom=1)
    school: School = built["school"]
    room, other_room = built["rooms"]
    year = room.school_year
    tag = school.mext_code[-5:]
    with system_scope(reason="test builds an infection school"):
        day = dt.date(2026, 10, 26)
        rows = []
        while day <= dt.date(2026, 12, 4):
            if day.weekday() >= 5:
                kind = DayKind.WEEKEND
            elif day in HOLIDAYS:
                kind = DayKind.HOLIDAY
            else:
                kind = DayKind.INSTRUCTIONAL
            rows.append(SchoolDay(school=school, school_year=year, date=day, kind=kind))
            day += dt.timedelta(days=1)
        SchoolDay.objects.bulk_create(rows)
        members = list(Student.objects.filter(enrolments__homeroom=room).order_by("enrolments__roll_number"))

        def assign(name: str, role: str, **scope: object) -> User:
            user = _user(f"i{tag}-{name}")
            RoleAssignment.objects.create(user=user, role=role, school_year=year, **scope)
            return user

        nurse = assign("nurse", "nurse", school=school)
        teacher = assign("teacher", "homeroom_teacher", homeroom=room)
        board = assign("board", "board", board=school.board)
        other_nurse = assign("other-nurse", "nurse", school=other["school"])
    return InfectionSchool(
        school=school,
        year=year,
        room=room,
        other_room=other_room,
        pupils=members,
        nurse=nurse,
        principal=built["principal"],
        teacher=teacher,
        board=board,
        other_nurse=other_nurse,
    )
