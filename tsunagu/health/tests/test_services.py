"""The check-in's write paths: the pupil's own answer, the teacher's class entry, acknowledgements and
escalation — validation in Japanese, one answer per session, and nobody writing outside their scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tsunagu.core.models import AuditEvent
from tsunagu.core.scope import system_scope
from tsunagu.health import services
from tsunagu.health.models import CheckInSession, HealthCheckIn, Period, Source, TalkRequest
from tsunagu.health.services import Entry
from tsunagu.health.tests.builders import HealthSchool, build_health_school, last_weekday, mark_day
from tsunagu.org.models import DayKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def hs() -> HealthSchool:
    return build_health_school()


@pytest.fixture
def day() -> dt.date:
    return last_weekday(timezone.localdate())


def messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


def test_a_pupil_checks_in_and_the_morning_session_opens_by_itself(hs: HealthSchool, day: dt.date) -> None:
    check_in = services.checkin_submit(
        actor=hs.pupil_users[0],
        mood="cloudy",
        symptoms=["fever", "headache", "fever"],
        comment=" 眠い ",
        day=day,
    )
    with system_scope(reason="test"):
        session = CheckInSession.objects.get(school=hs.school)
        assert (session.homeroom, session.date, session.period) == (hs.room, day, Period.MORNING)
        stored = HealthCheckIn.objects.get(session__school=hs.school)
    assert stored == check_in
    assert stored.student == hs.pupils[0]
    assert stored.symptoms == ["headache", "fever"]  # each once, in the fixed order
    assert stored.comment == "眠い"
    assert stored.source == Source.PUPIL
    assert stored.history.count() == 1


def test_a_pupil_answers_once_per_session(hs: HealthSchool, day: dt.date) -> None:
    services.checkin_submit(actor=hs.pupil_users[0], mood="sunny", day=day)
    with pytest.raises(ValidationError) as exc:
        services.checkin_submit(actor=hs.pupil_users[0], mood="rainy", day=day)
    assert "もう答えています" in messages(exc)


@pytest.mark.parametrize(
    "kwargs,expected",
    [
        ({"mood": ""}, "天気をえらんで"),
        ({"mood": "snowy"}, "気持ち"),
        ({"mood": "sunny", "symptoms": ["toothache"]}, "toothache"),
        ({"mood": "sunny", "comment": "あ" * 201}, "200"),
        ({"mood": "sunny", "talk_to": "not-a-teacher"}, "先生を"),
        ({"mood": "sunny", "period": Period.AFTERNOON}, "帰りの健康観察"),
    ],
)
def test_a_pupils_answer_is_validated_in_japanese(
    hs: HealthSchool, day: dt.date, kwargs: dict, expected: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.checkin_submit(actor=hs.pupil_users[0], day=day, **kwargs)
    assert expected in messages(exc)
    with system_scope(reason="test"):
        assert not HealthCheckIn.objects.filter(session__school=hs.school).exists()


def test_no_check_in_on_a_day_without_lessons(hs: HealthSchool, day: dt.date) -> None:
    mark_day(hs.school, day, DayKind.HOLIDAY)
    with pytest.raises(ValidationError) as exc:
        services.checkin_submit(actor=hs.pupil_users[0], mood="sunny", day=day)
    assert "授業のない日" in messages(exc)


def test_staff_cannot_check_in_as_a_pupil(hs: HealthSchool, day: dt.date) -> None:
    with pytest.raises(PermissionDenied):
        services.checkin_submit(actor=hs.teacher, mood="sunny", day=day)


def test_talk_options_name_the_class_teacher_the_nurse_and_the_principal(
    hs: HealthSchool, day: dt.date
) -> None:
    with system_scope(reason="test"):
        enrolment = hs.pupils[0].enrolments.get()
    options = services.talk_options(enrolment=enrolment, day=day)
    assert [o.role for o in options] == ["homeroom_teacher", "nurse", "principal"]
    assert options[0].name == "青山先生"
    assert hs.other_teacher.pk not in {o.user_id for o in options}


def test_a_talk_request_waits_for_the_chosen_teacher(hs: HealthSchool, day: dt.date) -> None:
    with system_scope(reason="test"):
        enrolment = hs.pupils[0].enrolments.get()
    teacher_option = services.talk_options(enrolment=enrolment, day=day)[0]
    before = timezone.now()
    check_in = services.checkin_submit(
        actor=hs.pupil_users[0], mood="stormy", talk_to=teacher_option.key, day=day
    )
    with system_scope(reason="test"):
        talk = TalkRequest.objects.get(school=hs.school)
    assert talk.check_in == check_in and talk.requested_of == hs.teacher and talk.school == hs.school
    assert talk.respond_by >= before + dt.timedelta(minutes=services.DEFAULT_TALK_RESPONSE_MINUTES)
    assert talk.is_open


def _talk(hs: HealthSchool, day: dt.date, pupil: int = 0, to: int = 0) -> TalkRequest:
    with system_scope(reason="test"):
        enrolment = hs.pupils[pupil].enrolments.get()
    option = services.talk_options(enrolment=enrolment, day=day)[to]
    services.checkin_submit(actor=hs.pupil_users[pupil], mood="rainy", talk_to=option.key, day=day)
    with system_scope(reason="test"):
        return TalkRequest.objects.get(student=hs.pupils[pupil])


def test_the_chosen_teacher_acknowledges_and_it_is_idempotent(hs: HealthSchool, day: dt.date) -> None:
    talk = _talk(hs, day)
    first = services.talk_request_acknowledge(actor=hs.teacher, talk_request=talk)
    again = services.talk_request_acknowledge(actor=hs.nurse, talk_request=talk)
    assert first.acknowledged_by == hs.teacher
    assert again.acknowledged_by == hs.teacher and again.acknowledged_at == first.acknowledged_at


@pytest.mark.parametrize("who", ["other_teacher", "office", "outsider", "board"])
def test_others_cannot_acknowledge(hs: HealthSchool, day: dt.date, who: str) -> None:
    talk = _talk(hs, day)
    with pytest.raises(PermissionDenied):
        services.talk_request_acknowledge(actor=getattr(hs, who), talk_request=talk)


def test_a_request_to_the_nurse_is_not_the_class_teachers_business(hs: HealthSchool, day: dt.date) -> None:
    talk = _talk(hs, day, to=1)
    assert talk.requested_of == hs.nurse
    with pytest.raises(PermissionDenied):
        services.talk_request_acknowledge(actor=hs.teacher, talk_request=talk)
    assert not TalkRequest.objects.visible_to(hs.teacher, "view").exists()
    assert TalkRequest.objects.visible_to(hs.principal, "view").count() == 1


def test_unacknowledged_requests_escalate_once_when_due(hs: HealthSchool, day: dt.date) -> None:
    due = _talk(hs, day, pupil=0)
    seen = _talk(hs, day, pupil=1)
    services.talk_request_acknowledge(actor=hs.teacher, talk_request=seen)
    assert services.talk_requests_escalate(school=hs.school, now=timezone.now()) == []  # not due yet
    later = due.respond_by + dt.timedelta(seconds=1)
    escalated = services.talk_requests_escalate(school=hs.school, now=later)
    assert [t.pk for t in escalated] == [due.pk]
    assert (
        services.talk_requests_escalate(school=hs.school, now=later + dt.timedelta(hours=1)) == []
    )  # idempotent
    with system_scope(reason="test"):
        due.refresh_from_db()
        seen.refresh_from_db()
    assert due.escalated_at == later and seen.escalated_at is None
    reasons = AuditEvent.objects.filter(kind="system_scope").values_list("detail__reason", flat=True)
    assert "health: escalate unacknowledged talk requests" in set(reasons)


def test_escalation_from_a_page_load_stays_in_the_actors_scope(hs: HealthSchool, day: dt.date) -> None:
    talk = _talk(hs, day)
    later = talk.respond_by + dt.timedelta(minutes=5)
    assert services.talk_requests_escalate(actor=hs.office, now=later) == []
    assert [t.pk for t in services.talk_requests_escalate(actor=hs.nurse, now=later)] == [talk.pk]


def test_the_teacher_enters_the_class_on_one_screen(hs: HealthSchool, day: dt.date) -> None:
    services.checkin_submit(actor=hs.pupil_users[0], mood="sunny", day=day)
    p = [pupil.pk for pupil in hs.pupils]
    changed = services.checkins_record_for_class(
        actor=hs.teacher,
        homeroom=hs.room,
        day=day,
        entries=[
            Entry(student_id=p[0], mood="sunny"),  # unchanged pupil answer: kept as is
            Entry(student_id=p[1], mood="cloudy", symptoms=["cough"]),
            Entry(student_id=p[2], symptoms=["fever"], comment="欠席・保護者から電話"),  # absent: no mood
            Entry(student_id=p[3]),  # nothing entered
        ],
    )
    assert changed == 2
    with system_scope(reason="test"):
        rows = {c.student_id: c for c in HealthCheckIn.objects.filter(session__school=hs.school)}
    assert set(rows) == {p[0], p[1], p[2]}
    assert rows[p[0]].source == Source.PUPIL
    assert rows[p[2]].source == Source.TEACHER and rows[p[2]].mood == ""


def test_the_teacher_corrects_an_answer_and_history_keeps_the_original(
    hs: HealthSchool, day: dt.date
) -> None:
    services.checkin_submit(actor=hs.pupil_users[0], mood="stormy", day=day)
    services.checkins_record_for_class(
        actor=hs.teacher, homeroom=hs.room, day=day, entries=[Entry(student_id=hs.pupils[0].pk, mood="rainy")]
    )
    with system_scope(reason="test"):
        check_in = HealthCheckIn.objects.get(session__school=hs.school)
        moods = list(check_in.history.order_by("history_id").values_list("mood", flat=True))
    assert moods == ["stormy", "rainy"]


@pytest.mark.parametrize("who", ["other_teacher", "nurse", "principal", "office", "outsider"])
def test_only_the_class_teacher_enters_for_the_class(hs: HealthSchool, day: dt.date, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.checkins_record_for_class(
            actor=getattr(hs, who),
            homeroom=hs.room,
            day=day,
            entries=[Entry(student_id=hs.pupils[0].pk, mood="sunny")],
        )


def test_the_teacher_cannot_enter_pupils_of_another_class(hs: HealthSchool, day: dt.date) -> None:
    with system_scope(reason="test"):
        stranger = hs.other_room.enrolments.first().student  # type: ignore[union-attr]
    with pytest.raises(ValidationError) as exc:
        services.checkins_record_for_class(
            actor=hs.teacher, homeroom=hs.room, day=day, entries=[Entry(student_id=stranger.pk, mood="sunny")]
        )
    assert "このクラスの児童生徒ではありません" in messages(exc)
    with system_scope(reason="test"):
        assert not HealthCheckIn.objects.filter(session__school=hs.school).exists()


def test_the_afternoon_check_in_opens_when_the_teacher_says_so(hs: HealthSchool, day: dt.date) -> None:
    with pytest.raises(PermissionDenied):
        services.checkin_session_open(actor=hs.pupil_users[0], homeroom=hs.room, day=day)
    session = services.checkin_session_open(actor=hs.teacher, homeroom=hs.room, day=day)
    assert services.checkin_session_open(actor=hs.teacher, homeroom=hs.room, day=day) == session
    check_in = services.checkin_submit(
        actor=hs.pupil_users[0], mood="sunny", period=Period.AFTERNOON, day=day
    )
    assert check_in.session == session and session.period == Period.AFTERNOON


def test_marking_seen_keeps_the_first_acknowledgement(hs: HealthSchool, day: dt.date) -> None:
    first = services.checkin_submit(actor=hs.pupil_users[0], mood="sunny", day=day)
    assert services.checkins_mark_seen(actor=hs.teacher, session=first.session) == 1
    services.checkin_submit(actor=hs.pupil_users[1], mood="cloudy", day=day)
    assert services.checkins_mark_seen(actor=hs.nurse, session=first.session) == 1
    assert services.checkins_mark_seen(actor=hs.office, session=first.session) == 0
    with system_scope(reason="test"):
        seen_by = dict(
            HealthCheckIn.objects.filter(session__school=hs.school).values_list("student_id", "seen_by")
        )
    assert seen_by == {hs.pupils[0].pk: hs.teacher.pk, hs.pupils[1].pk: hs.nurse.pk}


def test_the_periodic_command_escalates_what_is_due(hs: HealthSchool, day: dt.date) -> None:
    from io import StringIO

    from django.core.management import call_command

    talk = _talk(hs, day)
    with system_scope(reason="test: the response time has passed"):
        TalkRequest.objects.filter(pk=talk.pk).update(respond_by=timezone.now() - dt.timedelta(minutes=1))
    out = StringIO()
    call_command("health_escalate", stdout=out)
    assert "escalated" in out.getvalue()
    with system_scope(reason="test"):
        talk.refresh_from_db()
    assert talk.escalated_at is not None


def test_a_vice_principal_is_offered_as_such(ward: object) -> None:
    """Principal and vice-principal both hold the principal's rights; the pupil sees which is which."""
    from tsunagu.health.services import talk_options
    from tsunagu.students.models import Enrolment

    with system_scope(reason="test set-up"):
        enrolment = Enrolment.objects.get(student__user__username="student", end_date__isnull=True)
        roles = [option.role for option in talk_options(enrolment=enrolment)]
    assert roles.count("principal") == 1 and roles.count("vice_principal") == 1
