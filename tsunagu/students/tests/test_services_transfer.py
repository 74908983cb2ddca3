"""転学・退学・転入学・編入学 through the services: history kept, dates checked, messages in Japanese."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.core.scope import system_scope
from tsunagu.org.models import GradeLevel, Homeroom
from tsunagu.students import services
from tsunagu.students.models import Enrolment, EnrolmentEvent, EventKind, Student
from tsunagu.students.tests import cast
from tsunagu.students.tests.cast import CastPlaces

pytestmark = pytest.mark.django_db

places = cast.places


def user(username: str) -> User:
    return User.objects.get(username=username)


def messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def enrolments_of(student: Student) -> list[Enrolment]:
    with system_scope(reason="test reads the history"):
        return list(
            Enrolment.objects.filter(student=student).select_related("school").order_by("start_date", "id")
        )


def events_of(student: Student) -> list[EnrolmentEvent]:
    with system_scope(reason="test reads the history"):
        return list(EnrolmentEvent.objects.filter(student=student).order_by("date", "id"))


def current_of(student: Student) -> Enrolment:
    with system_scope(reason="test reads the enrolment"):
        return Enrolment.objects.select_related("school_year", "grade_level").get(
            student=student, end_date__isnull=True
        )


def a_day_in_the_year(enrolment: Enrolment, days_after_start: int = 20) -> dt.date:
    return min(enrolment.start_date + dt.timedelta(days=days_after_start), enrolment.school_year.end_date)


# --- 転学 ----------------------------------------------------------------------------------------


def test_a_transfer_out_of_the_ward_closes_the_enrolment_the_day_before_acceptance(
    places: CastPlaces,
) -> None:
    before = current_of(places.pupil)
    accepted = a_day_in_the_year(before)
    event = services.enrolment_transfer_out(
        actor=user("office"),
        student=places.pupil,
        accepted_on=accepted,
        left_on=accepted - dt.timedelta(days=3),
        other_school_name="みなと市立うみべ小学校",
        other_school_address="みなと市うみべ1-2-3",
        reason="転居のため",
    )
    assert event.kind == EventKind.TRANSFER_OUT
    assert event.date == accepted - dt.timedelta(days=1)  # the 指導要録 date
    assert event.left_on == accepted - dt.timedelta(days=3)
    history = enrolments_of(places.pupil)
    closed = next(e for e in history if e.pk == before.pk)
    assert closed.end_date == accepted - dt.timedelta(days=1)
    assert closed.homeroom_id == before.homeroom_id and closed.roll_number == before.roll_number
    assert all(e.end_date is not None for e in history)  # nothing opened outside the ward
    assert events_of(places.pupil)[-1] == event


def test_a_transfer_inside_the_ward_opens_an_enrolment_at_the_receiving_school(
    places: CastPlaces, ward: Any
) -> None:
    before = current_of(places.pupil)
    kaede = ward.schools["kaede"]
    accepted = a_day_in_the_year(before)
    services.enrolment_transfer_out(
        actor=user("principal"),
        student=places.pupil,
        accepted_on=accepted,
        receiving_school=kaede,
        reason="転居",
    )
    new = current_of(places.pupil)
    assert new.school == kaede and new.start_date == accepted
    assert new.grade_level == before.grade_level and new.homeroom is None
    out, arrival = events_of(places.pupil)[-2:]
    assert out.kind == EventKind.TRANSFER_OUT and out.other_school_name == kaede.name
    assert arrival.kind == EventKind.TRANSFER_IN and arrival.enrolment_id == new.pk
    assert arrival.other_school_name == places.school.name and arrival.date == accepted
    assert len(enrolments_of(places.pupil)) == len(
        [e for e in enrolments_of(places.pupil)]
    )  # nothing deleted


@pytest.mark.parametrize(
    "change,field,text",
    [
        ({"accepted_on": "start"}, "accepted_on", "在籍開始日"),
        ({"accepted_on": "next year"}, "accepted_on", "年度"),
        ({"left_on": "after"}, "left_on", "受入日の前日"),
        ({"reason": ""}, "reason", "理由"),
        ({"other_school_name": ""}, "other_school_name", "転学先"),
    ],
)
def test_a_transfer_with_bad_dates_or_missing_facts_is_refused_in_japanese(
    places: CastPlaces, change: dict[str, str], field: str, text: str
) -> None:
    enrolment = current_of(places.pupil)
    accepted = a_day_in_the_year(enrolment)
    kwargs: dict[str, Any] = {
        "accepted_on": accepted,
        "left_on": None,
        "other_school_name": "みなと市立うみべ小学校",
        "reason": "転居",
    }
    if change.get("accepted_on") == "start":
        kwargs["accepted_on"] = enrolment.start_date  # the day before would be before the enrolment
    elif change.get("accepted_on") == "next year":
        kwargs["accepted_on"] = enrolment.school_year.end_date + dt.timedelta(days=2)
    elif change.get("left_on") == "after":
        kwargs["left_on"] = accepted
    else:
        kwargs.update(change)
    with pytest.raises(ValidationError) as caught:
        services.enrolment_transfer_out(actor=user("office"), student=places.pupil, **kwargs)
    assert field in caught.value.message_dict
    assert text in messages(caught.value)
    assert current_of(places.pupil).pk == enrolment.pk  # nothing written


def test_a_pupil_cannot_transfer_to_their_own_school_or_to_a_school_without_their_grade(
    places: CastPlaces, ward: Any
) -> None:
    enrolment = current_of(places.pupil)
    for school in (places.school, ward.schools["midori"]):
        with pytest.raises(ValidationError) as caught:
            services.enrolment_transfer_out(
                actor=user("office"),
                student=places.pupil,
                accepted_on=a_day_in_the_year(enrolment),
                receiving_school=school,
                reason="転居",
            )
        assert "receiving_school" in caught.value.message_dict
    assert current_of(places.pupil).pk == enrolment.pk


def test_a_second_transfer_of_the_same_pupil_is_refused(places: CastPlaces) -> None:
    enrolment = current_of(places.pupil)
    kwargs: dict[str, Any] = {
        "accepted_on": a_day_in_the_year(enrolment),
        "other_school_name": "みなと市立うみべ小学校",
        "reason": "転居",
    }
    services.enrolment_transfer_out(actor=user("office"), student=places.pupil, **kwargs)
    with pytest.raises(ValidationError) as caught:
        services.enrolment_transfer_out(actor=user("office"), student=places.pupil, **kwargs)
    assert "在籍中の学籍がありません" in messages(caught.value)


def test_staff_of_another_school_cannot_transfer_the_pupil(places: CastPlaces) -> None:
    # The outsider teaches at かえで小 and has no right to change enrolments anywhere.
    with pytest.raises(ValidationError):
        services.enrolment_transfer_out(
            actor=user("outsider"),
            student=places.pupil,
            accepted_on=timezone.localdate(),
            other_school_name="x",
            reason="転居",
        )


# --- 退学 ----------------------------------------------------------------------------------------


def test_a_withdrawal_ends_the_enrolment_on_the_approved_date(places: CastPlaces) -> None:
    enrolment = current_of(places.pupil)
    day = a_day_in_the_year(enrolment)
    event = services.enrolment_withdraw(
        actor=user("principal"), student=places.pupil, date=day, reason="海外の学校へ入学のため"
    )
    assert event.kind == EventKind.WITHDRAWAL and event.date == day
    assert next(e for e in enrolments_of(places.pupil) if e.pk == enrolment.pk).end_date == day


def test_a_withdrawal_needs_a_reason_and_a_date_inside_the_enrolment(places: CastPlaces) -> None:
    enrolment = current_of(places.pupil)
    with pytest.raises(ValidationError) as caught:
        services.enrolment_withdraw(
            actor=user("office"),
            student=places.pupil,
            date=enrolment.start_date - dt.timedelta(days=1),
            reason=" ",
        )
    assert set(caught.value.message_dict) == {"date", "reason"}
    assert "退学の理由" in messages(caught.value)


# --- 転入学 / 編入学 ------------------------------------------------------------------------------


PUPIL = services.PupilData(
    family_name="海野",
    given_name="ひかり",
    family_name_kana="うみの",
    given_name_kana="ひかり",
    sex="F",
    birth_date=dt.date(2016, 9, 1),
    postal_code="100-0001",
    address="東京都すずかけ区みなみ1-1",
)
GUARDIAN = services.GuardianData(
    family_name="海野",
    given_name="洋子",
    family_name_kana="うみの",
    given_name_kana="ようこ",
    phone="090-0000-1111",
)


def arrival(places: CastPlaces, **overrides: Any) -> Enrolment:
    kwargs: dict[str, Any] = {
        "actor": user("office"),
        "school": places.school,
        "kind": EventKind.TRANSFER_IN,
        "date": places.homeroom.school_year.start_date + dt.timedelta(days=30),
        "grade_level": places.homeroom.grade_level,
        "homeroom": places.homeroom,
        "pupil": PUPIL,
        "guardian": GUARDIAN,
        "previous_school_name": "みなと市立ひばり小学校",
        "previous_school_address": "みなと市ひばり2-2",
        "reason": "保護者の転勤",
    }
    kwargs.update(overrides)
    return services.student_arrival_record(**kwargs)


def test_a_transfer_in_creates_the_pupil_enrolment_event_and_guardian(places: CastPlaces) -> None:
    enrolment = arrival(places)
    pupil = enrolment.student
    assert enrolment.school == places.school and enrolment.homeroom == places.homeroom
    (event,) = events_of(pupil)
    assert event.kind == EventKind.TRANSFER_IN and event.other_school_name == "みなと市立ひばり小学校"
    assert event.reason == "保護者の転勤" and event.recorded_by == user("office")
    with system_scope(reason="test reads the guardian"):
        link = pupil.guardian_links.get()
    assert link.guardian.full_name == "海野 洋子" and link.is_primary_contact
    assert pupil.search_key  # computed by save()


def test_an_admission_needs_a_reason_but_no_previous_school(places: CastPlaces) -> None:
    enrolment = arrival(
        places, kind=EventKind.ADMISSION, previous_school_name="", reason="海外からの帰国", guardian=None
    )
    assert events_of(enrolment.student)[0].kind == EventKind.ADMISSION


def test_a_transfer_in_is_refused_with_reasons_by_field(places: CastPlaces) -> None:
    with system_scope(reason="test picks a grade"):
        j1 = GradeLevel.objects.get(code="J1")
        other_year_room = (
            Homeroom.objects.filter(school=places.school)
            .exclude(school_year=places.homeroom.school_year)
            .first()
        )
    with pytest.raises(ValidationError) as caught:
        arrival(places, grade_level=j1, previous_school_name="", reason="", homeroom=other_year_room)
    assert {"grade_level", "previous_school_name", "reason", "homeroom"} <= set(caught.value.message_dict)
    assert "前に在籍していた学校名" in messages(caught.value)


def test_the_same_pupil_cannot_arrive_twice(places: CastPlaces) -> None:
    arrival(places)
    with pytest.raises(ValidationError) as caught:
        arrival(places, homeroom=None)
    assert "同じ氏名・生年月日" in messages(caught.value)


def test_only_the_schools_principal_and_office_record_arrivals(places: CastPlaces, ward: Any) -> None:
    with pytest.raises(PermissionDenied):
        arrival(places, actor=user("teacher"))
    with pytest.raises(PermissionDenied):
        arrival(places, school=ward.schools["kaede"], homeroom=None)
