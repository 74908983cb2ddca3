"""The transfer, withdrawal and arrival pages, and who sees a pupil after a transfer inside the ward."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core import scopes
from tsunagu.core.scope import system_scope
from tsunagu.students.models import Enrolment, EnrolmentEvent, EventKind, Student
from tsunagu.students.tests import cast
from tsunagu.students.tests.cast import CastPlaces, ClientAs

pytestmark = pytest.mark.django_db

places = cast.places
as_user = cast.as_user


def transfer_url(pupil: Student) -> str:
    return reverse("students:student_transfer_out", args=[pupil.uuid])


def detail_url(pupil: Student) -> str:
    return reverse("students:student_detail", args=[pupil.uuid])


def current_of(student: Student) -> Enrolment:
    with system_scope(reason="test reads the enrolment"):
        return Enrolment.objects.select_related("school_year").get(student=student, end_date__isnull=True)


def principal_of(school: Any) -> str:
    """The username of a principal of ``school`` (only さくら小's is in the named cast), with a second
    factor set up as staff must have."""
    with system_scope(reason="test finds a principal"):
        today = timezone.localdate()
        grant = (
            RoleAssignment.objects.filter(
                role="principal",
                school=school,
                school_year__start_date__lte=today,
                school_year__end_date__gte=today,
            )
            .select_related("user")
            .order_by("id")
            .first()
        )
    assert grant is not None
    if not Authenticator.objects.filter(user=grant.user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(grant.user, generate_totp_secret())
    return grant.user.username


TRANSFER_PAGE = {
    "principal": 200,
    "office": 200,
    "nurse": 403,  # no right to change enrolments at all
    "teacher": 403,
    "subject_teacher": 403,
    "outsider": 403,
    "board": 403,
    "helpdesk": 403,
    "guardian": 403,
    "student": 403,
}


@pytest.mark.parametrize("username,status", TRANSFER_PAGE.items())
@pytest.mark.parametrize("page", ["students:student_transfer_out", "students:student_withdraw"])
def test_only_the_schools_principal_and_office_open_the_transfer_pages(
    as_user: ClientAs, places: CastPlaces, page: str, username: str, status: int
) -> None:
    assert as_user(username).get(reverse(page, args=[places.pupil.uuid])).status_code == status


def test_the_principal_of_another_school_gets_404(as_user: ClientAs, places: CastPlaces, ward: Any) -> None:
    kaede_principal = principal_of(ward.schools["kaede"])
    assert as_user(kaede_principal).get(transfer_url(places.pupil)).status_code == 404
    assert as_user("principal").get(transfer_url(places.other_school_pupil)).status_code == 404


def test_a_transfer_inside_the_ward_from_the_form(as_user: ClientAs, places: CastPlaces, ward: Any) -> None:
    """The receiving school sees the pupil from the transfer date; the old school keeps its own years."""
    pupil, kaede = places.pupil, ward.schools["kaede"]
    enrolment = current_of(pupil)
    today = timezone.localdate()
    accepted = today + dt.timedelta(days=1)
    if accepted > enrolment.school_year.end_date:
        pytest.skip("no day left in this school year for a transfer tomorrow")
    office = as_user("office")
    page = office.get(transfer_url(pupil))
    assert kaede in page.context["form"].fields["receiving_school"].queryset
    response = office.post(
        transfer_url(pupil),
        {"accepted_on": accepted.isoformat(), "receiving_school": kaede.pk, "reason": "転居"},
    )
    assert response.status_code == 302 and response["Location"] == detail_url(pupil)

    receiving = as_user(principal_of(kaede))
    # Before the transfer date the receiving school sees nothing of the pupil.
    assert receiving.get(detail_url(pupil)).status_code == 404
    # Until then the pupil is still at さくら小, whose staff see the whole record.
    html = office.get(detail_url(pupil)).content.decode()
    assert "転学" in html and kaede.name in html

    # From the transfer date (the policies' "today" moved forward):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(scopes, "policy_today", lambda: accepted)
        detail = receiving.get(detail_url(pupil))
        assert detail.status_code == 200
        shown = {e.school_id for e in detail.context["detail"].enrolments}
        assert {kaede.pk, places.school.pk} <= shown  # the receiving school gets the history too
        old = as_user("principal").get(detail_url(pupil))
        assert old.status_code == 200  # the old school keeps read access …
        assert {e.school_id for e in old.context["detail"].enrolments} == {places.school.pk}  # … to its years
        assert all(ev.enrolment.school_id == places.school.pk for ev in old.context["detail"].events)
        # … and may no longer change the pupil.
        assert as_user("office").get(transfer_url(pupil)).status_code == 404


def test_the_form_shows_the_services_errors_beside_the_fields(as_user: ClientAs, places: CastPlaces) -> None:
    enrolment = current_of(places.pupil)
    response = as_user("office").post(
        transfer_url(places.pupil),
        {"accepted_on": enrolment.start_date.isoformat(), "reason": "転居", "other_school_name": "x小学校"},
    )
    assert response.status_code == 200
    assert "在籍開始日" in str(response.context["form"].errors["accepted_on"])
    assert current_of(places.pupil).pk == enrolment.pk


def test_a_pupil_already_transferred_shows_a_notice_instead_of_the_form(
    as_user: ClientAs, places: CastPlaces
) -> None:
    enrolment = current_of(places.pupil)
    accepted = max(timezone.localdate(), enrolment.start_date + dt.timedelta(days=1)) + dt.timedelta(days=1)
    if accepted > enrolment.school_year.end_date:
        pytest.skip("no day left in this school year")
    office = as_user("office")
    office.post(
        transfer_url(places.pupil),
        {"accepted_on": accepted.isoformat(), "other_school_name": "x", "reason": "r"},
    )
    page = office.get(transfer_url(places.pupil))
    assert page.status_code == 200 and page.context["current"] is None
    assert "すでに記録されている" in page.content.decode()


def test_a_withdrawal_from_the_form(as_user: ClientAs, places: CastPlaces) -> None:
    enrolment = current_of(places.pupil)
    day = min(timezone.localdate(), enrolment.school_year.end_date)
    response = as_user("principal").post(
        reverse("students:student_withdraw", args=[places.pupil.uuid]),
        {"date": day.isoformat(), "reason": "1年以上居所不明"},
    )
    assert response.status_code == 302
    with system_scope(reason="test reads the event"):
        event = EnrolmentEvent.objects.get(enrolment=enrolment, kind=EventKind.WITHDRAWAL)
    assert event.reason == "1年以上居所不明" and event.date == day


def test_the_pupil_page_offers_the_transfer_only_to_principal_and_office(
    as_user: ClientAs, places: CastPlaces
) -> None:
    link = transfer_url(places.pupil)
    assert link in as_user("office").get(detail_url(places.pupil)).content.decode()
    assert link not in as_user("teacher").get(detail_url(places.pupil)).content.decode()


# --- 転入学・編入学 --------------------------------------------------------------------------------


def arrival_url(school: Any) -> str:
    return reverse("students:student_arrival", args=[school.uuid])


@pytest.mark.parametrize("username,status", {**TRANSFER_PAGE, "nurse": 403, "outsider": 403}.items())
def test_the_arrival_page_is_for_the_schools_principal_and_office(
    as_user: ClientAs, places: CastPlaces, username: str, status: int
) -> None:
    assert as_user(username).get(arrival_url(places.school)).status_code == status


def test_the_arrival_page_of_another_school_is_404(as_user: ClientAs, ward: Any) -> None:
    assert as_user("office").get(arrival_url(ward.schools["kaede"])).status_code == 404


def test_a_transfer_in_from_the_form(as_user: ClientAs, places: CastPlaces) -> None:
    day = min(timezone.localdate(), places.homeroom.school_year.end_date)
    office = as_user("office")
    form = office.get(arrival_url(places.school)).context["form"]
    assert set(form.fields["homeroom"].queryset) == {
        h for h in form.fields["homeroom"].queryset if h.school_id == places.school.pk
    }
    response = office.post(
        arrival_url(places.school),
        {
            "kind": "transfer_in",
            "date": day.isoformat(),
            "grade_level": places.homeroom.grade_level.pk,
            "homeroom": places.homeroom.pk,
            "family_name": "海野",
            "given_name": "ひかり",
            "family_name_kana": "ウミノ",  # katakana is stored as hiragana
            "given_name_kana": "ﾋｶﾘ",
            "sex": "F",
            "birth_date": dt.date(places.homeroom.school_year.year - 10, 6, 1).isoformat(),
            "previous_school_name": "みなと市立ひばり小学校",
            "reason": "保護者の転勤",
            "guardian_family_name": "海野",
            "guardian_given_name": "洋子",
            "guardian_family_name_kana": "うみの",
            "guardian_given_name_kana": "ようこ",
            "guardian_relationship": "mother",
        },
    )
    assert response.status_code == 302
    with system_scope(reason="test reads the new pupil"):
        pupil = Student.objects.get(family_name="海野", given_name="ひかり")
        assert (pupil.family_name_kana, pupil.given_name_kana) == ("うみの", "ひかり")
        event = EnrolmentEvent.objects.get(student=pupil)
    assert response["Location"] == detail_url(pupil)
    assert event.kind == EventKind.TRANSFER_IN and event.other_school_name == "みなと市立ひばり小学校"


def test_an_arrival_with_missing_facts_shows_japanese_errors(as_user: ClientAs, places: CastPlaces) -> None:
    response = as_user("office").post(arrival_url(places.school), {"kind": "transfer_in"})
    assert response.status_code == 200
    assert "このフィールドは必須です" in response.content.decode()


# --- 学級への配置 ------------------------------------------------------------------------------------


def test_the_receiving_school_places_a_transferred_pupil_in_a_class(
    as_user: ClientAs, places: CastPlaces, ward: Any
) -> None:
    pupil, kaede = places.pupil, ward.schools["kaede"]
    enrolment = current_of(pupil)
    today = timezone.localdate()
    if today <= enrolment.start_date:
        pytest.skip("the school year has only just begun")
    as_user("office").post(
        transfer_url(pupil),
        {"accepted_on": today.isoformat(), "receiving_school": kaede.pk, "reason": "転居"},
    )
    place_url = reverse("students:student_place", args=[pupil.uuid])
    assert as_user("office").get(place_url).status_code == 404  # さくら小 may no longer change the pupil
    receiving = as_user(principal_of(kaede))
    assert (
        reverse("students:student_place", args=[pupil.uuid])
        in receiving.get(detail_url(pupil)).content.decode()
    )
    form = receiving.get(place_url).context["form"]
    rooms = list(form.fields["homeroom"].queryset)
    assert rooms and all(r.school_id == kaede.pk for r in rooms)
    room = next(r for r in rooms if not r.is_special_needs)
    with system_scope(reason="test finds a used roll number"):
        used = (
            Enrolment.objects.filter(homeroom=room, end_date__isnull=True)
            .values_list("roll_number", flat=True)
            .first()
        )
    refused = receiving.post(place_url, {"homeroom": room.pk, "roll_number": used})
    assert "すでに使われています" in str(refused.context["form"].errors)
    done = receiving.post(place_url, {"homeroom": room.pk, "roll_number": 30})
    assert done.status_code == 302
    placed = current_of(pupil)
    assert placed.homeroom_id == room.pk and placed.roll_number == 30 and placed.school_id == kaede.pk
    assert "すでに" in receiving.get(place_url).content.decode()  # placed: no second placement


def test_the_old_class_teacher_never_learns_where_a_protected_pupil_went(
    as_user: ClientAs, places: CastPlaces, ward: Any
) -> None:
    """住所秘匿: after a transfer inside the ward, the old school's staff (the class teacher and the nurse
    included) see the pupil's years at their school, not the receiving school."""
    pupil, kaede = places.protected_pupil, ward.schools["kaede"]
    if pupil is None:
        pytest.skip("the demo ward has no protected pupil")
    enrolment = current_of(pupil)
    today = timezone.localdate()
    if today <= enrolment.start_date:
        pytest.skip("the school year has only just begun")
    response = as_user("office").post(
        transfer_url(pupil),
        {"accepted_on": today.isoformat(), "receiving_school": kaede.pk, "reason": "転居"},
    )
    assert response.status_code == 302
    for username in ("teacher", "nurse"):
        page = as_user(username).get(detail_url(pupil))
        assert page.status_code == 200
        assert kaede.name not in page.content.decode(), username
        assert {e.school_id for e in page.context["detail"].enrolments} == {places.school.pk}
    # The principal and office recorded the transfer and keep seeing where the pupil went.
    assert kaede.name in as_user("principal").get(detail_url(pupil)).content.decode()
