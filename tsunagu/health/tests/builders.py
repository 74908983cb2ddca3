"""A small school of its own for the health tests: one class with pupils who log in, their teacher,
the nurse, the principal, office staff, a board member, and a teacher of another school.

Independent of the shared demo ward, so that services and selectors are tested on exactly the rows
each test needs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tsunagu.accounts.models import RoleAssignment, User
from tsunagu.core.scope import system_scope
from tsunagu.org.models import DayKind, Homeroom, School, SchoolDay, SchoolYear
from tsunagu.students.models import Student
from tsunagu.students.tests.builders import build_school


@dataclass
class HealthSchool:
    """Everything a health test needs, by name."""

    school: School
    year: SchoolYear
    room: Homeroom
    other_room: Homeroom
    pupils: list[Student]
    pupil_users: list[User]
    teacher: User
    other_teacher: User
    nurse: User
    principal: User
    office: User
    board: User
    outsider: User
    outsider_room: Homeroom


def _user(name: str, *, mfa: bool = True, display: str = "") -> User:
    user = User.objects.create_user(name, password="unused-password-123", display_name=display or name)
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user


def last_weekday(day: dt.date) -> dt.date:
    """``day`` or the closest weekday before it (check-ins need a school day)."""
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def build_health_school(pupils: int = 4) -> HealthSchool:
    """A school with two classes of ``pupils`` each; the pupils of the first class can log in."""
    built = build_school(homerooms=2, pupils_per_homeroom=pupils)
    other = build_school(homerooms=1, pupils_per_homeroom=2)
    school: School = built["school"]
    room, other_room = built["rooms"]
    year = room.school_year
    tag = school.mext_code[-5:]
    with system_scope(reason="test builds a health school"):
        members = list(Student.objects.filter(enrolments__homeroom=room).order_by("enrolments__roll_number"))
        pupil_users = []
        for i, pupil in enumerate(members, start=1):
            user = _user(f"h{tag}-pupil{i}", mfa=False)
            pupil.user = user
            pupil.save()
            RoleAssignment.objects.create(user=user, role="student", school_year=year)
            pupil_users.append(user)

        def assign(name: str, role: str, display: str = "", **scope: object) -> User:
            user = _user(f"h{tag}-{name}", display=display)
            RoleAssignment.objects.create(user=user, role=role, school_year=year, **scope)
            return user

        teacher = assign("teacher", "homeroom_teacher", "青山先生", homeroom=room)
        other_teacher = assign("other-teacher", "homeroom_teacher", homeroom=other_room)
        nurse = assign("nurse", "nurse", "白石先生", school=school)
        office = assign("office", "office", school=school)
        board = assign("board", "board", board=school.board)
        outsider_room = other["rooms"][0]
        outsider = assign("outsider", "homeroom_teacher", homeroom=outsider_room)
    return HealthSchool(
        school=school,
        year=year,
        room=room,
        other_room=other_room,
        pupils=members,
        pupil_users=pupil_users,
        teacher=teacher,
        other_teacher=other_teacher,
        nurse=nurse,
        principal=built["principal"],
        office=office,
        board=board,
        outsider=outsider,
        outsider_room=outsider_room,
    )


def mark_day(school: School, day: dt.date, kind: str = DayKind.INSTRUCTIONAL) -> None:
    """Put ``day`` in the school calendar."""
    SchoolDay.objects.update_or_create(
        school=school,
        date=day,
        defaults={"kind": kind, "school_year": SchoolYear.objects.get(year=_year(day))},
    )


def _year(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1
