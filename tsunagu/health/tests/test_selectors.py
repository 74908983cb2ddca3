"""The reads: the pupil's day, the live class summary, the school summary and the board's counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tsunagu.core.scope import system_scope
from tsunagu.health import selectors, services
from tsunagu.health.models import Period
from tsunagu.health.services import Entry
from tsunagu.health.tests.builders import HealthSchool, build_health_school, last_weekday
from tsunagu.org.selectors import homeroom_list_current

pytestmark = pytest.mark.django_db


@pytest.fixture
def hs() -> HealthSchool:
    return build_health_school(pupils=6)


@pytest.fixture
def day() -> dt.date:
    return last_weekday(timezone.localdate())


def _talk_key(hs: HealthSchool, day: dt.date, pupil: int, to: int) -> str:
    with system_scope(reason="test"):
        enrolment = hs.pupils[pupil].enrolments.get()
    return services.talk_options(enrolment=enrolment, day=day)[to].key


def _answer_class(hs: HealthSchool, day: dt.date) -> None:
    """Pupil 0 sunny; 1 cloudy with a headache; 2 stormy and wants to talk to the teacher; 3 rainy and
    wants the nurse; 4 and 5 have not answered."""
    u = hs.pupil_users
    services.checkin_submit(actor=u[0], mood="sunny", day=day)
    services.checkin_submit(actor=u[1], mood="cloudy", symptoms=["headache"], day=day)
    services.checkin_submit(actor=u[2], mood="stormy", talk_to=_talk_key(hs, day, 2, 0), day=day)
    services.checkin_submit(actor=u[3], mood="rainy", talk_to=_talk_key(hs, day, 3, 1), day=day)


def test_the_class_summary_sorts_the_class_for_the_teacher(hs: HealthSchool, day: dt.date) -> None:
    _answer_class(hs, day)
    summary = selectors.class_summary_get(actor=hs.teacher, homeroom=hs.room, day=day)
    names = lambda lines: [line.student for line in lines]  # noqa: E731
    assert summary.answered_count == 4 and len(summary.lines) == 6
    assert names(summary.not_answered) == hs.pupils[4:]
    assert names(summary.attention) == hs.pupils[1:4]
    # The request to the nurse is hers (and the principal's), not the class teacher's.
    assert names(summary.talk_lines) == [hs.pupils[2]]
    assert summary.absence_reports == []


def test_the_nurse_sees_every_talk_request_in_the_class_summary(hs: HealthSchool, day: dt.date) -> None:
    _answer_class(hs, day)
    summary = selectors.class_summary_get(actor=hs.nurse, homeroom=hs.room, day=day)
    assert [line.student for line in summary.talk_lines] == hs.pupils[2:4]


def test_outsiders_get_nothing_from_the_class_summary(hs: HealthSchool, day: dt.date) -> None:
    _answer_class(hs, day)
    for actor in (hs.office, hs.outsider, hs.other_teacher, hs.board):
        summary = selectors.class_summary_get(actor=actor, homeroom=hs.room, day=day)
        assert summary.check_ins == [] and summary.talk_lines == []


def test_three_bad_mornings_in_a_row_put_a_pupil_on_the_watch_list(hs: HealthSchool, day: dt.date) -> None:
    days = [day - dt.timedelta(days=n) for n in (7, 14, 21)]  # the same weekday: all school days
    for n, d in enumerate(sorted(days)):
        services.checkins_record_for_class(
            actor=hs.teacher,
            homeroom=hs.room,
            day=d,
            entries=[
                Entry(student_id=hs.pupils[0].pk, mood="rainy"),
                Entry(student_id=hs.pupils[1].pk, mood="rainy" if n else "sunny"),
            ],
        )
    summary = selectors.class_summary_get(actor=hs.teacher, homeroom=hs.room, day=max(days))
    assert [line.student for line in summary.streaks] == [hs.pupils[0]]


@pytest.mark.parametrize("size", [3, 12])
def test_the_class_summary_costs_the_same_queries_for_any_class_size(size: int, day: dt.date) -> None:
    hs = build_health_school(pupils=size)
    for user in hs.pupil_users:
        services.checkin_submit(actor=user, mood="rainy", symptoms=["cough"], talk_to="", day=day)
    teacher = hs.teacher
    selectors.class_summary_get(actor=teacher, homeroom=hs.room, day=day)  # warm the role cache
    with CaptureQueriesContext(connection) as queries:
        summary = selectors.class_summary_get(actor=teacher, homeroom=hs.room, day=day)
    assert len(summary.attention) == size
    # The roster, the sessions, the check-ins, the talk requests, the last mornings' dates (with fewer
    # than three mornings the streak query is skipped), the guardians' absence reports.
    assert len(queries) == 6


def test_the_pupils_day_shows_the_answer_and_the_acknowledgements(hs: HealthSchool, day: dt.date) -> None:
    pupil = hs.pupil_users[2]
    before = selectors.pupil_day_get(actor=pupil, day=day)
    assert before.next_open is not None and before.next_open.period == Period.MORNING
    assert [o.role for o in before.talk_options] == ["homeroom_teacher", "nurse", "principal"]
    _answer_class(hs, day)
    after = selectors.pupil_day_get(actor=pupil, day=day)
    assert after.next_open is None
    morning = after.answered[0]
    assert morning.check_in is not None and morning.check_in.seen_at is None
    assert morning.talk is not None and morning.talk.is_open
    services.checkins_mark_seen(actor=hs.teacher, session=morning.check_in.session)
    services.talk_request_acknowledge(actor=hs.teacher, talk_request=morning.talk)
    seen = selectors.pupil_day_get(actor=pupil, day=day).answered[0]
    assert seen.check_in is not None and seen.check_in.seen_at is not None
    assert seen.talk is not None and not seen.talk.is_open
    # Once the teacher opens the afternoon check-in, it is the pupil's next one.
    services.checkin_session_open(actor=hs.teacher, homeroom=hs.room, day=day)
    afternoon = selectors.pupil_day_get(actor=pupil, day=day).next_open
    assert afternoon is not None and afternoon.period == Period.AFTERNOON


def test_a_pupil_never_reads_a_classmates_answer(hs: HealthSchool, day: dt.date) -> None:
    _answer_class(hs, day)
    own = selectors.pupil_day_get(actor=hs.pupil_users[0], day=day)
    assert [p.check_in.student for p in own.answered if p.check_in] == [hs.pupils[0]]
    summary = selectors.class_summary_get(actor=hs.pupil_users[0], homeroom=hs.room, day=day)
    assert [c.student for c in summary.check_ins] == [hs.pupils[0]]


def test_the_school_summary_counts_each_class(hs: HealthSchool, day: dt.date) -> None:
    _answer_class(hs, day)
    homerooms = homeroom_list_current(actor=hs.nurse, school=hs.school)
    summary = selectors.school_summary_get(actor=hs.nurse, school=hs.school, day=day, homerooms=homerooms)
    tile = next(t for t in summary.tiles if t.homeroom == hs.room)
    assert (tile.pupils, tile.answered, tile.attention) == (6, 4, 3)
    assert len(summary.talks) == 2 and len(summary.open_talks) == 2 and summary.escalated == []
    talk = summary.talks[0]
    services.talk_requests_escalate(school=hs.school, now=talk.respond_by + dt.timedelta(minutes=1))
    again = selectors.school_summary_get(actor=hs.principal, school=hs.school, day=day, homerooms=homerooms)
    assert len(again.escalated) == 2


def test_the_board_gets_counts_with_small_numbers_suppressed(hs: HealthSchool, day: dt.date) -> None:
    u = hs.pupil_users
    for user in u[:5]:
        services.checkin_submit(actor=user, mood="rainy", day=day)
    services.checkin_submit(actor=u[5], mood="sunny", symptoms=["fever"], day=day)
    (row,) = selectors.ward_aggregates(actor=hs.board, schools=[hs.school], day=day)
    assert (row.answered, row.bad_mood, row.symptoms) == (6, 5, None)
    (nothing,) = selectors.ward_aggregates(actor=hs.office, schools=[hs.school], day=day)
    assert (nothing.answered, nothing.bad_mood, nothing.symptoms) == (0, 0, 0)


def test_the_inbox_lists_open_requests_for_the_chosen_person(hs: HealthSchool, day: dt.date) -> None:
    _answer_class(hs, day)
    assert [t.student for t in selectors.open_talk_requests(actor=hs.teacher)] == [hs.pupils[2]]
    assert {t.student for t in selectors.open_talk_requests(actor=hs.nurse)} == set(hs.pupils[2:4])
    assert selectors.open_talk_requests(actor=hs.office) == []


def test_guardians_absence_reports_join_the_class_summary(hs: HealthSchool, day: dt.date) -> None:
    from decimal import Decimal

    from tsunagu.attendance.models import AbsenceReport, ReportStatus

    absent, withdrawn = hs.pupils[4], hs.pupils[5]
    with system_scope(reason="test: guardians report absences"):
        for pupil, status in ((absent, ReportStatus.PENDING), (withdrawn, ReportStatus.WITHDRAWN)):
            AbsenceReport.objects.create(
                student=pupil,
                school=hs.school,
                homeroom=hs.room,
                date=day,
                kind="absence",
                reason="illness",
                symptoms=["fever", "cough"],
                temperature=Decimal("38.2"),
                status=status,
            )
    for actor in (hs.teacher, hs.nurse, hs.principal):
        summary = selectors.class_summary_get(actor=actor, homeroom=hs.room, day=day)
        assert [line.student for line in summary.report_lines] == [absent]
        assert summary.absence_reports[0].symptoms == ["fever", "cough"]
    for actor in (hs.office, hs.outsider, hs.other_teacher):
        assert selectors.class_summary_get(actor=actor, homeroom=hs.room, day=day).absence_reports == []
