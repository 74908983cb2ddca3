"""The role-aware home page: each cast member gets their own section, and nothing beyond their scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.accounts.models import User
from tsunagu.accounts.testing import force_login
from tsunagu.core.scope import system_scope
from tsunagu.students.models import Student
from tsunagu.students.tests import cast
from tsunagu.students.tests.cast import CastPlaces, ClientAs

pytestmark = pytest.mark.django_db

# The cast fixtures (they skip the test where the shared demo-ward fixtures are missing).
places = cast.places
as_user = cast.as_user


CAST = [
    "principal",
    "teacher",
    "subject_teacher",
    "nurse",
    "office",
    "board",
    "guardian",
    "student",
    "helpdesk",
    "outsider",
]


def home(client: Client) -> tuple[Any, str]:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response, response.content.decode()


def templates_of(response: Any) -> set[str]:
    return {section.template for section in response.context["sections"]}


def test_anonymous_visitors_go_to_the_login(client: Client) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("username", CAST)
def test_every_cast_member_gets_a_japanese_home_with_todays_date(as_user: ClientAs, username: str) -> None:
    response, html = home(as_user(username))
    assert '<html lang="ja">' in html
    assert "令和" in html and "年度" in html
    assert response.context["sections"], "every cast member has something to see"


def test_the_teacher_sees_their_class_with_its_roster(as_user: ClientAs, places: CastPlaces) -> None:
    response, html = home(as_user("teacher"))
    # Core's own card first; the apps add theirs (check-ins, nurse visits, good points, class board).
    assert {"core/home/teacher.html", "health/home/staff.html", "karte/home/teacher.html"} <= templates_of(
        response
    )
    cards = response.context["sections"][0].context["homeroom_cards"]
    assert [card["homeroom"] for card in cards] == [places.homeroom]
    assert cards[0]["count"] > 0
    assert reverse("students:homeroom_roster", args=[places.homeroom.uuid]) in html
    assert reverse("students:school_roster", args=[places.school.uuid]) not in html


def test_the_subject_teacher_sees_their_teaching_groups(as_user: ClientAs) -> None:
    response, html = home(as_user("subject_teacher"))
    assert response.context["sections"][0].context["teaching_groups"]
    assert "担当する授業" in html


def test_the_principal_sees_the_school_classes_staff_and_roster(
    as_user: ClientAs, places: CastPlaces
) -> None:
    response, html = home(as_user("principal"))
    assert {"core/home/school.html", "health/home/staff.html"} <= templates_of(response)
    assert not any(t.startswith("karte/") for t in templates_of(response))  # no class of their own
    section = response.context["sections"][0].context
    assert section["school"] == places.school
    assert section["pupil_total"] == sum(card["count"] for card in section["homeroom_cards"]) > 0
    assert section["staff_count"] > 0
    assert reverse("students:school_roster", args=[places.school.uuid]) in html
    assert "閲覧履歴" in html  # how to reach a child's access history


@pytest.mark.parametrize("username", ["office", "nurse"])
def test_office_and_nurse_get_the_school_roster(as_user: ClientAs, places: CastPlaces, username: str) -> None:
    response, html = home(as_user(username))
    assert reverse("students:school_roster", args=[places.school.uuid]) in html
    assert response.context["sections"][0].context["staff_count"] is None


def test_the_nurse_is_not_told_that_health_features_are_coming_any_more(as_user: ClientAs) -> None:
    _, html = home(as_user("nurse"))
    assert "保健室来室記録・保健日誌・健康診断・感染症の機能は準備中" not in html


def test_the_board_sees_totals_per_school_and_no_names(as_user: ClientAs, places: CastPlaces) -> None:
    response, html = home(as_user("board"))
    section = response.context["sections"][0].context
    counts = {row["school"]: row["count"] for row in section["rows"]}
    assert counts[places.school] > 0 and section["total"] == sum(counts.values())
    with system_scope(reason="test lists names that must not appear"):
        some_names = list(Student.objects.values_list("family_name", "given_name")[:50])
    assert not any(f"{family} {given}" in html for family, given in some_names)


def test_the_guardian_sees_their_child_with_school_and_class(as_user: ClientAs, places: CastPlaces) -> None:
    response, html = home(as_user("guardian"))
    children = response.context["sections"][0].context["children"]
    assert places.child in [child for child, _ in children]
    assert reverse("students:student_detail", args=[places.child.uuid]) in html
    assert all(enrolment is None or enrolment.school for _, enrolment in children)


def test_the_pupil_sees_their_own_day(as_user: ClientAs, places: CastPlaces) -> None:
    response, html = home(as_user("student"))
    section = response.context["sections"][0].context
    assert section["pupil"] == places.own_record
    assert places.own_record.family_name in html
    grade = section["enrolment"].grade_level
    assert section["furigana"] is (grade.stage == "P" and grade.number <= 3)
    assert ("<ruby>" in html.split('id="student-me"')[1][:400]) is section["furigana"]


def test_the_helpdesk_sees_schools_and_no_pupil_data(as_user: ClientAs, places: CastPlaces) -> None:
    response, html = home(as_user("helpdesk"))
    assert templates_of(response) == {"core/home/helpdesk.html"}
    assert places.school.name in html
    assert places.pupil.full_name not in html
    assert "/students/" not in html and "/roster/" not in html


@pytest.mark.parametrize(
    "username",
    [
        "teacher",
        "subject_teacher",
        "principal",
        "nurse",
        "office",
        "board",
        "guardian",
        "student",
        "helpdesk",
    ],
)
def test_navigation_offers_only_pages_the_actor_may_open(as_user: ClientAs, username: str) -> None:
    client = as_user(username)
    urls = [item.url for item in client.get(reverse("home")).context["nav_items"]]
    assert urls[0] == "/" and len(urls) == len(set(urls))
    for url in urls:
        assert client.get(url).status_code == 200, f"{username} is offered {url}"


def test_navigation_leads_each_role_to_its_daily_pages(as_user: ClientAs, places: CastPlaces) -> None:
    def nav(username: str) -> list[str]:
        return [item.url for item in as_user(username).get(reverse("home")).context["nav_items"]]

    teacher = nav("teacher")
    for page in (
        reverse("students:homeroom_roster", args=[places.homeroom.uuid]),
        reverse("attendance:daily", args=[places.homeroom.uuid]),
        reverse("health:class_summary", args=[places.homeroom.uuid]),
        reverse("karte:class_board", args=[places.homeroom.uuid]),
    ):
        assert page in teacher
    assert reverse("students:school_roster", args=[places.school.uuid]) not in teacher
    principal = nav("principal")
    assert reverse("students:school_roster", args=[places.school.uuid]) in principal
    assert reverse("attendance:school_alerts", args=[places.school.uuid]) in principal
    assert reverse("health:school_summary", args=[places.school.uuid]) in principal
    assert reverse("health:pupil_checkin") in nav("student")
    assert reverse("attendance:report_new") in nav("guardian")
    assert nav("helpdesk") == ["/"]


def test_a_user_without_roles_is_told_what_to_do(db: Any) -> None:
    user = User.objects.create_user("no-roles-yet", password="unused-password-123")
    response, html = home(force_login(Client(), user))
    assert response.context["sections"] == []
    assert "役割が割り当てられていません" in html


def test_the_home_page_of_the_principal_needs_a_fixed_number_of_queries(as_user: ClientAs) -> None:
    client = as_user("principal")
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    # session, user, role assignments, MFA factor, schools, homerooms, counts per homeroom, staff count;
    # the apps' cards: talk requests waiting (health), the nurse's schools and today's visits (health),
    # follow-up letters waiting (checkups), report cards waiting for approval (report_cards)
    assert len(queries) == 13, "\n".join(q["sql"][:160] for q in queries.captured_queries)
