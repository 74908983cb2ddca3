"""Roster search finds a pupil by kanji or kana in any width: ﾔﾏﾀﾞ, ヤマダ, やまだ and 山田 find 山田."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tsunagu.accounts.testing import force_login
from tsunagu.students.tests.builders import add_pupil, build_school

pytestmark = pytest.mark.django_db


@pytest.fixture
def school() -> dict[str, Any]:
    built = build_school(homerooms=2, pupils_per_homeroom=3)  # pupils named 計測 (けいそく)
    room = built["rooms"][0]
    built["yamada"] = add_pupil(
        room, family="山田", given="花子", family_kana="やまだ", given_kana="はなこ", roll_number=10
    )
    built["yamamoto"] = add_pupil(
        room, family="山本", given="太郎", family_kana="やまもと", given_kana="たろう", roll_number=11
    )
    built["client"] = force_login(Client(), built["principal"])
    return built


def names(response: Any) -> set[str]:
    return {row.name for group in response.context["roster"].groups for row in group.rows}


@pytest.mark.parametrize(
    "query", ["山田", "やまだ", "ヤマダ", "ﾔﾏﾀﾞ", "やまだ はなこ", " 山田　花子 ", "ﾔﾏﾀﾞﾊﾅｺ"]
)
def test_school_roster_search_ignores_width_kana_kind_and_spaces(school: dict[str, Any], query: str) -> None:
    url = reverse("students:school_roster", args=[school["school"].uuid])
    response = school["client"].get(url, {"q": query})
    assert names(response) == {"山田 花子"}


def test_a_partial_reading_finds_every_pupil_it_starts(school: dict[str, Any]) -> None:
    url = reverse("students:school_roster", args=[school["school"].uuid])
    assert names(school["client"].get(url, {"q": "ﾔﾏ"})) == {"山田 花子", "山本 太郎"}


def test_homeroom_roster_search_answers_htmx_with_the_rows_only(school: dict[str, Any]) -> None:
    url = reverse("students:homeroom_roster", args=[school["rooms"][0].uuid])
    response = school["client"].get(url, {"q": "ヤマダ"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a fragment for htmx, not a page
    assert "山田 花子" in html and "山本 太郎" not in html
    assert 'id="roster-count"' in html and 'hx-swap-oob="true"' in html
    assert [row.name for row in response.context["rows"]] == ["山田 花子"]


def test_without_htmx_the_search_returns_the_whole_page(school: dict[str, Any]) -> None:
    url = reverse("students:homeroom_roster", args=[school["rooms"][0].uuid])
    response = school["client"].get(url, {"q": "やまだ"})
    assert "<html" in response.content.decode()
    assert [row.name for row in response.context["rows"]] == ["山田 花子"]


def test_an_empty_search_lists_everyone_and_no_match_says_so(school: dict[str, Any]) -> None:
    url = reverse("students:school_roster", args=[school["school"].uuid])
    assert len(names(school["client"].get(url, {"q": "  "}))) == 8
    response = school["client"].get(url, {"q": "すずき"})
    assert names(response) == set()
    assert "該当する児童生徒はいません。" in response.content.decode()


def test_grade_and_class_filters_narrow_the_school_roster(school: dict[str, Any]) -> None:
    url = reverse("students:school_roster", args=[school["school"].uuid])
    second = school["rooms"][1]
    response = school["client"].get(url, {"homeroom": str(second.uuid)})
    assert [group.homeroom for group in response.context["roster"].groups] == [second]
    # A class that is not one of the choices is ignored rather than trusted.
    response = school["client"].get(url, {"homeroom": "00000000-0000-0000-0000-000000000000", "q": "山田"})
    assert names(response) == {"山田 花子"}
    response = school["client"].get(url, {"grade": "J3"})
    assert response.context["roster"].total == 8
