"""The demo step: check-ins of the last school days with the four stories of さくら小 4年1組."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tsunagu.core.scope import system_scope
from tsunagu.demo.steps import DemoContext, registered_steps
from tsunagu.health import demo, selectors
from tsunagu.health.models import CheckInSession, HealthCheckIn, Mood, Symptom, TalkRequest
from tsunagu.org.models import DayKind, SchoolDay
from tsunagu.students.tests import cast
from tsunagu.students.tests.cast import CastPlaces

#: Queries of the demo step re-run by the test: 23 on the tiny ward for a year of visits
#: (one per visit would be hundreds).
MAX_VISIT_STEP_QUERIES = 40

pytestmark = pytest.mark.django_db

places = cast.places


def _run(ward: Any, seed: int = 1) -> list[dt.date]:
    """Clear the ward's check-ins, make the last 15 weekdays school days, and run the step again."""
    today = timezone.localdate()
    days: list[dt.date] = []
    day = today
    while len(days) < demo.DAYS_BY_SCALE["tiny"] and day >= ward.school_year.start_date:
        if day.weekday() < 5:
            days.append(day)
        day -= dt.timedelta(days=1)
    with system_scope(reason="test reruns the health demo step"):
        # A raw delete: the ORM's would write a history row for every check-in, for nothing.
        for model in (TalkRequest, HealthCheckIn, CheckInSession):
            model.objects.all()._raw_delete(using="default")
        SchoolDay.objects.filter(school__in=list(ward.schools.values()), date__in=days).update(
            kind=DayKind.INSTRUCTIONAL
        )
        ctx = DemoContext(
            scale="tiny",
            seed=seed,
            rng=random.Random(seed),
            today=today,
            school_year=ward.school_year,
            previous_year=ward.previous_year,
            board=ward.board,
            schools=ward.schools,
        )
        demo.health_check_ins(ctx)
    return sorted(days)


def test_the_step_is_registered() -> None:
    assert "tsunagu.health.demo.health_check_ins" in [name for name, _ in registered_steps()]


def test_the_class_of_the_cast_tells_its_stories(ward: Any, places: CastPlaces) -> None:
    days = _run(ward)
    with system_scope(reason="test reads the demo"):
        sessions = CheckInSession.objects.filter(homeroom=places.homeroom).order_by("date")
        assert [s.date for s in sessions] == days
        rows = list(HealthCheckIn.objects.filter(session__homeroom=places.homeroom).select_related("session"))
        away = _away_days()
    by_pupil: dict[int, list[HealthCheckIn]] = {}
    for row in rows:
        by_pupil.setdefault(row.student_id, []).append(row)
    # Always 晴れ, on every day at school (a day the register has the pupil away has no answer).
    assert any(
        all(r.mood == Mood.SUNNY for r in answers)
        and len(answers) == len([d for d in days if (pupil, d) not in away])
        and len(answers) >= len(days) - 2
        for pupil, answers in by_pupil.items()
    )
    assert any(all(Symptom.STOMACH_ACHE in r.symptoms for r in answers) for answers in by_pupil.values())
    # The cast pupil has not answered today, so the demo can start with them.
    own = by_pupil.get(places.own_record.pk, [])
    assert timezone.localdate() not in {r.session.date for r in own}
    # The mood decline reaches the teacher's watch list on the last day.
    summary = selectors.class_summary_get(actor=_user("teacher"), homeroom=places.homeroom, day=days[-1])
    assert len(summary.streaks) >= 1


def test_the_step_is_deterministic(ward: Any) -> None:
    def moods() -> list[tuple[int, str]]:
        _run(ward, seed=7)
        with system_scope(reason="test reads the demo"):
            return list(
                HealthCheckIn.objects.order_by("session__date", "student_id").values_list(
                    "student_id", "mood"
                )
            )

    assert moods() == moods()


def _user(username: str) -> Any:
    from tsunagu.accounts.models import User

    return User.objects.get(username=username)


def test_the_visit_step_seeds_a_year_with_its_patterns(ward: Any, places: CastPlaces) -> None:
    """Visits of the whole year so far: injuries mostly at lunch break, more in June than in May, the
    stomach-ache pupil on mornings; daily logs with weather for past days only; cheap on ``tiny``."""

    from tsunagu.health.models import HealthNotice, NurseDailyLog, NurseVisit

    with system_scope(reason="test reruns the visit demo step"):
        for model in (HealthNotice, NurseVisit, NurseDailyLog):
            model.objects.all()._raw_delete(using="default")
        ctx = DemoContext(
            scale="tiny",
            seed=1,
            rng=random.Random(1),
            today=timezone.localdate(),
            school_year=ward.school_year,
            previous_year=None,
            board=None,
            schools=ward.schools,
        )
        # Counted, not timed: a CPU-time bound measures the machine as much as the step.
        with CaptureQueriesContext(connection) as captured:
            demo.health_nurse_visits(ctx)
        assert len(captured) <= MAX_VISIT_STEP_QUERIES, f"{len(captured)} queries"
        visits = list(NurseVisit.objects.filter(school=places.school))
        logs = list(NurseDailyLog.objects.filter(school=places.school))
    assert len({v.date.month for v in visits}) >= 6  # a year to date
    injuries = [v for v in visits if v.category == "injury"]
    at_lunch = [v for v in injuries if v.injury_activity == "lunch_break"]
    assert len(at_lunch) > len(injuries) / 3
    assert (
        max(
            (
                (v.injury_place, n)
                for v in at_lunch
                for n in [sum(w.injury_place == v.injury_place for w in at_lunch)]
            ),
            key=lambda pn: pn[1],
        )[0]
        == "playground"
    )
    stomach = [v for v in visits if v.complaints == ["stomach_ache"] and v.time_in < dt.time(9, 0)]
    by_pupil: dict[int, int] = {}
    for v in stomach:
        by_pupil[v.student_id] = by_pupil.get(v.student_id, 0) + 1
    assert max(by_pupil.values()) >= 10  # one pupil on many mornings
    assert logs and all(log.date < ctx.today and log.weather for log in logs)


def _away_days() -> set[tuple[int, dt.date]]:
    """(pupil, day) the register marks as a whole day away (absent, suspended, mourning …), and today's
    absences guardians reported (today's register is not taken yet)."""
    from tsunagu.attendance.models import AbsenceReport, AttendanceMark, ReportKind, ReportStatus

    marked = set(AttendanceMark.objects.filter(kind__in=demo.AWAY).values_list("student_id", "date"))
    reported = (
        AbsenceReport.objects.filter(date=timezone.localdate(), kind=ReportKind.ABSENCE)
        .exclude(status=ReportStatus.WITHDRAWN)
        .values_list("student_id", "date")
    )
    return marked | set(reported)


def test_no_pupil_the_register_marks_absent_has_a_mood_that_day(ward: Any) -> None:
    """On the seeded ward, as the class board shows it: a pupil is never both 欠席 and 晴れ."""
    with system_scope(reason="test compares the register with the check-ins"):
        away = _away_days()
        with_mood = set(HealthCheckIn.objects.exclude(mood="").values_list("student_id", "session__date"))
    assert away, "the register has no absences to compare with"
    assert not away & with_mood


def test_the_steps_skip_pupils_away_that_day(ward: Any) -> None:
    """Run again after the register: no check-in and no nurse visit on a day the pupil was away."""
    from tsunagu.health.models import HealthNotice, NurseDailyLog, NurseVisit

    days = _run(ward)
    with system_scope(reason="test reruns the visit step and compares with the register"):
        for model in (HealthNotice, NurseVisit, NurseDailyLog):
            model.objects.all()._raw_delete(using="default")
        demo.health_nurse_visits(_ctx(ward))
        away = _away_days()
        answered = set(HealthCheckIn.objects.values_list("student_id", "session__date"))
        visited = set(NurseVisit.objects.values_list("student_id", "date"))
    recent_away = {(pupil, day) for pupil, day in away if day in days}
    assert recent_away, "nobody was away on the check-in days"
    assert not recent_away & answered
    assert not away & visited


def _ctx(ward: Any) -> DemoContext:
    return DemoContext(
        scale="tiny",
        seed=1,
        rng=random.Random(1),
        today=timezone.localdate(),
        school_year=ward.school_year,
        previous_year=ward.previous_year,
        board=ward.board,
        schools=ward.schools,
    )
