"""The pupil page: who may open it, what each role sees, and the access log of class-I reads."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tsunagu.core.models import AccessLog
from tsunagu.core.scope import system_scope
from tsunagu.students.models import GuardianLink
from tsunagu.students.tests import cast
from tsunagu.students.tests.cast import CastPlaces, ClientAs

pytestmark = pytest.mark.django_db

# The cast fixtures (they skip the test where the shared demo-ward fixtures are missing).
places = cast.places
as_user = cast.as_user

HIDDEN = "（非表示）"


def detail_url(pupil: Any) -> str:
    return reverse("students:student_detail", args=[pupil.uuid])


A_PUPIL_OF_THE_CLASS = {
    "principal": 200,
    "office": 200,
    "nurse": 200,
    "teacher": 200,
    "subject_teacher": 404,
    "outsider": 404,
    "board": 404,  # the board sees assigned cases only
    "helpdesk": 403,  # no right to pupils' records at all
}


@pytest.mark.parametrize("username,status", A_PUPIL_OF_THE_CLASS.items())
def test_pupil_page_access(as_user: ClientAs, places: CastPlaces, username: str, status: int) -> None:
    assert as_user(username).get(detail_url(places.pupil)).status_code == status


def test_a_guardian_opens_their_own_child_only(as_user: ClientAs, places: CastPlaces) -> None:
    guardian = as_user("guardian")
    assert guardian.get(detail_url(places.child)).status_code == 200
    assert guardian.get(detail_url(places.other_school_pupil)).status_code == 404
    if places.pupil != places.child:
        assert guardian.get(detail_url(places.pupil)).status_code == 404


def test_a_pupil_opens_their_own_page_only(as_user: ClientAs, places: CastPlaces) -> None:
    student = as_user("student")
    assert student.get(detail_url(places.own_record)).status_code == 200
    assert student.get(detail_url(places.other_school_pupil)).status_code == 404


def test_anonymous_visitors_go_to_the_login(client: Client, places: CastPlaces) -> None:
    response = client.get(detail_url(places.pupil))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_page_shows_basic_data_history_and_guardians(as_user: ClientAs, places: CastPlaces) -> None:
    response = as_user("teacher").get(detail_url(places.pupil))
    html = response.content.decode()
    detail = response.context["detail"]
    assert "<ruby>" in html  # the name with its reading
    for heading in ("基本情報", "保護者", "学籍の履歴"):
        assert heading in html
    assert detail.current is not None and detail.current.homeroom == places.homeroom
    assert detail.enrolments and detail.guardian_links is not None


def test_staff_see_restrictions_but_a_guardian_sees_only_their_own_link(
    as_user: ClientAs, places: CastPlaces
) -> None:
    with system_scope(reason="test counts the child's links"):
        all_links = GuardianLink.objects.filter(student=places.child).count()
    staff_view = as_user("principal").get(detail_url(places.child)).context["detail"]
    assert len(staff_view.guardian_links) == all_links
    own_view = as_user("guardian").get(detail_url(places.child)).context["detail"]
    assert [link.guardian.user.username for link in own_view.guardian_links] == ["guardian"]


def test_a_pupil_sees_no_guardian_section_and_no_address(as_user: ClientAs, places: CastPlaces) -> None:
    response = as_user("student").get(detail_url(places.own_record))
    assert response.context["detail"].guardian_links is None
    assert response.context["detail"].may_view_address is False
    html = response.content.decode()
    assert 'id="guardians"' not in html and HIDDEN in html


def test_the_address_of_an_ordinary_pupil_is_shown_to_the_class_teacher_and_logged(
    as_user: ClientAs, places: CastPlaces
) -> None:
    response = as_user("teacher").get(detail_url(places.pupil))
    assert response.context["detail"].may_view_address is True
    assert places.pupil.address in response.content.decode()
    log = AccessLog.objects.filter(actor_username="teacher", student_uuid=places.pupil.uuid).latest("id")
    assert "address" in log.fields and log.path == detail_url(places.pupil)


@pytest.mark.parametrize(
    "username,sees_address", [("principal", True), ("office", True), ("teacher", False), ("nurse", False)]
)
def test_a_protected_address_is_shown_to_principal_and_office_only(
    as_user: ClientAs, places: CastPlaces, username: str, sees_address: bool
) -> None:
    pupil = places.protected_pupil
    if pupil is None:
        pytest.skip("the demo school has no pupil under 住所秘匿")
    response = as_user(username).get(detail_url(pupil))
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["detail"].may_view_address is sees_address
    assert (pupil.address in html) is sees_address
    assert (HIDDEN in html) is not sees_address
    logged = AccessLog.objects.filter(actor_username=username, student_uuid=pupil.uuid)
    assert any("address" in row.fields for row in logged) is sees_address


def test_only_the_principal_gets_the_access_history_link(as_user: ClientAs, places: CastPlaces) -> None:
    assert "閲覧履歴" in as_user("principal").get(detail_url(places.pupil)).content.decode()
    assert "閲覧履歴" not in as_user("office").get(detail_url(places.pupil)).content.decode()


def test_the_pupil_page_leads_to_the_pages_about_the_pupil_the_reader_may_open(
    as_user: ClientAs, places: CastPlaces
) -> None:
    """Other apps' pages about the pupil are linked from the pupil page, for those who may open them."""
    observations = reverse("observations:pupil", args=[places.pupil.uuid])
    teacher_page = as_user("teacher").get(detail_url(places.pupil)).content.decode()
    assert f'href="{observations}"' in teacher_page
    assert as_user("teacher").get(observations).status_code == 200
    karte = reverse("karte:karte", args=[places.pupil.uuid])
    assert f'href="{karte}"' in teacher_page
    office_page = as_user("office").get(detail_url(places.pupil)).content.decode()
    assert f'href="{observations}"' not in office_page  # office staff keep to 学籍
    assert f'href="{karte}"' not in office_page
