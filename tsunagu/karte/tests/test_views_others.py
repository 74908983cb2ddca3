"""The karte's views for others (issue 7 §5): the school and grade board, the pupil's own page, the
guardian's summary, the board's counts and thresholds; the subject teacher's karte (learning only);
fixed query counts whatever the pupil's data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tsunagu.accounts.models import RoleAssignment, User
from tsunagu.core.models import AuditEvent
from tsunagu.core.scope import system_scope
from tsunagu.karte.models import Insight, InsightSettings
from tsunagu.karte.services import thresholds_for
from tsunagu.org.models import Homeroom
from tsunagu.students.models import Enrolment, Student
from tsunagu.students.selectors import enrolled_on

pytestmark = pytest.mark.django_db


def _room(grade: str = "P4", name: str = "1組") -> Homeroom:
    today = timezone.localdate()
    with system_scope(reason="test finds a class of さくら小"):
        return Homeroom.objects.select_related("school", "school_year", "grade_level").get(
            school__name__contains="さくら",
            grade_level__code=grade,
            name=name,
            school_year__start_date__lte=today,
            school_year__end_date__gte=today,
        )


def _pupils(room: Homeroom) -> list[Student]:
    with system_scope(reason="test lists a class"):
        return [
            e.student
            for e in Enrolment.objects.filter(enrolled_on(timezone.localdate()), homeroom=room)
            .select_related("student")
            .order_by("roll_number")
        ]


# --- the school board and the grade board --------------------------------------------------------


def test_the_principal_sees_every_class_of_the_school_grouped(client_as) -> None:
    room = _room()
    page = client_as("principal").get(f"/karte/schools/{room.school.uuid}/")
    assert page.status_code == 200
    groups = page.context["groups"]
    assert len({g.homeroom.grade_level.code for g in groups}) > 1
    four_one = next(g for g in groups if g.homeroom == room)
    assert {r.student for r in four_one.rows} == set(_pupils(room))
    for g in groups:  # each class sorted by change
        flags = [r.changed for r in g.rows]
        assert flags == sorted(flags, reverse=True)


def test_the_school_board_needs_as_many_queries_for_one_grade_as_for_the_school(client_as) -> None:
    room = _room()
    client = client_as("principal")
    url = f"/karte/schools/{room.school.uuid}/"
    client.get(url)
    with CaptureQueriesContext(connection) as whole:
        client.get(url)
    with CaptureQueriesContext(connection) as one:
        page = client.get(url + "?grade=P4")
    assert {g.homeroom.grade_level.code for g in page.context["groups"]} == {"P4"}
    assert len(whole) == len(one)


def test_a_grade_head_sees_the_classes_of_their_grade_only(client_as) -> None:
    room = _room()
    teacher = User.objects.get(username="teacher")
    with system_scope(reason="test makes the teacher grade head of P4"):
        RoleAssignment.objects.create(
            user=teacher,
            role="grade_head",
            school=room.school,
            grade_level=room.grade_level,
            school_year=room.school_year,
        )
    page = client_as("teacher").get(f"/karte/schools/{room.school.uuid}/")
    assert page.status_code == 200
    assert {g.homeroom.grade_level.code for g in page.context["groups"]} == {"P4"}


# --- the pupil's own page ------------------------------------------------------------------------------


def test_the_pupil_sees_their_own_weather_and_no_classmate(client_as) -> None:
    room = _room()
    page = client_as("student").get("/karte/me/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "自分のきろく" in text and "心の天気" in text
    me = page.context["data"].student
    assert me.user.username == "student"
    for other in _pupils(room):
        if other != me:
            assert other.family_name + " " + other.given_name not in text
    assert "学級平均" not in text  # never compared with classmates
    assert "気になる点" not in text and "施行令" not in text  # insights are for staff


def test_a_pupil_of_grade_two_reads_furigana(ward: object, client_as) -> None:
    from django.test import Client

    from tsunagu.accounts.testing import force_login

    room = _room("P2")
    pupil = _pupils(room)[0]
    with system_scope(reason="test gives a second-grader a login"):
        user = User.objects.create_user("karte-p2", password="unused-password-123")
        pupil.user = user
        pupil.save(update_fields=["user"])
        RoleAssignment.objects.create(user=user, role="student", school_year=room.school_year)
    client = Client()
    force_login(client, user, mfa=False)
    text = client.get("/karte/me/").content.decode()
    assert "<ruby>自分<rp>（</rp><rt>じぶん</rt>" in text
    assert "<ruby>心<rp>（</rp><rt>こころ</rt>" in text


# --- the guardian's summary ---------------------------------------------------------------------------


def test_the_guardian_reads_attendance_and_the_good_points_shared_with_home(client_as) -> None:
    from tsunagu.observations.models import GoodPoint

    with system_scope(reason="test finds the child's good points"):
        child = Student.objects.get(user__username="student")
        shared = GoodPoint.objects.filter(student=child, shared_with_home=True).order_by("-date").first()
        kept = GoodPoint.objects.filter(student=child, shared_with_home=False).first()
    page = client_as("guardian").get(f"/karte/children/{child.uuid}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "今年度の出欠" in text and "欠席日数" in text
    assert shared is not None and shared.text in text
    if kept is not None:
        assert kept.text not in text
    assert "心の天気" not in text and "保健室" not in text and "学級平均" not in text


# --- the board ----------------------------------------------------------------------------------------


def test_the_board_sees_counts_per_school_and_no_name(client_as) -> None:
    page = client_as("board").get("/karte/ward/")
    assert page.status_code == 200
    text = page.content.decode()
    rows = page.context["rows"]
    sakura = next(r for r in rows if "さくら" in r.school.name)
    assert sakura.flagged == "5未満" or int(sakura.flagged) >= 5
    assert all(v == "0" or v == "5未満" or int(v) >= 5 for r in rows for v in r.groups.values())
    for pupil in _pupils(_room()):
        assert pupil.family_name + " " + pupil.given_name not in text


def test_thresholds_are_validated_saved_audited_and_used(client_as) -> None:
    client = client_as("board")
    page = client.get("/karte/ward/thresholds/")
    assert page.status_code == 200
    data = {name: field.initial for name, field in page.context["form"].fields.items()}
    board = page.context["board"]
    wrong = client.post("/karte/ward/thresholds/", {**data, "mood_streak": 99, "yearly_absence_warning": 29})
    assert wrong.status_code == 400
    assert "2〜15" in wrong.content.decode() or "15" in wrong.content.decode()
    assert not InsightSettings.objects.filter(board=board).exists()
    inverted = client.post("/karte/ward/thresholds/", {**data, "min_hits": 9, "min_weekday_days": 5})
    assert inverted.status_code == 400
    assert not InsightSettings.objects.filter(board=board).exists()
    done = client.post("/karte/ward/thresholds/", {**data, "mood_streak": 5})
    assert done.status_code == 302
    assert thresholds_for(board.pk).mood_streak == 5
    assert InsightSettings.objects.get(board=board).values == {"mood_streak": 5}
    events = AuditEvent.objects.filter(kind="karte_thresholds_saved")
    assert any("mood_streak: 3→5" in e.detail["changed"] for e in events)


def test_the_correct_rate_thresholds_are_on_the_page_in_japanese_and_saved(client_as) -> None:
    client = client_as("board")
    page = client.get("/karte/ward/thresholds/")
    text = page.content.decode()
    for label in ("直近として比べる日数（正答率）", "正答率の低下幅の下限", "正答率の低下"):
        assert label in text, label
    data = {name: field.initial for name, field in page.context["form"].fields.items()}
    board = page.context["board"]
    assert data["correct_recent_days"] == 21 and data["correct_min_answers"] == 20
    too_short = client.post("/karte/ward/thresholds/", {**data, "correct_recent_days": 7})
    assert too_short.status_code == 400 and "correct_recent_days" in too_short.context["form"].errors
    assert not InsightSettings.objects.filter(board=board).exists()
    done = client.post("/karte/ward/thresholds/", {**data, "correct_min_answers": 40, "correct_drop": 0.2})
    assert done.status_code == 302
    assert InsightSettings.objects.get(board=board).values == {"correct_min_answers": 40, "correct_drop": 0.2}
    assert thresholds_for(board.pk).correct_min_answers == 40


# --- the subject teacher's karte -------------------------------------------------------------------------


def test_the_subject_teacher_sees_learning_and_no_health(ward: object, client_as) -> None:
    from tsunagu.core.tests.access_matrix import find_places

    pupil = find_places(ward).split_group_pupil
    page = client_as("subject_teacher").get(f"/karte/pupils/{pupil.uuid}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "成績（教科）" in text and "学習ログ" in text
    for health in ("出欠・健康観察", "心の天気", "保健室利用", "気になる点", "気づき"):
        assert health not in text, health
    assert page.context["karte"].strip == [] and page.context["karte"].insights == []


# --- fixed queries ---------------------------------------------------------------------------------------


def test_the_karte_needs_the_same_queries_whatever_the_pupils_data(client_as) -> None:
    from tsunagu.health.models import NurseVisit

    pupils = _pupils(_room())
    with system_scope(reason="test picks pupils with much and little data"):
        visits = {p.pk: NurseVisit.objects.filter(student=p).count() for p in pupils}
        insights = {p.pk: Insight.objects.filter(student=p).count() for p in pupils}
    busy = max(pupils, key=lambda p: (visits[p.pk], insights[p.pk]))
    quiet = min(pupils, key=lambda p: (visits[p.pk], insights[p.pk]))
    assert visits[busy.pk] > visits[quiet.pk]
    client = client_as("teacher")
    client.get(f"/karte/pupils/{busy.uuid}/")
    counts = []
    for pupil in (busy, quiet):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/karte/pupils/{pupil.uuid}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 40


def test_the_karte_shows_learning_with_class_averages_to_the_teacher(client_as) -> None:
    pupil = _pupils(_room())[1]
    text = client_as("teacher").get(f"/karte/pupils/{pupil.uuid}/").content.decode()
    assert "成績（教科）" in text and "学習ログ" in text and "study-chart" in text
    assert "学力経年調査の推移" in text


def test_the_chart_scales_to_the_largest_day() -> None:
    from tsunagu.karte.chart import study_chart

    start = dt.date(2026, 11, 1)
    chart = study_chart([(start + dt.timedelta(days=i), 60 * 10 * i) for i in range(7)])
    assert chart.top_minutes == 60 and chart.bars[-1].minutes == 60
    assert chart.bars[0].height == 0 and chart.bars[-1].y == pytest.approx(6.0)
    assert [b.label for b in chart.bars if b.label] == ["11/7"]
