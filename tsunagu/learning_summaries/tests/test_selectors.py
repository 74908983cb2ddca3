"""The karte's reads (contract C3): figures, class averages, access, and the number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tsunagu.accounts.models import User
from tsunagu.core.scope import system_scope
from tsunagu.learning.tests.conftest import Lrs
from tsunagu.learning_summaries import selectors
from tsunagu.learning_summaries.models import LearningSummary, Test, TestKind, TestResult
from tsunagu.learning_summaries.tests.helpers import JST, answered, class_pupils
from tsunagu.org.models import GradeLevel, Subject
from tsunagu.students.models import Enrolment, Student

pytestmark = pytest.mark.django_db

SINCE, UNTIL = dt.date(2026, 10, 5), dt.date(2026, 10, 11)


def user(name: str) -> User:
    return User.objects.get(username=name)


def cast_pupil() -> Student:
    with system_scope(reason="test: the cast's pupil"):
        return Student.objects.get(user__username="student")


@pytest.fixture
def week(ward: Any, lrs: Lrs) -> list[Student]:
    """A week of answers in October for the class (the demo ward has its own days, not these)."""
    pupils = class_pupils(ward)
    with system_scope(reason="test: clear the week"):
        LearningSummary.objects.filter(day__gte=SINCE, day__lte=UNTIL).delete()
    batch = []
    for n, pupil in enumerate(pupils):
        when = dt.datetime(2026, 10, 6 + n % 3, 16, tzinfo=JST)
        batch += [answered(pupil, when, correct=True, seconds=60 * (n + 1))]
        batch += [answered(pupil, when, correct=False, seconds=60, subject="国語")]
    for start in range(0, len(batch), 100):
        assert lrs.post(batch[start : start + 100]).status_code == 200
    return pupils


def test_pupil_learning_gives_the_pupil_and_the_class_per_pupil(week: list[Student]) -> None:
    pupil = week[1]
    result = selectors.pupil_learning(actor=user("teacher"), student=pupil, since=SINCE, until=UNTIL)
    maths = next(s for s in result.subjects if s.subject_code == "MA")
    assert (maths.answered, maths.correct, maths.seconds) == (1, 1, 120)
    assert maths.correct_rate == 1.0
    size = len(week)
    assert maths.class_seconds == pytest.approx(sum(60 * (n + 1) for n in range(size)) / size)
    japanese = next(s for s in result.subjects if s.subject_code == "JA")
    assert japanese.correct_rate == 0.0 and japanese.class_correct_rate == 0.0
    assert [d for d, _ in result.daily_seconds] == [SINCE + dt.timedelta(days=n) for n in range(7)]
    assert dict(result.daily_seconds)[dt.date(2026, 10, 7)] == 180
    assert sum(v for _, v in result.class_daily_seconds) * size == pytest.approx(
        sum(60 * (n + 1) + 60 for n in range(size))
    )


def test_pupil_learning_takes_at_most_four_queries(
    week: list[Student], django_assert_max_num_queries: Any
) -> None:
    actor = user("teacher")  # a fresh user: its roles are read inside the count
    with django_assert_max_num_queries(4):
        result = selectors.pupil_learning(actor=actor, student=week[0], since=SINCE, until=UNTIL)
    assert result.subjects


def test_the_pupil_sees_their_own_without_classmates(week: list[Student]) -> None:
    pupil = cast_pupil()
    own = selectors.pupil_learning(actor=user("student"), student=pupil, since=SINCE, until=UNTIL)
    assert own.subjects and all(
        s.class_seconds is None and s.class_correct_rate is None for s in own.subjects
    )
    assert own.class_daily_seconds == []
    guardian = selectors.pupil_learning(actor=user("guardian"), student=pupil, since=SINCE, until=UNTIL)
    assert [s.seconds for s in guardian.subjects] == [s.seconds for s in own.subjects]
    other = next(p for p in week if p.pk != pupil.pk)
    assert (
        selectors.pupil_learning(actor=user("student"), student=other, since=SINCE, until=UNTIL).subjects
        == []
    )


def test_staff_of_other_schools_and_other_roles_see_nothing(week: list[Student]) -> None:
    for name in ("outsider", "nurse", "office", "board", "helpdesk", "subject_teacher"):
        result = selectors.pupil_learning(actor=user(name), student=week[0], since=SINCE, until=UNTIL)
        assert result.subjects == [] and sum(v for _, v in result.daily_seconds) == 0, name


def test_homeroom_learning_compares_with_the_week_before(ward: Any, week: list[Student]) -> None:
    from tsunagu.org.models import Homeroom

    room = Homeroom.objects.get(
        school=ward.schools["sakura"], school_year=ward.school_year, grade_level__code="P4", name="1組"
    )
    later = selectors.homeroom_learning(
        actor=user("teacher"),
        homeroom=room,
        since=UNTIL + dt.timedelta(days=1),
        until=UNTIL + dt.timedelta(days=7),
    )
    assert set(later) >= {p.pk for p in week}
    assert later[week[0].pk][1] == 60 + 60  # the week before: 60 s of 算数 and 60 s of 国語
    daily = selectors.daily_seconds_for(
        actor=user("teacher"), student_ids=[week[0].pk], since=SINCE, until=UNTIL
    )
    assert sum(daily[week[0].pk].values()) == 120
    with system_scope(reason="test: a background job reads without an actor"):
        assert (
            selectors.daily_seconds_for(actor=None, student_ids=[week[0].pk], since=SINCE, until=UNTIL)
            == daily
        )


def test_tests_newest_first_and_longitudinal_oldest_first_with_class_averages(
    ward: Any, week: list[Student]
) -> None:
    pupil = week[0]
    school = ward.schools["sakura"]
    with system_scope(reason="test: results"):
        pupil_room = Enrolment.objects.get(student=pupil, school_year=ward.school_year).homeroom
        p4 = GradeLevel.objects.get(code="P4")
        maths = Subject.objects.get(code="MA")
        for name, kind, day, scores in [
            ("経年2025", TestKind.LONGITUDINAL, dt.date(2025, 4, 20), (50, 70)),
            ("経年2026", TestKind.LONGITUDINAL, dt.date(2026, 4, 20), (60, 80)),
            ("1学期期末", TestKind.PERIODIC, dt.date(2026, 7, 10), (90, 70)),
        ]:
            test = Test.objects.create(
                school=school,
                school_year=ward.school_year,
                grade_level=p4,
                kind=kind,
                name=name,
                taken_on=day,
            )
            for student, score in zip((pupil, week[1]), scores, strict=True):
                TestResult.objects.create(
                    test=test, student=student, homeroom=pupil_room, subject=maths, score=score, max_score=100
                )
    result = selectors.pupil_learning(actor=user("teacher"), student=pupil, since=SINCE, until=UNTIL)
    mine = {"1学期期末", "経年2026", "経年2025"}  # the demo ward has its own 学力経年調査 too
    assert [t.name for t in result.tests if t.name in mine] == ["1学期期末", "経年2026"]
    assert [t.name for t in result.longitudinal if t.name in mine] == ["経年2025", "経年2026"]
    assert [t.taken_on for t in result.tests] == sorted((t.taken_on for t in result.tests), reverse=True)
    assert [t.taken_on for t in result.longitudinal] == sorted(t.taken_on for t in result.longitudinal)
    assert result.tests[0].class_average == 80.0 and result.tests[0].score == 90.0
    own = selectors.pupil_learning(actor=user("guardian"), student=cast_pupil(), since=SINCE, until=UNTIL)
    assert all(t.class_average is None for t in own.tests)
