"""The access matrix: for every URL, what each demo-cast role gets for each relationship to the target.

The table is written by hand from the policy (docs/permissions.md), not derived from it, so it is an
independent check: ``test_access_matrix`` requests every case as every role and fails on any
difference, and fails when a URL of the project has no case at all.

Apps add their own URLs' cases in ``tsunagu/<app>/tests/access_cases.py`` as a list ``CASES`` of
:class:`Case`; :func:`all_cases` collects them. ``expect`` gives every role's answer: an HTTP status,
``LOGIN`` (redirected to the login page) or ``REDIRECT`` (any redirect elsewhere).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps

from tsunagu.core.scope import system_scope
from tsunagu.org.models import Homeroom, School, TeachingGroupKind
from tsunagu.students.models import Enrolment, EventKind, Student

ANONYMOUS = "anonymous"
ROLES = [
    ANONYMOUS,
    "principal",
    "teacher",
    "subject_teacher",
    "nurse",
    "office",
    "board",
    "helpdesk",
    "outsider",
    "guardian",
    "student",
]
LOGIN = "login"
REDIRECT = "redirect"
Expected = int | str


def expect(default: Expected, **by_role: Expected) -> dict[str, Expected]:
    """Every role's expected answer: ``default`` unless named; anonymous visitors go to the login
    page unless ``anonymous=`` says otherwise."""
    unknown = set(by_role) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    table: dict[str, Expected] = {role: default for role in ROLES}
    table[ANONYMOUS] = LOGIN
    table.update(by_role)
    return table


@dataclass(frozen=True)
class Places:
    """Objects each standing in a known relationship to the cast (the demo ward is deterministic)."""

    school: School  # さくら小: principal, teacher, nurse, office
    other_school: School  # かえで小: outsider
    junior_high: School  # みどり中: subject_teacher
    homeroom: Homeroom  # さくら小 4年1組 (teacher)
    other_homeroom: Homeroom  # さくら小 another class this year
    teachers_last_year_homeroom: Homeroom  # the teacher's class last year (assignment no longer active)
    outsider_homeroom: Homeroom  # かえで小 3年1組
    maths_homeroom: Homeroom  # みどり中 2年1組, taught maths by subject_teacher
    classmate: Student  # in 4年1組, not the cast's family
    protected: Student  # in 4年1組, under 住所秘匿
    own_child: Student  # the pupil ``student`` = the guardian's child in 4年1組
    sibling: Student  # the guardian's other child, at みどり中 2年1組
    other_class_pupil: Student  # さくら小, another class
    last_years_pupil: Student  # in the teacher's class last year, in another class now
    other_school_pupil: Student  # かえで小, the outsider's class
    split_group_pupil: Student  # みどり中 3年, in subject_teacher's split maths group
    other_split_pupil: Student  # みどり中 3年, in another split group
    junior_high_pupil: Student  # みどり中 1年 from かえで小 (not taught by subject_teacher)
    graduate: Student  # みどり中 1年, at さくら小 until last March
    left_pupil: Student  # left さくら小 this year (転学)


def _current(**filters: Any) -> Any:
    return Enrolment.objects.filter(end_date__isnull=True, **filters)


def find_places(ward: Any) -> Places:
    """Look the places up in the seeded ward (test set-up, outside any actor's scope)."""
    with system_scope(reason="access matrix looks up the cast's places"):
        year = ward.school_year
        sakura, kaede, midori = ward.schools["sakura"], ward.schools["kaede"], ward.schools["midori"]
        homeroom = Homeroom.objects.get(school=sakura, school_year=year, grade_level__code="P4", name="1組")
        in_class = _current(homeroom=homeroom).select_related("student").order_by("roll_number")
        own_child = Student.objects.get(user__username="student")
        classmate = next(
            e.student for e in in_class if e.student != own_child and not e.student.address_protected
        )
        protected = next(e.student for e in in_class if e.student.address_protected)
        sibling = Student.objects.get(
            guardian_links__guardian__user__username="guardian",
            enrolments__school=midori,
            enrolments__end_date__isnull=True,
        )
        other_homeroom = Homeroom.objects.get(
            school=sakura, school_year=year, grade_level__code="P1", name="1組"
        )
        last_year = Homeroom.objects.get(
            teaching_assignments__staff_member__user__username="teacher",
            school_year=ward.previous_year,
        )
        last_years_pupil = (
            Student.objects.filter(enrolments__homeroom=last_year)
            .filter(enrolments__end_date__isnull=True)
            .exclude(enrolments__homeroom=homeroom)
            .first()
        )
        maths_homeroom = Homeroom.objects.get(
            school=midori, school_year=year, grade_level__code="J2", name="1組"
        )
        split_groups = list(
            midori.teaching_groups.filter(kind=TeachingGroupKind.SPLIT, school_year=year).order_by("pk")
        )
        mine = split_groups[0]
        outsider_homeroom = Homeroom.objects.get(
            school=kaede, school_year=year, grade_level__code="P3", name="1組"
        )
        left = Enrolment.objects.filter(
            school=sakura, school_year=year, end_date__isnull=False, events__kind=EventKind.TRANSFER_OUT
        ).first()
        assert last_years_pupil is not None and left is not None, "the demo ward lacks a matrix place"
        return Places(
            school=sakura,
            other_school=kaede,
            junior_high=midori,
            homeroom=homeroom,
            other_homeroom=other_homeroom,
            teachers_last_year_homeroom=last_year,
            outsider_homeroom=outsider_homeroom,
            maths_homeroom=maths_homeroom,
            classmate=classmate,
            protected=protected,
            own_child=own_child,
            sibling=sibling,
            other_class_pupil=_current(homeroom=other_homeroom).first().student,
            last_years_pupil=last_years_pupil,
            other_school_pupil=_current(homeroom=outsider_homeroom).first().student,
            split_group_pupil=Student.objects.filter(teaching_group_memberships__teaching_group=mine).first(),
            other_split_pupil=Student.objects.filter(
                teaching_group_memberships__teaching_group=split_groups[1]
            ).first(),
            junior_high_pupil=_current(school=midori, grade_level__code="J1")
            .filter(student__enrolments__school=kaede)
            .first()
            .student,
            graduate=_current(school=midori, grade_level__code="J1")
            .filter(student__enrolments__school=sakura)
            .first()
            .student,
            left_pupil=left.student,
        )


@dataclass(frozen=True)
class Case:
    """One URL requested for one target as every role."""

    url_name: str
    label: str
    expect: dict[str, Expected]
    kwargs: Callable[[Places], dict[str, Any]] = lambda p: {}
    method: str = "get"

    @property
    def id(self) -> str:
        return f"{self.url_name}[{self.label}]"


def all_cases() -> list[Case]:
    """The core cases below plus every app's ``tests/access_cases.py``."""
    from tsunagu.core.tests.access_cases import CASES

    cases = list(CASES)
    for config in apps.get_app_configs():
        if config.name.startswith("tsunagu.") and config.name != "tsunagu.core":
            try:
                module = importlib.import_module(f"{config.name}.tests.access_cases")
            except ModuleNotFoundError as exc:
                if not (exc.name or "").startswith(config.name):
                    raise
                continue
            cases += module.CASES
    return cases
