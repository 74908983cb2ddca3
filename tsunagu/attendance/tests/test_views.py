"""The attendance pages in a world of our own (tests/builders.py): who may open what, and the flows
(take the register with reports pre-filled, the monthly register, alerts, closures, a guardian's report).
The matrix over the demo cast lives in test_views_cast.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.accounts.testing import force_login
from tsunagu.attendance.models import AbsenceReport, AttendanceMark, Closure, Mark, ReportStatus
from tsunagu.attendance.tests import builders
from tsunagu.attendance.tests.builders import World, add_pupil
from tsunagu.core.models import AccessLog
from tsunagu.core.scope import system_scope
from tsunagu.org.models import DayKind, SchoolDay

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return builders.build_world()


def client_for(user: User) -> Client:
    return force_login(Client(), user)


def make_today_instructional(world: World) -> dt.date:
    """The builders' calendar is fixed in 2026; the daily screen works on today: make today a school day."""
    today = timezone.localdate()
    SchoolDay.objects.update_or_create(
        school=world.school, date=today, defaults={"school_year": world.year, "kind": DayKind.INSTRUCTIONAL}
    )
    return today


def test_the_teacher_takes_the_days_register_with_reports_pre_filled(world: World) -> None:
    today = make_today_instructional(world)
    if not world.year.contains(today):
        pytest.skip("the builders' 2026 classes are not current outside 令和8年度")
    a, b = add_pupil(world.homeroom, roll=1), add_pupil(world.homeroom, roll=2)
    guardian = client_for(world.guardian)
    response = guardian.post(
        reverse("attendance:report_new"),
        {
            "child": str(world.child.uuid),
            "day": today.isoformat(),
            "kind": "absence",
            "reason": "illness",
            "symptoms": ["fever"],
            "temperature": "38.5",
            "note": "熱があります",
        },
    )
    assert response.status_code == 302, response.content.decode()
    teacher = client_for(world.teacher)
    url = reverse("attendance:daily", args=[world.homeroom.uuid])
    page = teacher.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "家庭からの連絡" in html and "38.5" in html
    child_row = next(r for r in page.context["register"].rows if r.student.pk == world.child.pk)
    assert child_row.pending and child_row.kind == Mark.ABSENT_ILLNESS
    with system_scope(reason="test"):
        assert AccessLog.objects.filter(
            model="attendance.AbsenceReport", actor_username=world.teacher.username
        ).exists()
    post = {
        "date": today.isoformat(),
        f"kind-{a.uuid}": "present",
        f"kind-{b.uuid}": "late",
        f"time-{b.uuid}": "09:20",
        f"kind-{world.child.uuid}": "absent_illness",
        f"detail-{world.child.uuid}": "発熱",
    }
    saved = teacher.post(url, post)
    assert saved.status_code == 302
    with system_scope(reason="test"):
        assert dict(AttendanceMark.objects.filter(school=world.school).values_list("student_id", "kind")) == {
            b.pk: "late",
            world.child.pk: "absent_illness",
        }
        assert AbsenceReport.objects.get(school=world.school).status == ReportStatus.CONFIRMED


def test_a_bad_mark_shows_the_page_again_with_the_message_by_the_pupil(world: World) -> None:
    today = make_today_instructional(world)
    if not world.year.contains(today):
        pytest.skip("the builders' 2026 classes are not current outside 令和8年度")
    a = add_pupil(world.homeroom, roll=1)
    url = reverse("attendance:daily", args=[world.homeroom.uuid])
    response = client_for(world.teacher).post(url, {"date": today.isoformat(), f"kind-{a.uuid}": "late"})
    assert response.status_code == 400
    assert "遅刻には登校した時刻を入れてください。" in response.content.decode()
    with system_scope(reason="test"):
        assert not AttendanceMark.objects.filter(school=world.school).exists()


@pytest.mark.parametrize(
    "who,status",
    [
        ("teacher", 200),
        ("other_teacher", 404),
        ("outsider", 404),
        ("principal", 403),
        ("office", 403),
        ("guardian", 403),
    ],
)
def test_only_the_homeroom_teacher_opens_the_daily_screen(world: World, who: str, status: int) -> None:
    url = reverse("attendance:daily", args=[world.homeroom.uuid]) + "?date=2026-06-10"
    assert client_for(getattr(world, who)).get(url).status_code == status


@pytest.mark.parametrize(
    "who,status",
    [
        ("teacher", 200),
        ("principal", 200),
        ("office", 200),
        ("nurse", 200),
        ("other_teacher", 404),
        ("outsider", 404),
        ("guardian", 403),
    ],
)
def test_the_monthly_register_is_read_by_the_class_and_the_school(
    world: World, who: str, status: int
) -> None:
    url = reverse("attendance:register_month", args=[world.homeroom.uuid]) + "?month=2026-06"
    assert client_for(getattr(world, who)).get(url).status_code == status


def test_the_monthly_register_shows_symbols_and_totals(world: World) -> None:
    pupil = add_pupil(world.homeroom, roll=1)
    builders.mark(pupil, world.homeroom, dt.date(2026, 6, 2), Mark.ABSENT_ILLNESS)
    builders.mark(pupil, world.homeroom, dt.date(2026, 6, 3), Mark.MOURNING)
    builders.closure(
        world.school, "homeroom", dt.date(2026, 6, 29), dt.date(2026, 6, 30), homeroom=world.homeroom
    )
    url = reverse("attendance:register_month", args=[world.homeroom.uuid]) + "?month=2026-06"
    response = client_for(world.teacher).get(url)
    row = next(r for r in response.context["register"].rows if r.student.pk == pupil.pk)
    assert row.cells[1] == "病" and row.cells[2] == "忌" and row.cells[28] == "閉" and row.cells[5] == ""
    # June: 22 days; 忌引 1 + 学級閉鎖 2 = 3 excused; 19 required; 1 absent; 18 attended.
    m = row.month
    assert (m.days_instructional, m.days_excused, m.days_required, m.days_absent, m.days_present) == (
        22,
        3,
        19,
        1,
        18,
    )
    assert row.cumulative.days_instructional == 22  # nothing before June in this calendar
    assert "病" in response.content.decode()


@pytest.mark.parametrize(
    "who,status", [("principal", 200), ("office", 200), ("nurse", 403), ("teacher", 403), ("guardian", 403)]
)
def test_school_alerts_for_principal_and_office(world: World, who: str, status: int) -> None:
    url = reverse("attendance:school_alerts", args=[world.school.uuid])
    assert client_for(getattr(world, who)).get(url).status_code == status


def test_another_schools_alerts_answer_404(world: World) -> None:
    url = reverse("attendance:school_alerts", args=[world.other_school.uuid])
    assert client_for(world.principal).get(url).status_code == 404


def test_the_principal_enters_a_closure_and_the_office_only_reads(world: World) -> None:
    url = reverse("attendance:closures", args=[world.school.uuid])
    data = {"scope": "school", "start_date": "2026-09-28", "end_date": "2026-09-30", "reason": "台風"}
    assert client_for(world.office).get(url).status_code == 200
    assert client_for(world.office).post(url, data).status_code == 404
    response = client_for(world.principal).post(url, data)
    assert response.status_code == 302
    assert Closure.objects.filter(school=world.school, scope="school").count() == 1
    bad = client_for(world.principal).post(url, {**data, "scope": "grade"})
    assert bad.status_code == 400 and "学年閉鎖には学年を選んでください。" in bad.content.decode()


def test_a_guardian_cannot_report_for_someone_elses_child(world: World) -> None:
    stranger = add_pupil(world.homeroom, roll=7)
    today = timezone.localdate()
    response = client_for(world.guardian).post(
        reverse("attendance:report_new"),
        {"child": str(stranger.uuid), "day": today.isoformat(), "kind": "absence", "reason": "illness"},
    )
    assert response.status_code == 400  # not among the choices
    with system_scope(reason="test"):
        assert not AbsenceReport.objects.filter(school=world.school).exists()


def test_the_guardian_sees_own_reports_only(world: World) -> None:
    today = timezone.localdate()
    if not world.year.contains(today):
        pytest.skip("the builders' 2026 classes are not current outside 令和8年度")
    client = client_for(world.guardian)
    client.post(
        reverse("attendance:report_new"),
        {"child": str(world.child.uuid), "day": today.isoformat(), "kind": "absence", "reason": "family"},
    )
    page = client.get(reverse("attendance:report_list"))
    assert [r.student_id for r in page.context["reports"]] == [world.child.pk]
    assert client_for(world.outsider).get(reverse("attendance:report_list")).context["reports"] == []
    assert client_for(world.office).get(reverse("attendance:report_list")).status_code == 403


def test_the_principals_day_counts_each_class(world: World) -> None:
    a, b, c = (add_pupil(world.homeroom, roll=n) for n in (1, 2, 3))
    add_pupil(world.sibling_homeroom, roll=1)
    day = dt.date(2026, 6, 10)
    builders.mark(a, world.homeroom, day, Mark.ABSENT_ILLNESS)
    builders.mark(b, world.homeroom, day, Mark.MOURNING)
    builders.mark(c, world.homeroom, day, Mark.LATE, arrived_at=dt.time(9, 0), left_at=dt.time(12, 0))
    builders.closure(world.school, "homeroom", day, day, homeroom=world.sibling_homeroom)
    url = reverse("attendance:school_day", args=[world.school.uuid]) + "?date=2026-06-10"
    response = client_for(world.principal).get(url)
    assert response.status_code == 200
    rows = {r.homeroom.pk: r for r in response.context["rows"]}
    own = rows[world.homeroom.pk]
    # 1組: the guardian's child and three more; 1 absent, 1 忌引, 1 late who also left early.
    assert (own.enrolled, own.present, own.absent, own.excused, own.late, own.early_leave) == (
        4,
        2,
        1,
        1,
        1,
        1,
    )
    assert own.reasons == {"病欠": 1, "忌引": 1}
    assert rows[world.sibling_homeroom.pk].closed
    assert "学級別出欠" in response.content.decode()
    assert client_for(world.teacher).get(url).status_code == 403
