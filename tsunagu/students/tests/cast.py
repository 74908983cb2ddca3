"""Where the demo cast lives: the schools, classes and pupils each view test needs, found from the
cast's own role assignments and links (so the tests follow the demo ward, not fixed names).

``places`` and ``as_user`` wrap the shared ``ward`` and ``client_as`` fixtures (tsunagu/conftest.py)
and skip the test, rather than fail it, on a checkout that does not have them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from django.test import Client
from django.utils import timezone

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.scope import system_scope
from tsunagu.org.models import Homeroom, School
from tsunagu.students.models import GuardianLink, Student

T = TypeVar("T")


@dataclass(frozen=True)
class CastPlaces:
    """Objects in and out of each cast member's scope."""

    school: School  # the principal's (さくら小)
    homeroom: Homeroom  # the teacher's (4年1組)
    other_homeroom: Homeroom | None  # another class of the same school
    outsider_homeroom: Homeroom  # the outsider's class at another school
    pupil: Student  # a pupil of the teacher's class
    child: Student  # the guardian's child
    own_record: Student  # the pupil who logs in as "student"
    other_school_pupil: Student  # a pupil of the outsider's class
    protected_pupil: Student | None  # a pupil of the school under 住所秘匿, if the ward has one


def _assignment(username: str, role: str) -> RoleAssignment:
    today = timezone.localdate()
    return RoleAssignment.objects.select_related("school", "homeroom").get(
        user__username=username,
        role=role,
        school_year__start_date__lte=today,
        school_year__end_date__gte=today,
    )


def _require(value: T | None, what: str) -> T:
    if value is None:
        raise LookupError(f"the demo ward has no {what}")
    return value


def cast_places() -> CastPlaces:
    """Look the places up (outside any actor's scope: this is test set-up)."""
    today = timezone.localdate()
    with system_scope(reason="tests look up the demo cast's places"):
        school = _require(_assignment("principal", "principal").school, "school of the principal")
        homeroom = _require(_assignment("teacher", "homeroom_teacher").homeroom, "class of the teacher")
        outsider_homeroom = _require(_assignment("outsider", "homeroom_teacher").homeroom, "outsider's class")
        current = {"enrolments__end_date__isnull": True}
        pupil = (
            Student.objects.filter(enrolments__homeroom=homeroom, **current)
            .exclude(address_protected=True)
            .order_by("enrolments__roll_number")
            .first()
        )
        child_link = (
            GuardianLink.objects.select_related("student")
            .filter(guardian__user__username="guardian", has_custody=True, contact_restricted=False)
            .first()
        )
        return CastPlaces(
            school=school,
            homeroom=homeroom,
            other_homeroom=Homeroom.objects.filter(school=school, school_year=homeroom.school_year)
            .exclude(pk=homeroom.pk)
            .order_by("grade_level__order", "order")
            .first(),
            outsider_homeroom=outsider_homeroom,
            pupil=_require(pupil, "pupil in the teacher's class"),
            child=_require(child_link, "child of the guardian").student,
            own_record=Student.objects.get(user__username="student"),
            other_school_pupil=_require(
                Student.objects.filter(enrolments__homeroom=outsider_homeroom, **current).first(),
                "pupil in the outsider's class",
            ),
            protected_pupil=Student.objects.filter(
                address_protected=True,
                enrolments__school=school,
                enrolments__start_date__lte=today,
                **current,
            ).first(),
        )


ClientAs = Callable[[str], Client]


def _shared(request: pytest.FixtureRequest, name: str) -> Any:
    try:
        return request.getfixturevalue(name)
    except pytest.FixtureLookupError:
        pytest.skip(f"the shared demo-ward fixture {name!r} is not available")


@pytest.fixture
def places(request: pytest.FixtureRequest) -> CastPlaces:
    """The cast's places in the demo ward (seeded by the shared ``ward`` fixture)."""
    _shared(request, "ward")
    return cast_places()


@pytest.fixture
def as_user(request: pytest.FixtureRequest) -> ClientAs:
    """``as_user("teacher")``: a logged-in, MFA-satisfied client of a cast member."""
    client_as: ClientAs = _shared(request, "client_as")
    return client_as
