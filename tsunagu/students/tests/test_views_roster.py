"""学級名簿 and 全校名簿 as every cast member sees them: allowed, forbidden (403) or out of scope (404)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tsunagu.core.scope import system_scope
from tsunagu.students.models import GuardianLink
from tsunagu.students.tests import cast
from tsunagu.students.tests.cast import CastPlaces, ClientAs

pytestmark = pytest.mark.django_db

# The cast fixtures (they skip the test where the shared demo-ward fixtures are missing).
places = cast.places
as_user = cast.as_user


# --- 学級名簿 -----------------------------------------------------------------------------------

HOMEROOM_ROSTER = {
    "principal": 200,
    "office": 200,
    "nurse": 200,
    "teacher": 200,
    "subject_teacher": 404,  # teaches junior-high maths, not this class
    "outsider": 404,  # a teacher at another school
    "board": 403,
    "guardian": 403,
    "student": 403,
    "helpdesk": 403,
}


@pytest.mark.parametrize("username,status", HOMEROOM_ROSTER.items())
def test_homeroom_roster_access(as_user: ClientAs, places: CastPlaces, username: str, status: int) -> None:
    url = reverse("students:homeroom_roster", args=[places.homeroom.uuid])
    assert as_user(username).get(url).status_code == status


def test_homeroom_roster_sends_anonymous_visitors_to_the_login(client: Client, places: CastPlaces) -> None:
    url = reverse("students:homeroom_roster", args=[places.homeroom.uuid])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_teacher_cannot_open_another_class_of_the_same_school(
    as_user: ClientAs, places: CastPlaces
) -> None:
    if places.other_homeroom is None:
        pytest.skip("the demo school has one class only")
    url = reverse("students:homeroom_roster", args=[places.other_homeroom.uuid])
    assert as_user("teacher").get(url).status_code == 404


def test_an_unknown_homeroom_answers_404_like_a_forbidden_one(as_user: ClientAs) -> None:
    url = reverse("students:homeroom_roster", args=["00000000-0000-0000-0000-000000000000"])
    assert as_user("principal").get(url).status_code == 404


def test_the_class_roster_lists_the_class_with_contacts(as_user: ClientAs, places: CastPlaces) -> None:
    response = as_user("teacher").get(reverse("students:homeroom_roster", args=[places.homeroom.uuid]))
    rows = response.context["rows"]
    assert places.pupil.pk in {row.student_id for row in rows}
    numbers = [row.roll_number for row in rows if not row.is_exchange]
    assert numbers == sorted(numbers)
    html = response.content.decode()
    for heading in ("出席番号", "氏名", "ふりがな", "性別", "生年月日", "保護者", "連絡先", "配慮"):
        assert heading in html
    assert response.context["show_contacts"] is True
    assert any(row.contact_phone for row in rows)


def test_a_restricted_guardian_is_never_the_contact_on_the_roster(
    as_user: ClientAs, places: CastPlaces
) -> None:
    with system_scope(reason="test reads the restricted links"):
        restricted = {
            (link.student_id, link.guardian.full_name)
            for link in GuardianLink.objects.filter(
                contact_restricted=True, student__enrolments__homeroom=places.homeroom
            ).select_related("guardian")
        }
    response = as_user("teacher").get(reverse("students:homeroom_roster", args=[places.homeroom.uuid]))
    shown = {(row.student_id, row.contact_name) for row in response.context["rows"]}
    assert not shown & restricted


# --- 全校名簿 -----------------------------------------------------------------------------------

SCHOOL_ROSTER = {
    "principal": 200,
    "office": 200,
    "nurse": 200,
    "teacher": 403,
    "subject_teacher": 403,
    "outsider": 403,
    "board": 403,
    "guardian": 403,
    "student": 403,
    "helpdesk": 403,
}


@pytest.mark.parametrize("username,status", SCHOOL_ROSTER.items())
def test_school_roster_access(as_user: ClientAs, places: CastPlaces, username: str, status: int) -> None:
    url = reverse("students:school_roster", args=[places.school.uuid])
    assert as_user(username).get(url).status_code == status


def test_the_principal_cannot_open_another_schools_roster(as_user: ClientAs, places: CastPlaces) -> None:
    url = reverse("students:school_roster", args=[places.outsider_homeroom.school.uuid])
    assert as_user("principal").get(url).status_code == 404


def test_the_school_roster_groups_every_current_pupil_by_class(as_user: ClientAs, places: CastPlaces) -> None:
    response = as_user("office").get(reverse("students:school_roster", args=[places.school.uuid]))
    roster = response.context["roster"]
    labels = [group.label for group in roster.groups]
    assert places.homeroom.display_name in labels
    assert roster.total == sum(len(group.rows) for group in roster.groups)
    everyone = {row.student_id for group in roster.groups for row in group.rows}
    assert places.pupil.pk in everyone
    assert places.other_school_pupil.pk not in everyone
