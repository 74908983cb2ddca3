"""The rosters answer with a fixed number of queries, whatever the number of pupils (no N+1).

A 1,000-pupil school must answer in well under a tenth of a second; a query per pupil (a guardian
here, a class there) would make that impossible, so the count is pinned. If a change adds a query on
purpose, update the pin and say why in the commit.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.accounts.testing import force_login
from tsunagu.students.tests.builders import build_school

pytestmark = pytest.mark.django_db

#: Queries of a school-roster page: session, user, role assignments, MFA factor, the school, its
#: homerooms, the enrolments with their pupils, the guardians' contacts.
SCHOOL_ROSTER_QUERIES = 8
#: The same for a homeroom roster (the homeroom instead of the school and its homerooms).
HOMEROOM_ROSTER_QUERIES = 7


def _count(client: Client, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("size", [(1, 3), (4, 25)])
def test_the_school_roster_needs_the_same_queries_for_any_number_of_pupils(size: tuple[int, int]) -> None:
    homerooms, per_room = size
    built = build_school(homerooms=homerooms, pupils_per_homeroom=per_room)
    client = force_login(Client(), built["principal"])
    url = reverse("students:school_roster", args=[built["school"].uuid])
    count, response = _count(client, url)
    assert response.context["roster"].total == homerooms * per_room
    assert count == SCHOOL_ROSTER_QUERIES


@pytest.mark.parametrize("per_room", [3, 35])
def test_the_homeroom_roster_needs_the_same_queries_for_any_number_of_pupils(per_room: int) -> None:
    built = build_school(homerooms=1, pupils_per_homeroom=per_room)
    client = force_login(Client(), built["principal"])
    url = reverse("students:homeroom_roster", args=[built["rooms"][0].uuid])
    count, response = _count(client, url)
    assert len(response.context["rows"]) == per_room
    assert all(row.contact_phone for row in response.context["rows"])
    assert count == HOMEROOM_ROSTER_QUERIES


def test_a_live_search_fragment_costs_no_more_than_the_page() -> None:
    built = build_school(homerooms=2, pupils_per_homeroom=10)
    client = force_login(Client(), built["principal"])
    url = reverse("students:school_roster", args=[built["school"].uuid])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": "ｹｲｿｸ"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.context["roster"].total == 20
    assert len(queries) <= SCHOOL_ROSTER_QUERIES
