"""Fixtures of the 通知表 tests: the cast's class (さくら小 4年1組), its 1st term, the cast's users."""

from __future__ import annotations

from typing import Any

import pytest

from tsunagu.accounts.models import User
from tsunagu.core.scope import system_scope
from tsunagu.org.models import Homeroom, Term
from tsunagu.students.models import Student


@pytest.fixture
def room(ward: Any) -> Homeroom:
    """さくら小 4年1組: the cast teacher's class."""
    return Homeroom.objects.select_related("school", "school_year", "grade_level").get(
        school=ward.schools["sakura"], school_year=ward.school_year, grade_level__code="P4", name="1組"
    )


@pytest.fixture
def term1(room: Homeroom) -> Term:
    return Term.objects.select_related("school", "school_year").get(
        school=room.school, school_year=room.school_year, number=1
    )


@pytest.fixture
def term2(room: Homeroom) -> Term:
    return Term.objects.select_related("school", "school_year").get(
        school=room.school, school_year=room.school_year, number=2
    )


@pytest.fixture
def users(ward: Any) -> dict[str, User]:
    return {
        u.username: u
        for u in User.objects.filter(username__in=["teacher", "principal", "guardian", "outsider"])
    }


@pytest.fixture
def child(ward: Any) -> Student:
    """The cast pupil (the cast guardian's child) in 4年1組."""
    with system_scope(reason="test looks up the cast pupil"):
        return Student.objects.get(user__username="student")
