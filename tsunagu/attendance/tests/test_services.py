"""Writing the register, closures and guardians' reports: rules, refusals in Japanese, atomicity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tsunagu.attendance import selectors, services
from tsunagu.attendance.models import (
    AbsenceReport,
    AttendanceCode,
    AttendanceMark,
    Mark,
    RegisterDay,
    ReportStatus,
)
from tsunagu.attendance.services import MarkEntry
from tsunagu.attendance.tests import builders
from tsunagu.attendance.tests.builders import World, add_pupil
from tsunagu.core.scope import system_scope

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 10)
TODAY = dt.date(2026, 6, 10)


@pytest.fixture
def world() -> World:
    return builders.build_world()


def save(
    world: World, entries: list[MarkEntry], day: dt.date = DAY, actor: Any = None
) -> services.RegisterSaved:
    return services.register_day_save(
        actor=actor or world.teacher, homeroom=world.homeroom, day=day, entries=entries, today=TODAY
    )


def marks_of(world: World) -> dict[int, str]:
    with system_scope(reason="test reads marks"):
        return dict(AttendanceMark.objects.filter(school=world.school).values_list("student_id", "kind"))


def test_saving_a_day_writes_only_what_differs_from_present(world: World) -> None:
    a, b, c = (add_pupil(world.homeroom, roll=n) for n in (1, 2, 3))
    result = save(
        world,
        [
            MarkEntry(a.pk, Mark.PRESENT),
            MarkEntry(b.pk, Mark.ABSENT_ILLNESS, detail="発熱"),
            MarkEntry(c.pk, Mark.LATE, time=dt.time(9, 10)),
        ],
    )
    assert result.marks_written == 2
    assert marks_of(world) == {b.pk: Mark.ABSENT_ILLNESS, c.pk: Mark.LATE}
    with system_scope(reason="test"):
        assert RegisterDay.objects.get(homeroom=world.homeroom, date=DAY).taken_by == world.teacher


def test_setting_a_pupil_back_to_present_removes_the_mark(world: World) -> None:
    a = add_pupil(world.homeroom, roll=1)
    save(world, [MarkEntry(a.pk, Mark.ABSENT_OTHER)])
    result = save(world, [MarkEntry(a.pk, Mark.PRESENT)])
    assert result.marks_removed == 1
    assert marks_of(world) == {}


def test_saving_the_same_day_twice_changes_nothing(world: World) -> None:
    a = add_pupil(world.homeroom, roll=1)
    save(world, [MarkEntry(a.pk, Mark.ABSENT_OTHER, detail="家事都合")])
    assert save(world, [MarkEntry(a.pk, Mark.ABSENT_OTHER, detail="家事都合")]).marks_written == 0


def test_details_go_to_their_fields(world: World) -> None:
    a, b, c = (add_pupil(world.homeroom, roll=n) for n in (1, 2, 3))
    save(
        world,
        [
            MarkEntry(a.pk, Mark.SUSPENDED_INFECTION, detail="インフルエンザ"),
            MarkEntry(b.pk, Mark.DEEMED_PRESENT, detail="教育支援センター"),
            MarkEntry(c.pk, Mark.LATE, time=dt.time(9, 0), left_at=dt.time(12, 0)),
        ],
    )
    with system_scope(reason="test"):
        found = {m.student_id: m for m in AttendanceMark.objects.filter(school=world.school)}
    assert found[a.pk].disease == "インフルエンザ"
    assert found[b.pk].place == "教育支援センター"
    assert (found[c.pk].arrived_at, found[c.pk].left_at) == (dt.time(9, 0), dt.time(12, 0))


@pytest.mark.parametrize(
    "entry_kwargs,message",
    [
        ({"kind": Mark.LATE}, "遅刻には登校した時刻"),
        ({"kind": Mark.EARLY_LEAVE}, "早退には下校した時刻"),
        ({"kind": Mark.SUSPENDED_INFECTION}, "病名"),
        ({"kind": Mark.DEEMED_PRESENT}, "学習した場所"),
        ({"kind": "nonsense"}, "出欠の種別が正しくありません"),
    ],
)
def test_incomplete_marks_are_refused_in_japanese_and_nothing_is_written(
    world: World, entry_kwargs: dict, message: str
) -> None:
    a, b = add_pupil(world.homeroom, roll=1), add_pupil(world.homeroom, roll=2)
    with pytest.raises(ValidationError) as caught:
        save(world, [MarkEntry(a.pk, Mark.ABSENT_ILLNESS), MarkEntry(b.pk, **entry_kwargs)])
    assert message in " ".join(caught.value.message_dict[str(b.pk)])
    assert marks_of(world) == {}


def test_a_pupil_of_another_class_is_refused(world: World) -> None:
    stranger = add_pupil(world.sibling_homeroom, roll=1)
    with pytest.raises(ValidationError) as caught:
        save(world, [MarkEntry(stranger.pk, Mark.ABSENT_ILLNESS)])
    assert "在籍していない" in str(caught.value)


def test_only_the_homeroom_teacher_takes_the_register(world: World) -> None:
    a = add_pupil(world.homeroom, roll=1)
    for actor in (world.other_teacher, world.principal, world.office, world.outsider, world.guardian):
        with pytest.raises(PermissionDenied):
            save(world, [MarkEntry(a.pk, Mark.ABSENT_ILLNESS)], actor=actor)


@pytest.mark.parametrize(
    "day,message",
    [(dt.date(2026, 6, 6), "授業日ではありません"), (dt.date(2026, 6, 11), "先の日付")],
)
def test_no_register_on_holidays_or_in_the_future(world: World, day: dt.date, message: str) -> None:
    a = add_pupil(world.homeroom, roll=1)
    with pytest.raises(ValidationError, match=message):
        save(world, [MarkEntry(a.pk, Mark.ABSENT_ILLNESS)], day=day)


def test_no_register_on_a_closed_day(world: World) -> None:
    builders.closure(world.school, "homeroom", DAY, DAY, homeroom=world.homeroom)
    a = add_pupil(world.homeroom, roll=1)
    with pytest.raises(ValidationError, match="学級閉鎖"):
        save(world, [MarkEntry(a.pk, Mark.ABSENT_ILLNESS)])


def test_a_board_may_switch_a_code_off(world: World) -> None:
    services.attendance_codes_seed(board=world.board)
    AttendanceCode.objects.filter(board=world.board, kind=Mark.DISASTER).update(is_active=False, symbol="サ")
    a = add_pupil(world.homeroom, roll=1)
    with pytest.raises(ValidationError, match="使われていません"):
        save(world, [MarkEntry(a.pk, Mark.DISASTER, detail="台風")])
    codes = {c.kind: c for c in selectors.attendance_codes(board=world.board)}
    assert codes[Mark.DISASTER].symbol == "サ"
    assert codes[Mark.ABSENT_ILLNESS].symbol == "病"


def test_seeding_the_code_list_is_idempotent(world: World) -> None:
    assert services.attendance_codes_seed(board=world.board) == 11
    assert services.attendance_codes_seed(board=world.board) == 0


# --- guardians' reports ------------------------------------------------------------------------


def report(world: World, **overrides: Any) -> AbsenceReport:
    kwargs: dict[str, Any] = {
        "actor": world.guardian,
        "student": world.child,
        "day": DAY,
        "kind": "absence",
        "reason": "illness",
        "symptoms": ["fever", "cough"],
        "temperature": Decimal("38.2"),
        "note": "朝から熱があります",
        "today": TODAY,
    }
    kwargs.update(overrides)
    return services.absence_report_create(**kwargs)


def test_a_guardian_report_becomes_a_pending_mark_the_teacher_confirms(world: World) -> None:
    sent = report(world)
    assert sent.homeroom == world.homeroom
    daily = selectors.daily_register_get(actor=world.teacher, homeroom=world.homeroom, day=DAY)
    row = next(r for r in daily.rows if r.student.pk == world.child.pk)
    assert (row.kind, row.pending, row.saved) == (Mark.ABSENT_ILLNESS, True, False)
    result = save(world, [MarkEntry(world.child.pk, row.kind, detail=row.detail)])
    assert result.reports_confirmed == 1
    with system_scope(reason="test"):
        sent.refresh_from_db()
    assert sent.status == ReportStatus.CONFIRMED and sent.confirmed_by == world.teacher
    assert marks_of(world) == {world.child.pk: Mark.ABSENT_ILLNESS}


def test_a_late_report_suggests_a_late_mark_with_the_time(world: World) -> None:
    report(world, kind="late", reason="hospital", time=dt.time(10, 30), symptoms=[], temperature=None)
    daily = selectors.daily_register_get(actor=world.teacher, homeroom=world.homeroom, day=DAY)
    row = next(r for r in daily.rows if r.student.pk == world.child.pk)
    assert (row.kind, row.time) == (Mark.LATE, dt.time(10, 30))


def test_a_new_report_for_the_same_day_withdraws_the_pending_one(world: World) -> None:
    first = report(world)
    report(world, reason="family", symptoms=[], temperature=None)
    with system_scope(reason="test"):
        first.refresh_from_db()
    assert first.status == ReportStatus.WITHDRAWN


def test_a_guardian_reports_only_for_own_children(world: World) -> None:
    other = add_pupil(world.homeroom, roll=5)
    with pytest.raises(PermissionDenied):
        report(world, student=other)
    with pytest.raises(PermissionDenied):
        report(world, actor=world.teacher)


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"day": dt.date(2026, 6, 9)}, "day"),
        ({"day": dt.date(2026, 7, 10)}, "day"),
        ({"temperature": Decimal("45.0")}, "temperature"),
        ({"kind": "late"}, "time"),
        ({"symptoms": ["bogus"]}, "symptoms"),
        ({"reason": "bogus"}, "reason"),
    ],
)
def test_bad_reports_are_refused_field_by_field(world: World, overrides: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        report(world, **overrides)
    assert field in caught.value.message_dict
    with system_scope(reason="test"):
        assert not AbsenceReport.objects.filter(school=world.school).exists()


def test_pupils_absent_without_a_report_are_listed(world: World) -> None:
    a = add_pupil(world.homeroom, roll=1)
    report(world)
    save(world, [MarkEntry(a.pk, Mark.ABSENT_OTHER), MarkEntry(world.child.pk, Mark.ABSENT_ILLNESS)])
    daily = selectors.daily_register_get(actor=world.teacher, homeroom=world.homeroom, day=DAY)
    assert [r.student.pk for r in daily.unreported_absences] == [a.pk]


# --- closures ----------------------------------------------------------------------------------


def test_the_principal_enters_a_class_closure_once_for_the_whole_class(world: World) -> None:
    closure = services.closure_create(
        actor=world.principal,
        school=world.school,
        scope="homeroom",
        homeroom=world.homeroom,
        start_date=dt.date(2026, 6, 15),
        end_date=dt.date(2026, 6, 17),
        reason="インフルエンザ",
    )
    assert closure.grade_level == world.grade
    status = selectors.day_status(homeroom=world.homeroom, day=dt.date(2026, 6, 16))
    assert status.closure == closure and not status.open


def test_closures_are_refused_to_others_and_checked(world: World) -> None:
    kwargs: dict[str, Any] = {
        "school": world.school,
        "scope": "grade",
        "start_date": dt.date(2026, 6, 15),
        "end_date": dt.date(2026, 6, 17),
        "reason": "感染症",
    }
    for actor in (world.teacher, world.office):
        with pytest.raises(PermissionDenied):
            services.closure_create(actor=actor, **kwargs)
    with pytest.raises(ValidationError) as caught:
        services.closure_create(actor=world.principal, **kwargs)
    assert "学年を選んで" in str(caught.value)
    with pytest.raises(ValidationError, match="最終日"):
        services.closure_create(
            actor=world.principal, **{**kwargs, "grade_level": world.grade, "end_date": dt.date(2026, 6, 1)}
        )
    services.closure_create(actor=world.principal, grade_level=world.grade, **kwargs)
    with pytest.raises(ValidationError, match="すでに"):
        services.closure_create(actor=world.principal, grade_level=world.grade, **kwargs)
