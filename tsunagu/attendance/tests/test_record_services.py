"""Marks written outside the daily screen: a period of 出席停止 (infection app) and an early leave from
the nurse's room (health app). Who may, what is replaced, what is left alone and why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tsunagu.attendance import services
from tsunagu.attendance.models import AttendanceMark, Mark
from tsunagu.attendance.tests import builders
from tsunagu.attendance.tests.builders import World, add_pupil, closure, mark
from tsunagu.core.scope import system_scope

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 6, 10)


@pytest.fixture
def world() -> World:
    return builders.build_world()


def kinds(pupil: object) -> dict[dt.date, str]:
    with system_scope(reason="test reads marks"):
        return dict(AttendanceMark.objects.filter(student=pupil).values_list("date", "kind"))


def test_a_suspension_over_a_period_replaces_absences_and_keeps_other_marks(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    mark(pupil, world.homeroom, D(2026, 6, 8), Mark.ABSENT_ILLNESS)  # before the diagnosis: replaced
    mark(pupil, world.homeroom, D(2026, 6, 9), Mark.MOURNING, reason="祖母")  # kept
    days = [D(2026, 6, 8) + dt.timedelta(days=n) for n in range(7)]  # Mon 8 – Sun 14
    result = services.marks_write(
        actor=world.principal,
        student=pupil,
        days=days,
        kind=Mark.SUSPENDED_INFECTION,
        detail="インフルエンザ",
        today=TODAY,
    )
    # 8, 10 (today), 11, 12 (ahead: a suspension is ordered in advance); 9 has 忌引; 13, 14 weekend.
    assert result.written == [D(2026, 6, 8), D(2026, 6, 10), D(2026, 6, 11), D(2026, 6, 12)]
    assert set(result.skipped) == {D(2026, 6, 9), D(2026, 6, 13), D(2026, 6, 14)}
    assert "忌引" in result.skipped[D(2026, 6, 9)]
    assert result.skipped[D(2026, 6, 13)] == "授業日ではありません。"
    assert kinds(pupil)[D(2026, 6, 9)] == Mark.MOURNING
    with system_scope(reason="test reads marks"):
        written = AttendanceMark.objects.get(student=pupil, date=D(2026, 6, 11))
    assert (written.disease, written.recorded_by) == ("インフルエンザ", world.principal)


def test_closed_days_and_days_out_of_enrolment_are_skipped(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1, end=D(2026, 6, 4))
    closure(world.school, "homeroom", D(2026, 6, 2), D(2026, 6, 2), homeroom=world.homeroom)
    result = services.marks_write(
        actor=world.nurse,
        student=pupil,
        days=[D(2026, 6, 1), D(2026, 6, 2), D(2026, 6, 5)],
        kind=Mark.SUSPENDED_INFECTION,
        detail="麻しん",
        today=TODAY,
    )
    assert result.written == [D(2026, 6, 1)]
    assert "学級閉鎖" in result.skipped[D(2026, 6, 2)]
    assert result.skipped[D(2026, 6, 5)] == "在籍していない日です。"


def test_an_absence_is_not_written_ahead_of_today(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    result = services.marks_write(
        actor=world.teacher,
        student=pupil,
        days=[D(2026, 6, 10), D(2026, 6, 11)],
        kind=Mark.ABSENT_OTHER,
        detail="家事都合",
        today=TODAY,
    )
    assert result.written == [D(2026, 6, 10)] and result.skipped[D(2026, 6, 11)] == "先の日付です。"


def test_bad_input_and_other_classes_are_refused(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    with pytest.raises(ValidationError) as error:
        services.marks_write(
            actor=world.principal,
            student=pupil,
            days=[D(2026, 6, 10)],
            kind=Mark.SUSPENDED_INFECTION,
            today=TODAY,
        )
    assert "病名" in str(error.value)
    for actor in (world.other_teacher, world.outsider, world.office, world.guardian):
        with pytest.raises(PermissionDenied):
            services.marks_write(
                actor=actor, student=pupil, days=[D(2026, 6, 10)], kind=Mark.ABSENT_ILLNESS, today=TODAY
            )
    assert kinds(pupil) == {}


def test_the_nurse_records_an_early_leave_and_a_late_pupil_keeps_the_arrival(world: World) -> None:
    pupil, late = add_pupil(world.homeroom, roll=1), add_pupil(world.homeroom, roll=2)
    mark(late, world.homeroom, TODAY, Mark.LATE, arrived_at=dt.time(9, 0))
    first = services.early_leave_record(
        actor=world.nurse, student=pupil, left_at=dt.time(11, 20), reason="発熱", today=TODAY
    )
    assert (first.kind, first.left_at, first.reason) == (Mark.EARLY_LEAVE, dt.time(11, 20), "発熱")
    again = services.early_leave_record(
        actor=world.nurse, student=pupil, left_at=dt.time(11, 40), today=TODAY
    )
    assert again.pk == first.pk and again.left_at == dt.time(11, 40)
    both = services.early_leave_record(actor=world.nurse, student=late, left_at=dt.time(13, 0), today=TODAY)
    assert (both.kind, both.arrived_at, both.left_at) == (Mark.LATE, dt.time(9, 0), dt.time(13, 0))
    with pytest.raises(ValidationError):
        services.early_leave_record(actor=world.nurse, student=late, left_at=dt.time(8, 30), today=TODAY)


def test_an_early_leave_on_a_day_marked_absent_is_refused(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    mark(pupil, world.homeroom, TODAY, Mark.ABSENT_ILLNESS)
    with pytest.raises(ValidationError) as error:
        services.early_leave_record(actor=world.nurse, student=pupil, left_at=dt.time(11, 0), today=TODAY)
    assert "病欠" in str(error.value)
    with pytest.raises(PermissionDenied):
        services.early_leave_record(actor=world.office, student=pupil, left_at=dt.time(11, 0), today=TODAY)


def test_suspension_days_are_taken_back_and_other_marks_stay(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    services.marks_write(
        actor=world.nurse,
        student=pupil,
        days=[D(2026, 6, 8), D(2026, 6, 9)],
        kind=Mark.SUSPENDED_INFECTION,
        detail="インフルエンザ",
        today=TODAY,
    )
    mark(pupil, world.homeroom, D(2026, 6, 10), Mark.ABSENT_ILLNESS)
    cleared = services.marks_remove(
        actor=world.nurse,
        student=pupil,
        days=[D(2026, 6, 9), D(2026, 6, 10)],
        kind=Mark.SUSPENDED_INFECTION,
    )
    assert cleared == [D(2026, 6, 9)]
    assert kinds(pupil) == {D(2026, 6, 8): Mark.SUSPENDED_INFECTION, D(2026, 6, 10): Mark.ABSENT_ILLNESS}
    with pytest.raises(PermissionDenied):
        services.marks_remove(
            actor=world.office, student=pupil, days=[D(2026, 6, 8)], kind=Mark.SUSPENDED_INFECTION
        )
