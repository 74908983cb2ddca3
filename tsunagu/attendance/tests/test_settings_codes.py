"""The school's settings (reporting deadline, per-period marks), the board's code list and the PDF book."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.testing import force_login
from tsunagu.attendance import selectors, services
from tsunagu.attendance.models import AbsenceReport, AttendanceCode, Mark, PeriodKind, PeriodMark, ReportKind
from tsunagu.attendance.pdfs import register_month_data
from tsunagu.attendance.services import CodeInput, MarkEntry
from tsunagu.attendance.tests import builders
from tsunagu.attendance.tests.builders import World, add_pupil, board_user, mark
from tsunagu.core.scope import system_scope

pytestmark = pytest.mark.django_db

D = dt.date
DAY = D(2026, 6, 10)
TOKYO = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture
def world() -> World:
    return builders.build_world()


# --- the guardians' reporting deadline ------------------------------------------------------------


def report(world: World, at: dt.datetime, kind: str = ReportKind.ABSENCE) -> AbsenceReport:
    return services.absence_report_create(
        actor=world.guardian,
        student=world.child,
        day=at.date(),
        kind=kind,
        reason="illness",
        temperature=Decimal("38.0"),
        time=dt.time(10, 0) if kind != ReportKind.ABSENCE else None,
        today=at.date(),
        now=at,
    )


def test_a_report_after_the_deadline_is_accepted_and_flagged(world: World) -> None:
    services.attendance_settings_save(
        actor=world.principal,
        school=world.school,
        report_deadline=dt.time(8, 15),
        period_marks=False,
        periods_per_day=6,
    )
    early = report(world, dt.datetime(2026, 6, 10, 8, 0, tzinfo=TOKYO))
    late = report(world, dt.datetime(2026, 6, 10, 8, 40, tzinfo=TOKYO))
    leave = report(world, dt.datetime(2026, 6, 10, 11, 0, tzinfo=TOKYO), kind=ReportKind.EARLY_LEAVE)
    assert (early.after_deadline, late.after_deadline, leave.after_deadline) == (False, True, False)


def test_absences_without_a_report_are_listed_only_after_the_deadline(world: World) -> None:
    quiet, reported = add_pupil(world.homeroom, roll=1), add_pupil(world.homeroom, roll=2)
    mark(quiet, world.homeroom, DAY, Mark.ABSENT_OTHER)
    mark(world.child, world.homeroom, DAY, Mark.ABSENT_ILLNESS)
    mark(reported, world.homeroom, DAY, Mark.LATE, arrived_at=dt.time(9, 0))
    report(world, dt.datetime(2026, 6, 10, 7, 50, tzinfo=TOKYO))
    before = dt.datetime(2026, 6, 10, 8, 10, tzinfo=TOKYO)
    after = dt.datetime(2026, 6, 10, 8, 30, tzinfo=TOKYO)
    assert selectors.unreported_absences(actor=world.principal, school=world.school, now=before) is None
    listed = selectors.unreported_absences(actor=world.principal, school=world.school, now=after)
    assert [u.student for u in listed or []] == [quiet]
    assert selectors.unreported_absences(actor=world.office, school=world.school, now=after) is None
    daily = selectors.daily_register_get(actor=world.teacher, homeroom=world.homeroom, day=DAY, now=after)
    assert daily.deadline_passed and [r.student for r in daily.unreported_absences] == [quiet]
    assert not selectors.daily_register_get(
        actor=world.teacher, homeroom=world.homeroom, day=DAY, now=before
    ).deadline_passed


def test_only_the_principal_changes_the_settings_and_bad_values_are_refused(world: World) -> None:
    for actor in (world.teacher, world.office, world.outsider):
        with pytest.raises(PermissionDenied):
            services.attendance_settings_save(
                actor=actor,
                school=world.school,
                report_deadline=dt.time(8),
                period_marks=True,
                periods_per_day=6,
            )
    with pytest.raises(ValidationError) as error:
        services.attendance_settings_save(
            actor=world.principal,
            school=world.school,
            report_deadline=dt.time(15, 0),
            period_marks=True,
            periods_per_day=9,
        )
    assert set(error.value.message_dict) == {"report_deadline", "periods_per_day"}
    page = force_login(Client(), world.principal).post(
        reverse("attendance:school_settings", args=[world.school.uuid]),
        {"report_deadline": "08:30", "period_marks": "on", "periods_per_day": "6"},
    )
    assert page.status_code == 302
    saved = selectors.attendance_settings_get(school=world.school)
    assert (saved.report_deadline, saved.period_marks, saved.periods_per_day) == (dt.time(8, 30), True, 6)


# --- per-period marks (junior high) ---------------------------------------------------------------


def test_per_period_marks_are_saved_with_the_day_and_totalled_in_the_month(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    entries = [MarkEntry(pupil.pk, Mark.LATE, time=dt.time(9, 40))]
    with pytest.raises(ValidationError):  # the school does not record periods yet
        services.register_day_save(
            actor=world.teacher,
            homeroom=world.homeroom,
            day=DAY,
            entries=entries,
            today=DAY,
            periods={pupil.pk: {1: PeriodKind.ABSENT}},
        )
    services.attendance_settings_save(
        actor=world.principal,
        school=world.school,
        report_deadline=dt.time(8, 15),
        period_marks=True,
        periods_per_day=6,
    )
    with pytest.raises(ValidationError):  # there is no 7th period
        services.register_day_save(
            actor=world.teacher,
            homeroom=world.homeroom,
            day=DAY,
            entries=entries,
            today=DAY,
            periods={pupil.pk: {7: PeriodKind.ABSENT}},
        )
    choices: list[dict[int, str]] = [
        {1: PeriodKind.ABSENT, 2: PeriodKind.LATE},
        {1: PeriodKind.ABSENT, 2: PeriodKind.ABSENT},
    ]
    for periods in choices:
        services.register_day_save(
            actor=world.teacher,
            homeroom=world.homeroom,
            day=DAY,
            entries=entries,
            today=DAY,
            periods={pupil.pk: periods},
        )
    with system_scope(reason="test reads period marks"):
        assert dict(PeriodMark.objects.filter(student=pupil).values_list("period", "kind")) == {
            1: PeriodKind.ABSENT,
            2: PeriodKind.ABSENT,
        }
    services.register_day_save(
        actor=world.teacher,
        homeroom=world.homeroom,
        day=D(2026, 6, 11),
        entries=[MarkEntry(pupil.pk, Mark.PRESENT)],
        today=D(2026, 6, 11),
        periods={pupil.pk: {5: PeriodKind.LATE}},
    )
    daily = selectors.daily_register_get(actor=world.teacher, homeroom=world.homeroom, day=DAY)
    row = next(r for r in daily.rows if r.student == pupil)
    assert daily.period_numbers == [1, 2, 3, 4, 5, 6] and row.period_slots[:3] == [
        (1, "absent"),
        (2, "absent"),
        (3, ""),
    ]
    month = selectors.register_month_get(actor=world.teacher, homeroom=world.homeroom, year=2026, month=6)
    totals = next(r for r in month.rows if r.student == pupil)
    assert month.period_marks and (totals.periods_absent, totals.periods_late) == (2, 1)
    # The day's mark stays the legal one: a late day is an attended day.
    assert totals.month.days_late == 1 and totals.month.days_absent == 0


# --- the board's code list ----------------------------------------------------------------------


def default_rows(**changes: tuple[str, str]) -> list[CodeInput]:
    rows = []
    for kind, symbol, label, key in __import__("tsunagu.attendance.models").attendance.models.DEFAULT_CODES:
        if kind in changes:
            symbol, label = changes[kind]
        rows.append(CodeInput(kind=kind, symbol=symbol, label=label, key=key))
    return rows


def test_the_board_changes_a_symbol_and_every_school_uses_it(world: World) -> None:
    board = board_user(world)
    services.attendance_codes_save(
        actor=board, board=world.board, codes=default_rows(absent_illness=("ビ", "病気欠席"))
    )
    pupil = add_pupil(world.homeroom, roll=1)
    mark(pupil, world.homeroom, DAY, Mark.ABSENT_ILLNESS)
    month = selectors.register_month_get(actor=world.teacher, homeroom=world.homeroom, year=2026, month=6)
    row = next(r for r in month.rows if r.student == pupil)
    assert row.cells[DAY.day - 1] == "ビ"
    data = register_month_data(month, selectors.attendance_codes(board=world.board))
    assert "ビ 病気欠席" in data["legend"] and data["absent_per_day"][DAY.day - 1] == "1"


@pytest.mark.parametrize(
    ("changes", "kind", "message"),
    [
        (
            {"absent_illness": ("事", "病欠")},
            "absent_illness",
            "重なっています",
        ),  # 病 = 事 but counted apart
        ({"mourning": ("", "忌引")}, "mourning", "記号を入れてください"),
        ({"late": ("遅刻です", "遅刻")}, "late", "2文字以内"),
    ],
)
def test_a_bad_code_list_is_refused_and_nothing_is_written(
    world: World, changes: dict, kind: str, message: str
) -> None:
    board = board_user(world)
    with pytest.raises(ValidationError) as error:
        services.attendance_codes_save(actor=board, board=world.board, codes=default_rows(**changes))
    assert any(message in m for m in error.value.message_dict[kind])
    assert not AttendanceCode.objects.filter(board=world.board, symbol__in=["遅刻です"]).exists()


def test_two_kinds_that_count_alike_may_share_a_symbol_and_one_row_per_kind_is_required(world: World) -> None:
    board = board_user(world)
    services.attendance_codes_save(actor=board, board=world.board, codes=default_rows())  # 停 twice: fine
    with pytest.raises(ValidationError) as error:
        services.attendance_codes_save(actor=board, board=world.board, codes=default_rows()[:-1])
    assert "__all__" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.attendance_codes_save(actor=world.principal, board=world.board, codes=default_rows())


def test_the_code_list_page_saves_and_shows_errors_by_row(world: World) -> None:
    client = force_login(Client(), board_user(world))
    url = reverse("attendance:board_codes")
    page = client.get(url)
    assert page.status_code == 200
    form: dict[str, str] = {}
    for code in selectors.attendance_codes(board=world.board):
        form |= {
            f"symbol-{code.kind}": code.symbol,
            f"label-{code.kind}": code.label,
            f"key-{code.kind}": code.key,
        }
        form[f"active-{code.kind}"] = "on"
    bad = client.post(url, form | {"symbol-late": "早"})
    assert bad.status_code == 400 and "重なっています" in bad.content.decode()
    assert client.post(url, form | {"symbol-late": "遅"}).status_code == 302
    assert AttendanceCode.objects.get(board=world.board, kind=Mark.LATE).symbol == "遅"


# --- the PDF book -------------------------------------------------------------------------------


def test_the_monthly_book_is_a_pdf_for_the_class_readers(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    mark(pupil, world.homeroom, DAY, Mark.ABSENT_ILLNESS)
    url = reverse("attendance:register_pdf", args=[world.homeroom.uuid]) + "?month=2026-06"
    response = force_login(Client(), world.teacher).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert force_login(Client(), world.other_teacher).get(url).status_code == 404
    assert timezone.localdate()  # the page itself is dated by the server's today


def test_the_daily_screen_records_periods_when_the_school_does(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    services.attendance_settings_save(
        actor=world.principal,
        school=world.school,
        report_deadline=dt.time(8, 15),
        period_marks=True,
        periods_per_day=6,
    )
    teacher = force_login(Client(), world.teacher)
    url = reverse("attendance:daily", args=[world.homeroom.uuid]) + "?date=2026-06-10"
    page = teacher.get(url)
    assert page.status_code == 200 and f'name="period-{pupil.uuid}-6"' in page.content.decode()
    form = {"date": "2026-06-10", f"kind-{pupil.uuid}": "late", f"time-{pupil.uuid}": "09:50"}
    form |= {f"period-{pupil.uuid}-1": "absent", f"period-{pupil.uuid}-2": "late"}
    form[f"kind-{world.child.uuid}"] = "present"
    assert teacher.post(url, form).status_code == 302
    with system_scope(reason="test reads period marks"):
        saved = dict(PeriodMark.objects.filter(student=pupil).values_list("period", "kind"))
    assert saved == {1: "absent", 2: "late"}
    shown = teacher.get(url).content.decode()
    assert '<option value="absent" selected>' in shown
