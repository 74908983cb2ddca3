"""The 7-day notice to the board (施行令 §20): one click by the principal, a record with only what the
notice needs, read by the board's 学務 staff; pupils approaching 30 days absent are listed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tsunagu.accounts.testing import force_login
from tsunagu.attendance import selectors, services
from tsunagu.attendance.models import BoardNotice, Mark
from tsunagu.attendance.tests import builders
from tsunagu.attendance.tests.builders import World, add_pupil, board_user, mark
from tsunagu.core.scope import system_scope

pytestmark = pytest.mark.django_db

D = dt.date
SEPT_END = D(2026, 9, 30)
# The last nine school days of September: Fri 18, Mon 21 – Fri 25, Mon 28 – Wed 30.
RUN = [d for d in builders.SEPTEMBER if d >= D(2026, 9, 18)]


@pytest.fixture
def world() -> World:
    return builders.build_world()


def test_a_run_of_absences_is_sent_with_its_days_and_reasons(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=7)
    for day in RUN:
        kind = Mark.ABSENT_ILLNESS if day == D(2026, 9, 23) else Mark.ABSENT_OTHER
        mark(pupil, world.homeroom, day, kind, reason="腹痛" if kind == Mark.ABSENT_ILLNESS else "登校しぶり")
    mark(pupil, world.homeroom, D(2026, 9, 17), Mark.MOURNING, reason="祖母")  # neither extends nor breaks
    notice = services.board_notice_send(
        actor=world.principal, student=pupil, note="家庭訪問済み", today=SEPT_END
    )
    assert (notice.first_day, notice.last_day, notice.days_in_row) == (D(2026, 9, 18), SEPT_END, 9)
    assert notice.days[0] == {"date": "2026-09-18", "mark": "事故欠", "reason": "登校しぶり"}
    assert {"date": "2026-09-23", "mark": "病欠", "reason": "腹痛"} in notice.days
    assert (notice.pupil_name, notice.class_name, notice.board) == (pupil.full_name, "4年1組", world.board)
    assert notice.days_absent_year == 9
    with pytest.raises(ValidationError) as again:
        services.board_notice_send(actor=world.principal, student=pupil, today=SEPT_END)
    assert "すでに" in str(again.value)


def test_no_notice_without_seven_days_in_a_row_and_only_the_principal_sends(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=8)
    for day in RUN[:6]:
        mark(pupil, world.homeroom, day, Mark.ABSENT_OTHER)
    with pytest.raises(ValidationError):
        services.board_notice_send(actor=world.principal, student=pupil, today=SEPT_END)
    for actor in (world.teacher, world.office, world.nurse, world.outsider):
        with pytest.raises(PermissionDenied):
            services.board_notice_send(actor=actor, student=pupil, today=SEPT_END)
    with system_scope(reason="test counts notices"):
        assert not BoardNotice.objects.exists()


def test_one_click_from_the_alerts_and_the_board_reads_the_list(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=7)
    for day in RUN:
        mark(pupil, world.homeroom, day, Mark.ABSENT_OTHER, reason="登校しぶり")
    principal = force_login(Client(), world.principal)
    alerts_url = reverse("attendance:school_alerts", args=[world.school.uuid])
    page = principal.get(alerts_url)
    assert "教育委員会に通知" in page.content.decode()
    sent = principal.post(
        reverse("attendance:school_notices", args=[world.school.uuid]), {"student": str(pupil.uuid)}
    )
    assert sent.status_code == 302
    assert "通知済み" in principal.get(alerts_url).content.decode()
    gakumu = board_user(world)
    board = force_login(Client(), gakumu)
    listing = board.get(reverse("attendance:board_notices"))
    html = listing.content.decode()
    assert listing.status_code == 200 and pupil.full_name in html and "登校しぶり" in html
    assert str(pupil.birth_date.year) not in html  # no more identity than the notice needs
    # The board has no right to the pupil's records themselves.
    assert board.get(reverse("attendance:register_month", args=[world.homeroom.uuid])).status_code in (
        403,
        404,
    )
    with system_scope(reason="test reads the notice"):
        notice = BoardNotice.objects.get(student=pupil)
    assert board.post(reverse("attendance:board_notices"), {"notice": str(notice.uuid)}).status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None
    # Another board's staff do not see it.
    other = builders.build_world()
    assert (
        pupil.full_name
        not in force_login(Client(), board_user(other))
        .get(reverse("attendance:board_notices"))
        .content.decode()
    )


def test_pupils_approaching_thirty_days_are_listed(world: World) -> None:
    approaching = add_pupil(world.homeroom, roll=5)
    fine = add_pupil(world.homeroom, roll=6)
    # Every June day but Fridays (18) and Tue 1 – Thu 3 September (3): 21 days, at most 5 in a row.
    for day in builders.JUNE + builders.SEPTEMBER[:3]:
        if day.weekday() != 4:
            mark(approaching, world.homeroom, day, Mark.ABSENT_ILLNESS)
    mark(fine, world.homeroom, builders.JUNE[0], Mark.ABSENT_ILLNESS)
    alerts = selectors.absence_alerts(actor=world.principal, school=world.school, today=SEPT_END)
    found = {a.student.pk: a for a in alerts}
    assert fine.pk not in found
    alert = found[approaching.pk]
    assert alert.approaching and not alert.consecutive and alert.days_absent == 21 and alert.longest_run == 5
