"""Fixtures of the health exams tests: the cast's class, its pupils, a nurse at another school."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import Places, find_places


@pytest.fixture
def places(ward: Any) -> Places:
    """Objects in known relationships to the cast (さくら小 4年1組 …)."""
    return find_places(ward)


@pytest.fixture
def class_enrolments(places: Places) -> list[Any]:
    """The pupils of さくら小 4年1組 today, by roll number."""
    from tsunagu.students.models import Enrolment

    with system_scope(reason="test lists the class"):
        return list(
            Enrolment.objects.filter(homeroom=places.homeroom, end_date__isnull=True)
            .select_related("student")
            .order_by("roll_number")
        )


@pytest.fixture
def client_for_nurse_of(ward: Any) -> Any:
    """A logged-in client for the school nurse of a given school (the cast has one only at さくら小)."""
    from tsunagu.accounts.models import RoleAssignment
    from tsunagu.accounts.testing import force_login

    def make(school: Any) -> Client:
        with system_scope(reason="test finds a school nurse"):
            assignment = (
                RoleAssignment.objects.filter(role="nurse", school=school, school_year=ward.school_year)
                .select_related("user")
                .first()
            )
        assert assignment is not None
        from allauth.mfa.models import Authenticator

        Authenticator.objects.get_or_create(
            user=assignment.user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "test"}}
        )
        return force_login(Client(), assignment.user)

    return make
