"""A school built in bulk for tests that need their own pupils (sizes, names) beside the demo ward."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from tsunagu.accounts.models import RoleAssignment, User
from tsunagu.core.scope import system_scope
from tsunagu.core.text import normalize_for_search
from tsunagu.core.wareki import school_year_bounds, school_year_of
from tsunagu.org.models import Board, GradeLevel, Homeroom, Municipality, School, SchoolYear
from tsunagu.students.models import Enrolment, Guardian, GuardianLink, Student

_counter = itertools.count(1)


def build_school(*, homerooms: int, pupils_per_homeroom: int) -> dict[str, Any]:
    """A school of its own (not the demo ward) with pupils, guardians and a principal, in bulk."""
    n = next(_counter)
    start, end = school_year_bounds(school_year_of(timezone.localdate()))
    with system_scope(reason="test builds a school"):
        year = SchoolYear.objects.get_or_create(
            year=start.year, defaults={"start_date": start, "end_date": end}
        )[0]
        muni = Municipality.objects.create(name=f"計測区{n}", code=f"98{n:04d}", prefecture="東京都")
        board = Board.objects.create(municipality=muni, name=f"計測区{n}教育委員会")
        school = School.objects.create(
            board=board, mext_code=f"B1131980{n:04d}9", name=f"計測小学校{n}", kind="B1"
        )
        grade, _ = GradeLevel.objects.get_or_create(
            code="P5", defaults={"stage": "P", "number": 5, "order": 5}
        )
        rooms = Homeroom.objects.bulk_create(
            Homeroom(school=school, school_year=year, grade_level=grade, name=f"{i}組", order=i)
            for i in range(1, homerooms + 1)
        )
        students = []
        for room in rooms:
            for i in range(1, pupils_per_homeroom + 1):
                student = Student(
                    family_name="計測",
                    given_name=f"{room.name}{i}",
                    family_name_kana="けいそく",
                    given_name_kana="たろう",
                    sex="M" if i % 2 else "F",
                    birth_date=dt.date(year.year - 11, 5, 1),
                    needs_care=i % 7 == 0,
                )
                student.search_key = normalize_for_search("計測 けいそく たろう")
                students.append((room, i, student))
        Student.objects.bulk_create([s for _, _, s in students])
        Enrolment.objects.bulk_create(
            Enrolment(
                student=s,
                school=school,
                school_year=year,
                grade_level=grade,
                homeroom=room,
                roll_number=i,
                start_date=year.start_date,
            )
            for room, i, s in students
        )
        guardians = Guardian.objects.bulk_create(
            Guardian(
                family_name="計測",
                given_name="保護者",
                family_name_kana="けいそく",
                given_name_kana="ほごしゃ",
                phone="03-0000-0000",
            )
            for _ in students
        )
        GuardianLink.objects.bulk_create(
            GuardianLink(student=s, guardian=g, relationship="mother", is_primary_contact=True)
            for (_, _, s), g in zip(students, guardians, strict=True)
        )
        principal = User.objects.create_user(f"measure-principal-{n}", password="unused-password-123")
        RoleAssignment.objects.create(user=principal, role="principal", school_year=year, school=school)
        TOTP.activate(principal, generate_totp_secret())
    return {"school": school, "rooms": rooms, "principal": principal}


def add_pupil(
    room: Homeroom, *, family: str, given: str, family_kana: str, given_kana: str, roll_number: int
) -> Student:
    """One more pupil, enrolled today in ``room`` (saved one by one, so the search key is computed)."""
    with system_scope(reason="test adds a pupil"):
        pupil = Student.objects.create(
            family_name=family,
            given_name=given,
            family_name_kana=family_kana,
            given_name_kana=given_kana,
            sex="F",
            birth_date=dt.date(room.school_year.year - 10, 6, 1),
        )
        Enrolment.objects.create(
            student=pupil,
            school=room.school,
            school_year=room.school_year,
            grade_level=room.grade_level,
            homeroom=room,
            roll_number=roll_number,
            start_date=room.school_year.start_date,
        )
    return pupil
