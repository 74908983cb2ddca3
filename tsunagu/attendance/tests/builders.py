"""A small school with a hand-made calendar, for hand-worked attendance cases.

The calendar is fixed in 令和8年度 (2026) so that every expected figure in the tests can be counted
on paper: instructional days are the weekdays of June 2026 (22 days: Mon 1–Fri 26 are four full
weeks, then Mon 29 and Tue 30) and of September 2026 (22 days: Tue 1–Fri 4, three full weeks, then
Mon 28–Wed 30: 4 + 15 + 3), 44 days in all; every other day from June to September is a holiday.
Role assignments are bound to the school year that contains today, so that the cast is active
whenever the tests run.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from tsunagu.accounts.models import RoleAssignment, User
from tsunagu.attendance.models import AttendanceMark, Closure
from tsunagu.core.scope import system_scope
from tsunagu.core.wareki import school_year_bounds, school_year_of
from tsunagu.org.models import (
    Board,
    DayKind,
    GradeLevel,
    Homeroom,
    Municipality,
    School,
    SchoolDay,
    SchoolYear,
)
from tsunagu.students.models import Enrolment, Guardian, GuardianLink, Student

YEAR = 2026
JUNE = [dt.date(2026, 6, d) for d in range(1, 31) if dt.date(2026, 6, d).weekday() < 5]
SEPTEMBER = [dt.date(2026, 9, d) for d in range(1, 31) if dt.date(2026, 9, d).weekday() < 5]
INSTRUCTIONAL = JUNE + SEPTEMBER
assert len(JUNE) == 22 and len(SEPTEMBER) == 22

_counter = itertools.count(1)


@dataclass
class World:
    """Everything a hand-worked case needs."""

    year: SchoolYear
    board: Board
    school: School
    other_school: School
    grade: GradeLevel
    other_grade: GradeLevel
    homeroom: Homeroom
    sibling_homeroom: Homeroom
    other_grade_homeroom: Homeroom
    outsider_homeroom: Homeroom
    principal: User
    office: User
    nurse: User
    teacher: User
    other_teacher: User
    outsider: User
    guardian: User
    child: Student


def _year(year: int) -> SchoolYear:
    start, end = school_year_bounds(year)
    return SchoolYear.objects.get_or_create(year=year, defaults={"start_date": start, "end_date": end})[0]


def _grade(code: str, number: int) -> GradeLevel:
    return GradeLevel.objects.get_or_create(
        code=code, defaults={"stage": "P", "number": number, "order": number}
    )[0]


def add_pupil(
    homeroom: Homeroom, *, roll: int, start: dt.date | None = None, end: dt.date | None = None
) -> Student:
    """A pupil enrolled in ``homeroom`` from ``start`` (the school year's start) to ``end`` (open)."""
    with system_scope(reason="test adds a pupil"):
        pupil = Student.objects.create(
            family_name="出欠",
            given_name=f"{homeroom.name}{roll}",
            family_name_kana="しゅっけつ",
            given_name_kana="たろう",
            sex="M",
            birth_date=dt.date(2016, 5, 1),
        )
        Enrolment.objects.create(
            student=pupil,
            school=homeroom.school,
            school_year=homeroom.school_year,
            grade_level=homeroom.grade_level,
            homeroom=homeroom,
            roll_number=roll,
            start_date=start or homeroom.school_year.start_date,
            end_date=end,
        )
    return pupil


def mark(pupil: Student, homeroom: Homeroom, day: dt.date, kind: str, **fields: object) -> AttendanceMark:
    """A mark written directly (test set-up, not through the service)."""
    with system_scope(reason="test writes a mark"):
        return AttendanceMark.objects.create(
            student=pupil, school=homeroom.school, homeroom=homeroom, date=day, kind=kind, **fields
        )


def closure(school: School, scope: str, first: dt.date, last: dt.date, **fields: object) -> Closure:
    return Closure.objects.create(
        school=school,
        school_year=SchoolYear.objects.get(year=YEAR),
        scope=scope,
        start_date=first,
        end_date=last,
        reason="テスト",
        **fields,
    )


def _user(name: str, role: str, year: SchoolYear, **scope: object) -> User:
    user = User.objects.create_user(f"{name}-{next(_counter)}")  # no password: hashing is slow
    RoleAssignment.objects.create(user=user, role=role, school_year=year, **scope)
    if role != "guardian":
        TOTP.activate(user, generate_totp_secret())  # staff must have a second factor
    return user


def build_world() -> World:
    """Two schools of one board, three classes at the first, the cast, and the 2026 calendar."""
    n = next(_counter)
    with system_scope(reason="test builds an attendance world"):
        year = _year(YEAR)
        current = _year(school_year_of(timezone.localdate()))
        muni = Municipality.objects.create(name=f"出欠区{n}", code=f"97{n:04d}", prefecture="東京都")
        board = Board.objects.create(municipality=muni, name=f"出欠区{n}教育委員会")
        school = School.objects.create(
            board=board, mext_code=f"B1131970{n:04d}1", name=f"出欠小{n}", kind="B1"
        )
        other_school = School.objects.create(
            board=board, mext_code=f"B1131971{n:04d}1", name=f"出欠第二小{n}", kind="B1"
        )
        grade, other_grade = _grade("P4", 4), _grade("P5", 5)
        rooms = [
            Homeroom.objects.create(school=school, school_year=year, grade_level=grade, name="1組", order=1),
            Homeroom.objects.create(school=school, school_year=year, grade_level=grade, name="2組", order=2),
            Homeroom.objects.create(
                school=school, school_year=year, grade_level=other_grade, name="1組", order=1
            ),
            Homeroom.objects.create(
                school=other_school, school_year=year, grade_level=grade, name="1組", order=1
            ),
        ]
        for sch in (school, other_school):
            SchoolDay.objects.bulk_create(
                SchoolDay(
                    school=sch,
                    school_year=year,
                    date=day,
                    kind=DayKind.INSTRUCTIONAL if day in INSTRUCTIONAL else DayKind.WEEKEND,
                )
                for day in (dt.date(2026, 6, 1) + dt.timedelta(days=i) for i in range(122))
            )
        principal = _user("principal", "principal", current, school=school)
        office = _user("office", "office", current, school=school)
        nurse = _user("nurse", "nurse", current, school=school)
        teacher = _user("teacher", "homeroom_teacher", current, homeroom=rooms[0])
        other_teacher = _user("teacher2", "homeroom_teacher", current, homeroom=rooms[1])
        outsider = _user("outsider", "homeroom_teacher", current, homeroom=rooms[3])
        guardian = _user("guardian", "guardian", current)
        child = add_pupil(rooms[0], roll=99)
        g = Guardian.objects.create(
            user=guardian,
            family_name="出欠",
            given_name="母",
            family_name_kana="しゅっけつ",
            given_name_kana="はは",
        )
        GuardianLink.objects.create(student=child, guardian=g, relationship="mother", is_primary_contact=True)
    return World(
        year=year,
        board=board,
        school=school,
        other_school=other_school,
        grade=grade,
        other_grade=other_grade,
        homeroom=rooms[0],
        sibling_homeroom=rooms[1],
        other_grade_homeroom=rooms[2],
        outsider_homeroom=rooms[3],
        principal=principal,
        office=office,
        nurse=nurse,
        teacher=teacher,
        other_teacher=other_teacher,
        outsider=outsider,
        guardian=guardian,
        child=child,
    )


def board_user(world: World) -> User:
    """A member of the board's 学務課 (role ``board``) for the world's board, this school year."""
    with system_scope(reason="test adds the board's 学務 staff"):
        user = User.objects.create_user(f"gakumu-{next(_counter)}")
        current = RoleAssignment.objects.filter(user=world.principal).first()
        assert current is not None
        RoleAssignment.objects.create(
            user=user, role="board", school_year=current.school_year, board=world.board
        )
    TOTP.activate(user, generate_totp_secret())
    return user
