"""氏名変更 and 転級 / 出席番号の変更 during the year: through the services and their pages, history kept,
refusals in Japanese with nothing written, and the register on each side of a change of class."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.attendance.selectors import daily_register_get, homeroom_enrolments_on
from tsunagu.core.scope import system_scope
from tsunagu.org.models import Homeroom
from tsunagu.students import services
from tsunagu.students.models import Enrolment, Student
from tsunagu.students.tests import cast
from tsunagu.students.tests.cast import CastPlaces, ClientAs

pytestmark = pytest.mark.django_db

places = cast.places
as_user = cast.as_user


def user(username: str) -> User:
    return User.objects.get(username=username)


def messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def current_of(student: Student) -> Enrolment:
    with system_scope(reason="test reads the enrolment"):
        return Enrolment.objects.select_related("school_year", "homeroom").get(
            student=student, end_date__isnull=True
        )


def enrolments_of(student: Student) -> list[Enrolment]:
    with system_scope(reason="test reads the history"):
        return list(Enrolment.objects.filter(student=student).order_by("start_date", "id"))


def sibling_class(homeroom: Homeroom, *, special: bool = False) -> Homeroom:
    """Another class of the same school, grade and year (a 特別支援学級 with ``special``), made if the
    demo ward has none."""
    with system_scope(reason="test finds a second class"):
        found = (
            Homeroom.objects.filter(
                school=homeroom.school_id, school_year=homeroom.school_year_id, is_special_needs=special
            )
            .filter(**({} if special else {"grade_level": homeroom.grade_level_id}))
            .exclude(pk=homeroom.pk)
            .order_by("order")
            .first()
        )
        if found is None:
            found = Homeroom.objects.create(
                school_id=homeroom.school_id,
                school_year_id=homeroom.school_year_id,
                grade_level_id=homeroom.grade_level_id,
                name="なかよし学級" if special else "9組",
                order=9,
                is_special_needs=special,
            )
        return found


def free_number(homeroom: Homeroom) -> int:
    with system_scope(reason="test finds a free roll number"):
        used = set(
            Enrolment.objects.filter(homeroom=homeroom, end_date__isnull=True).values_list(
                "roll_number", flat=True
            )
        )
    return next(n for n in range(1, 100) if n not in used)


def change_day(enrolment: Enrolment) -> dt.date:
    """A past day inside the running enrolment (not its first), for a change of class."""
    day = timezone.localdate() - dt.timedelta(days=7)
    if day <= enrolment.start_date:
        pytest.skip("the running enrolment is too new for a change a week ago")
    return day


# --- 転級 -----------------------------------------------------------------------------------------


def test_a_change_of_class_ends_the_enrolment_the_day_before_and_opens_one_in_the_new_class(
    places: CastPlaces,
) -> None:
    before = current_of(places.pupil)
    target = sibling_class(places.homeroom)
    number = free_number(target)
    day = change_day(before)
    opened = services.enrolment_homeroom_change(
        actor=user("office"),
        enrolment_or_student=places.pupil,
        homeroom=target,
        number=number,
        on_date=day,
        reason="学級編制の見直し",
    )
    history = enrolments_of(places.pupil)
    closed = next(e for e in history if e.pk == before.pk)
    assert closed.end_date == day - dt.timedelta(days=1)
    assert (closed.homeroom_id, closed.roll_number) == (before.homeroom_id, before.roll_number)  # kept
    assert opened.end_date is None and opened.start_date == day
    assert (opened.homeroom_id, opened.roll_number) == (target.pk, number)
    assert (opened.school_id, opened.school_year_id, opened.grade_level_id) == (
        before.school_id,
        before.school_year_id,
        before.grade_level_id,
    )
    with system_scope(reason="test reads the change history"):
        assert opened.history.first().history_change_reason == "学級編制の見直し"
        assert opened.history.first().history_user == user("office")


def test_the_register_lists_the_pupil_in_the_old_class_until_the_change_and_in_the_new_class_from_it(
    places: CastPlaces,
) -> None:
    """出席簿: the daily register selects a class's pupils by the enrolment's dates."""
    before = current_of(places.pupil)
    old, new = places.homeroom, sibling_class(places.homeroom)
    day = change_day(before)
    services.enrolment_homeroom_change(
        actor=user("office"),
        enrolment_or_student=places.pupil,
        homeroom=new,
        number=free_number(new),
        on_date=day,
        reason="転級",
    )
    principal = user("principal")

    def listed(homeroom: Homeroom, on: dt.date) -> bool:
        return places.pupil.pk in {
            e.student_id for e in homeroom_enrolments_on(actor=principal, homeroom=homeroom, day=on)
        }

    eve = day - dt.timedelta(days=1)
    assert listed(old, eve) and not listed(new, eve)
    assert listed(new, day) and not listed(old, day)
    assert listed(new, timezone.localdate()) and not listed(old, timezone.localdate())
    # The register page's own read (the teacher of the old class) agrees.
    teacher = user("teacher")
    register_eve = daily_register_get(actor=teacher, homeroom=old, day=eve)
    register_day = daily_register_get(actor=teacher, homeroom=old, day=day)
    assert places.pupil.pk in {row.student.pk for row in register_eve.rows}
    assert places.pupil.pk not in {row.student.pk for row in register_day.rows}


def test_moving_into_a_special_needs_class_keeps_the_old_class_as_the_exchange_class(
    places: CastPlaces,
) -> None:
    before = current_of(places.pupil)
    special = sibling_class(places.homeroom, special=True)
    opened = services.enrolment_homeroom_change(
        actor=user("office"),
        enrolment_or_student=places.pupil,
        homeroom=special,
        number=None,
        on_date=change_day(before),
        reason="特別支援学級への転級（就学支援委員会の判断）",
    )
    assert opened.homeroom_id == special.pk
    assert opened.roll_number is None  # the number belongs to the 交流学級
    assert opened.exchange_homeroom_id == before.homeroom_id


def test_a_new_roll_number_in_the_same_class_keeps_the_old_number_in_the_history(places: CastPlaces) -> None:
    before = current_of(places.pupil)
    number = free_number(places.homeroom)
    opened = services.enrolment_homeroom_change(
        actor=user("principal"),
        enrolment_or_student=before,
        homeroom=places.homeroom,
        number=number,
        on_date=change_day(before),
        reason="出席番号の振り直し",
    )
    assert opened.pk != before.pk and opened.roll_number == number
    assert next(e for e in enrolments_of(places.pupil) if e.pk == before.pk).roll_number == before.roll_number


def _refused(places: CastPlaces, **overrides: Any) -> str:
    before = current_of(places.pupil)
    target = sibling_class(places.homeroom)
    arguments: dict[str, Any] = {
        "actor": user("office"),
        "enrolment_or_student": places.pupil,
        "homeroom": target,
        "number": free_number(target),
        "on_date": change_day(before),
        "reason": "転級",
    } | overrides
    with pytest.raises(ValidationError) as caught:
        services.enrolment_homeroom_change(**arguments)
    after = current_of(places.pupil)
    assert (after.pk, after.homeroom_id, after.roll_number, after.end_date) == (
        before.pk,
        before.homeroom_id,
        before.roll_number,
        None,
    )
    return messages(caught.value)


def test_a_class_of_another_school_is_refused(places: CastPlaces) -> None:
    assert "この学校" in _refused(places, homeroom=places.outsider_homeroom, number=1)


def test_a_class_of_another_school_year_is_refused(places: CastPlaces, ward: Any) -> None:
    with system_scope(reason="test finds last year's class"):
        last_year = Homeroom.objects.filter(school=places.school, school_year=ward.previous_year).first()
    if last_year is None:
        pytest.skip("the demo ward has no class last year")
    assert "この学校" in _refused(places, homeroom=last_year, number=1)


def test_a_roll_number_another_pupil_holds_is_refused(places: CastPlaces) -> None:
    target = sibling_class(places.homeroom)
    with system_scope(reason="test finds a taken number"):
        taken = (
            Enrolment.objects.filter(homeroom=target, end_date__isnull=True)
            .exclude(roll_number=None)
            .values_list("roll_number", flat=True)
            .first()
        )
    if taken is None:
        pytest.skip("the second class has no pupil with a number")
    assert "すでに使われて" in _refused(places, homeroom=target, number=taken)


def test_a_date_outside_the_school_year_or_in_the_future_is_refused(places: CastPlaces) -> None:
    year = current_of(places.pupil).school_year
    assert "年度" in _refused(places, on_date=year.start_date - dt.timedelta(days=1))
    assert "年度" in _refused(places, on_date=year.end_date + dt.timedelta(days=1))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert _refused(places, on_date=tomorrow)


def test_no_reason_or_no_change_is_refused(places: CastPlaces) -> None:
    before = current_of(places.pupil)
    assert "事由" in _refused(places, reason=" ")
    assert _refused(places, homeroom=places.homeroom, number=before.roll_number)


def test_the_office_of_another_school_may_not_change_the_class(places: CastPlaces, ward: Any) -> None:
    with pytest.raises((PermissionDenied, ValidationError)):
        services.enrolment_homeroom_change(
            actor=user("office"),
            enrolment_or_student=places.other_school_pupil,
            homeroom=places.outsider_homeroom,
            number=free_number(places.outsider_homeroom),
            on_date=timezone.localdate(),
            reason="転級",
        )


# --- 氏名変更 -------------------------------------------------------------------------------------


def test_a_change_of_name_keeps_the_old_name_and_the_reason_in_the_history(places: CastPlaces) -> None:
    pupil = places.pupil
    old_family = pupil.family_name
    updated = services.student_update(
        actor=user("office"),
        student=pupil,
        changes={"family_name": "改姓", "family_name_kana": "ｶｲｾｲ"},
        reason="保護者の氏の変更のため",
    )
    assert (updated.family_name, updated.family_name_kana) == ("改姓", "かいせい")  # stored in hiragana
    with system_scope(reason="test reads the change history"):
        fresh = Student.objects.get(pk=pupil.pk)
        newest, previous = list(fresh.history.order_by("-history_id")[:2])
    assert "かいせい" in fresh.search_key
    assert newest.history_change_reason == "保護者の氏の変更のため"
    assert newest.history_user == user("office")
    assert previous.family_name == old_family


def test_a_reading_that_is_not_kana_is_refused_and_nothing_is_written(places: CastPlaces) -> None:
    before = places.pupil.family_name_kana
    with pytest.raises(ValidationError) as caught:
        services.student_update(
            actor=user("office"),
            student=places.pupil,
            changes={"family_name": "改姓", "family_name_kana": "改姓"},
            reason="改姓",
        )
    assert "ひらがな" in messages(caught.value)
    with system_scope(reason="test reads the pupil"):
        fresh = Student.objects.get(pk=places.pupil.pk)
    assert fresh.family_name_kana == before and fresh.family_name != "改姓"


def test_an_unchanged_name_or_a_missing_reason_is_refused(places: CastPlaces) -> None:
    pupil = places.pupil
    with pytest.raises(ValidationError):
        services.student_update(
            actor=user("office"), student=pupil, changes={"given_name": pupil.given_name}, reason="訂正"
        )
    with pytest.raises(ValidationError) as caught:
        services.student_update(
            actor=user("office"), student=pupil, changes={"given_name": "新名"}, reason=""
        )
    assert "事由" in messages(caught.value)


def test_only_the_pupils_school_may_change_the_name(places: CastPlaces) -> None:
    for username, pupil in (("office", places.other_school_pupil), ("teacher", places.pupil)):
        with pytest.raises(PermissionDenied):
            services.student_update(
                actor=user(username), student=pupil, changes={"given_name": "新名"}, reason="訂正"
            )


# --- the pages --------------------------------------------------------------------------------------


def test_the_office_changes_the_name_from_the_pupils_page(as_user: ClientAs, places: CastPlaces) -> None:
    office = as_user("office")
    detail = reverse("students:student_detail", args=[places.pupil.uuid])
    url = reverse("students:student_rename", args=[places.pupil.uuid])
    assert url in office.get(detail).content.decode()
    page = office.get(url)
    assert page.status_code == 200 and page.context["form"].initial["given_name"] == places.pupil.given_name
    response = office.post(
        url,
        {
            "family_name": "改姓",
            "given_name": places.pupil.given_name,
            "family_name_kana": "かいせい",
            "given_name_kana": places.pupil.given_name_kana,
            "reason": "保護者の氏の変更",
        },
    )
    assert response.status_code == 302 and response["Location"] == detail
    with system_scope(reason="test reads the pupil"):
        assert Student.objects.get(pk=places.pupil.pk).family_name == "改姓"
    bad = office.post(
        url,
        {
            "family_name": "改姓",
            "given_name": "名",
            "family_name_kana": "ABC",
            "given_name_kana": "な",
            "reason": "x",
        },
    )
    assert bad.status_code == 200 and "ひらがな" in str(bad.context["form"].errors["family_name_kana"])


def test_the_office_changes_the_class_from_the_pupils_page(as_user: ClientAs, places: CastPlaces) -> None:
    office = as_user("office")
    url = reverse("students:student_change_class", args=[places.pupil.uuid])
    before = current_of(places.pupil)
    target = sibling_class(places.homeroom)
    page = office.get(url)
    assert page.status_code == 200 and target in page.context["form"].fields["homeroom"].queryset
    day = change_day(before)
    response = office.post(
        url,
        {"homeroom": target.pk, "number": free_number(target), "on_date": day.isoformat(), "reason": "転級"},
    )
    assert response.status_code == 302
    assert current_of(places.pupil).homeroom_id == target.pk
    # A number another pupil holds: shown beside the field, nothing written.
    with system_scope(reason="test finds a taken number"):
        taken = (
            Enrolment.objects.filter(homeroom=places.homeroom, end_date__isnull=True)
            .exclude(roll_number=None)
            .values_list("roll_number", flat=True)
            .first()
        )
    if taken is not None:
        again = office.post(
            url,
            {
                "homeroom": places.homeroom.pk,
                "number": taken,
                "on_date": timezone.localdate().isoformat(),
                "reason": "戻す",
            },
        )
        assert again.status_code == 200 and "すでに使われて" in str(again.context["form"].errors["number"])
        assert current_of(places.pupil).homeroom_id == target.pk
