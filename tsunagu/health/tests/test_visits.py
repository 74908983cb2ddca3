"""保健室来室記録 and 保健日誌 through the services and selectors: the nurse's entry and its rules, the
class teacher's notice and outline (no detail unless shared), the early leave reaching the 出席簿 once,
and the daily log equalling the records it is computed from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tsunagu.attendance.models import AttendanceMark, Mark
from tsunagu.attendance.services import MarkEntry, register_day_save
from tsunagu.core.scope import system_scope
from tsunagu.health import selectors, services
from tsunagu.health.models import (
    CheckInSession,
    HealthCheckIn,
    HealthNotice,
    NurseVisit,
    Outcome,
    Period,
    RegisterState,
    Source,
    VisitCategory,
)
from tsunagu.health.services import VisitInput
from tsunagu.health.tests.builders import HealthSchool, build_health_school, last_weekday, mark_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def hs() -> HealthSchool:
    return build_health_school()


@pytest.fixture
def day(hs: HealthSchool) -> dt.date:
    school_day = last_weekday(timezone.localdate())
    mark_day(hs.school, school_day)
    return school_day


def illness(**kw: Any) -> VisitInput:
    values: dict[str, Any] = {"time_in": dt.time(10, 5), "category": VisitCategory.ILLNESS}
    values.update(kw)
    return VisitInput(**values)


def record(hs: HealthSchool, day: dt.date, pupil: int = 0, **kw: Any) -> NurseVisit:
    return services.nurse_visit_record(actor=hs.nurse, student=hs.pupils[pupil], day=day, data=illness(**kw))


def test_the_nurse_records_a_visit_and_the_class_teacher_gets_a_notice(
    hs: HealthSchool, day: dt.date
) -> None:
    visit = record(
        hs, day, complaints=["fever", "headache", "fever"], temperature=Decimal("37.8"), note=" 朝から "
    )
    assert (visit.school, visit.homeroom, visit.date, visit.recorded_by) == (
        hs.school,
        hs.room,
        day,
        hs.nurse,
    )
    assert visit.complaints == ["headache", "fever"]  # each once, in the fixed order
    assert visit.note == "朝から"
    assert visit.history.count() == 1
    notices = selectors.visit_outlines(actor=hs.teacher, day=day)
    assert [o.visit for o in notices] == [visit]
    assert notices[0].unread
    assert selectors.visit_outlines(actor=hs.other_teacher, day=day) == []


def test_bad_input_is_refused_field_by_field_and_nothing_is_written(hs: HealthSchool, day: dt.date) -> None:
    with pytest.raises(ValidationError) as exc:
        record(
            hs,
            day,
            category="",
            temperature=Decimal("45"),
            pulse=10,
            complaints=["nonsense"],
            time_out=dt.time(9, 0),
        )
    assert set(exc.value.message_dict) >= {
        "category",
        "temperature",
        "pulse",
        "complaints",
        "time_out",
        "outcome",
    }
    assert "体温" in " ".join(exc.value.message_dict["temperature"])
    with system_scope(reason="test"):
        assert not NurseVisit.objects.filter(school=hs.school).exists()
        assert not HealthNotice.objects.filter(school=hs.school).exists()


def test_completing_an_injury_needs_what_the_insurance_claim_asks(hs: HealthSchool, day: dt.date) -> None:
    data: dict[str, Any] = {
        "category": VisitCategory.INJURY,
        "time_out": dt.time(10, 20),
        "outcome": Outcome.BACK_TO_CLASS,
    }
    with pytest.raises(ValidationError) as exc:
        record(hs, day, **data)
    assert set(exc.value.message_dict) == {"injury_place", "injury_activity", "body_part"}
    visit = record(hs, day, **data, injury_place="playground", injury_activity="lunch_break", body_part="leg")
    assert (visit.injury_place, visit.injury_activity, visit.body_part) == (
        "playground",
        "lunch_break",
        "leg",
    )
    # Injury details are kept only for injuries.
    other = record(hs, day, injury_place="playground")
    assert other.injury_place == ""


def test_only_the_nurse_of_the_pupils_school_records(hs: HealthSchool, day: dt.date) -> None:
    for actor in (hs.teacher, hs.office, hs.principal, hs.board, hs.pupil_users[0]):
        with pytest.raises(PermissionDenied):
            services.nurse_visit_record(actor=actor, student=hs.pupils[0], day=day, data=illness())
    other = build_health_school()
    with pytest.raises(ValidationError) as exc:
        services.nurse_visit_record(actor=other.nurse, student=hs.pupils[0], day=day, data=illness())
    assert "student" in exc.value.message_dict


def test_the_teacher_sees_time_category_and_outcome_but_no_detail_unless_shared(
    hs: HealthSchool, day: dt.date
) -> None:
    visit = record(hs, day, complaints=["stomach_ache"], note="家庭の事情で眠れていない")
    [outline] = selectors.visit_outlines(actor=hs.teacher, day=day)
    assert outline.complaint_labels == [] and outline.note == ""
    data = illness(complaints=["stomach_ache"], note="家庭の事情で眠れていない", shared_with_teacher=True)
    services.nurse_visit_record(actor=hs.nurse, visit=visit, data=data)
    [outline] = selectors.visit_outlines(actor=hs.teacher, day=day)
    assert outline.note == "家庭の事情で眠れていない"
    assert outline.complaint_labels == ["腹痛"]


def test_a_changed_outcome_makes_the_notice_unread_again(hs: HealthSchool, day: dt.date) -> None:
    visit = record(hs, day)
    notice = HealthNotice.objects.visible_to(hs.teacher).get(visit=visit)
    services.health_notice_mark_read(actor=hs.teacher, notice=notice)
    assert selectors.visit_outlines(actor=hs.teacher, unread_only=True) == []
    services.nurse_visit_record(
        actor=hs.nurse, visit=visit, data=illness(time_out=dt.time(10, 40), outcome=Outcome.REST_THEN_CLASS)
    )
    assert [o.visit.pk for o in selectors.visit_outlines(actor=hs.teacher, unread_only=True)] == [visit.pk]
    with pytest.raises(PermissionDenied):
        services.health_notice_mark_read(actor=hs.other_teacher, notice=notice)


def test_an_early_leave_reaches_the_register_from_the_nurses_entry(hs: HealthSchool, day: dt.date) -> None:
    visit = record(
        hs,
        day,
        complaints=["fever"],
        time_out=dt.time(11, 15),
        outcome=Outcome.EARLY_LEAVE,
        guardian_contacted_at=dt.time(10, 50),
        guardian_contact="mother",
    )
    # Entered once: the nurse's entry writes the 早退 with its time; the teacher types nothing.
    assert visit.register_state == RegisterState.WRITTEN
    mark = AttendanceMark.objects.visible_to(hs.teacher).get(student=hs.pupils[0], date=day)
    assert (mark.kind, mark.left_at, mark.homeroom) == (Mark.EARLY_LEAVE, dt.time(11, 15), hs.room)
    assert "10:50" in mark.reason and "発熱" not in mark.reason  # no diagnosis in the register
    services.visit_register_early_leave(actor=hs.teacher, visit=visit)  # idempotent
    assert AttendanceMark.objects.visible_to(hs.teacher).filter(student=hs.pupils[0], date=day).count() == 1


def test_an_early_leave_the_register_refuses_waits_for_the_teachers_one_tap(
    hs: HealthSchool, day: dt.date
) -> None:
    register_day_save(
        actor=hs.teacher,
        homeroom=hs.room,
        day=day,
        entries=[MarkEntry(student_id=hs.pupils[0].pk, kind=Mark.ABSENT_ILLNESS)],
    )
    visit = record(hs, day, complaints=["fever"], time_out=dt.time(11, 15), outcome=Outcome.EARLY_LEAVE)
    # Marked absent that morning: a person must judge, so the visit waits for the class teacher.
    assert visit.register_state == RegisterState.WAITING
    with pytest.raises(PermissionDenied):
        services.visit_register_early_leave(actor=hs.other_teacher, visit=visit)


def test_a_late_pupil_who_leaves_early_keeps_the_late_mark(hs: HealthSchool, day: dt.date) -> None:
    register_day_save(
        actor=hs.teacher,
        homeroom=hs.room,
        day=day,
        entries=[MarkEntry(student_id=hs.pupils[1].pk, kind=Mark.LATE, time=dt.time(9, 10), detail="通院")],
    )
    visit = record(hs, day, pupil=1, time_out=dt.time(13, 0), outcome=Outcome.EARLY_LEAVE)
    services.visit_register_early_leave(actor=hs.teacher, visit=visit)
    mark = AttendanceMark.objects.visible_to(hs.teacher).get(student=hs.pupils[1], date=day)
    assert (mark.kind, mark.arrived_at, mark.left_at, mark.reason) == (
        Mark.LATE,
        dt.time(9, 10),
        dt.time(13, 0),
        "通院",
    )


def test_the_daily_log_equals_the_records(hs: HealthSchool, day: dt.date) -> None:
    p = hs.pupils
    register_day_save(
        actor=hs.teacher,
        homeroom=hs.room,
        day=day,
        entries=[
            MarkEntry(student_id=p[0].pk, kind=Mark.ABSENT_ILLNESS, detail="発熱"),
            MarkEntry(student_id=p[1].pk, kind=Mark.SUSPENDED_INFECTION, detail="インフルエンザ"),
            MarkEntry(student_id=p[2].pk, kind=Mark.LATE, time=dt.time(9, 0), detail="通院"),
        ],
    )
    with system_scope(reason="test builds check-ins"):
        session = CheckInSession.objects.create(
            school=hs.school, homeroom=hs.room, date=day, period=Period.MORNING
        )
        for pupil, mood, symptoms in [
            (p[2], "rainy", ["headache"]),
            (p[3], "sunny", []),
            (p[0], "", ["fever"]),
        ]:
            HealthCheckIn.objects.create(
                session=session, student=pupil, mood=mood, symptoms=symptoms, source=Source.TEACHER
            )
    record(hs, day, pupil=2, complaints=["headache"], time_out=dt.time(10, 30), outcome=Outcome.BACK_TO_CLASS)
    record(
        hs, day, pupil=3, complaints=["stomach_ache"], time_out=dt.time(11, 0), outcome=Outcome.EARLY_LEAVE
    )
    record(
        hs,
        day,
        pupil=3,
        category=VisitCategory.INJURY,
        complaints=["graze"],
        injury_place="playground",
        injury_activity="lunch_break",
        body_part="leg",
    )
    log = selectors.daily_log_get(actor=hs.nurse, school=hs.school, day=day)
    rows = {row.homeroom.pk: row for row in log.classes}
    mine, other = rows[hs.room.pk], rows[hs.other_room.pk]
    # The early leave counts: the nurse's entry wrote it to the register.
    assert (mine.enrolled, mine.absent, mine.excused, mine.late, mine.early_leave, mine.visits) == (
        4,
        1,
        1,
        1,
        1,
        3,
    )
    assert mine.reasons == {"発熱": 1, "インフルエンザ": 1}
    assert (other.enrolled, other.absent, other.visits, other.reasons) == (4, 0, 0, {})
    assert log.suspensions == {"インフルエンザ": 1}
    assert log.visits_by_category == {"illness": 2, "injury": 1, "consultation": 0, "other": 0}
    assert log.complaints == {"頭痛": 1, "腹痛": 1, "すり傷": 1}
    assert [v.outcome for v in log.notable] == [Outcome.EARLY_LEAVE]
    assert (log.checkin_answered, log.checkin_bad_mood, log.talk_requests) == (3, 1, 0)
    assert log.checkin_symptoms == {"頭痛": 1, "発熱": 1}
    assert log.totals.enrolled == 8 and log.totals.visits == 3
    assert log.entry is None
    services.daily_log_save(actor=hs.nurse, school=hs.school, day=day, weather="rainy", events="避難訓練")
    log = selectors.daily_log_get(actor=hs.nurse, school=hs.school, day=day)
    assert log.entry is not None and (log.entry.weather, log.entry.events) == ("rainy", "避難訓練")
    # The principal reads the same log; the class teacher and office staff get nothing of it.
    assert selectors.daily_log_get(actor=hs.principal, school=hs.school, day=day).visits_by_category == (
        log.visits_by_category
    )
    assert selectors.visit_list_day(actor=hs.office, school=hs.school, day=day) == []
    with pytest.raises(PermissionDenied):
        services.daily_log_save(actor=hs.teacher, school=hs.school, day=day, weather="sunny")


def test_the_daily_log_refuses_bad_readings(hs: HealthSchool, day: dt.date) -> None:
    with pytest.raises(ValidationError) as exc:
        services.daily_log_save(actor=hs.nurse, school=hs.school, day=day, humidity=120, weather="foggy")
    assert set(exc.value.message_dict) == {"humidity", "weather"}


def test_statistics_count_by_category_weekday_hour_and_place(hs: HealthSchool, day: dt.date) -> None:
    record(hs, day, time_in=dt.time(8, 20))
    record(
        hs,
        day,
        time_in=dt.time(12, 40),
        category=VisitCategory.INJURY,
        injury_place="playground",
        injury_activity="lunch_break",
    )
    stats = selectors.visit_statistics(actor=hs.nurse, school=hs.school, start=day, end=day)
    assert stats.total == 2
    assert stats.by_category["illness"] == 1 and stats.by_category["injury"] == 1
    assert stats.by_weekday[day.weekday()] == 2
    assert stats.by_hour[8] == 1 and stats.by_hour[12] == 1
    assert stats.by_place["playground"] == 1 and stats.by_activity["lunch_break"] == 1
    assert selectors.visit_statistics(actor=hs.teacher, school=hs.school, start=day, end=day).total == 0


def test_pupil_search_folds_width_and_kana(hs: HealthSchool, day: dt.date) -> None:
    found = selectors.pupil_search(actor=hs.nurse, school=hs.school, day=day, query="ｹｲｿｸ")
    assert {e.student_id for e in found} == {p.pk for p in hs.pupils} | {
        e.student_id
        for e in selectors.pupil_search(
            actor=hs.nurse, school=hs.school, day=day, query="", homeroom=hs.other_room
        )
    }
    assert (
        selectors.pupil_search(actor=hs.office, school=hs.school, day=day, query="けいそく") != []
    )  # roster right
    assert selectors.pupil_search(actor=hs.nurse, school=hs.school, day=day, query="") == []


def test_the_log_of_a_600_pupil_school_prints_on_one_a4_page() -> None:
    """Twenty classes of thirty, absences with reasons in every class, a dozen notable visits."""
    import re

    from tsunagu.accounts.models import RoleAssignment, User
    from tsunagu.core.pdf import render_pdf
    from tsunagu.health.pdf import daily_log_data
    from tsunagu.students.models import Enrolment
    from tsunagu.students.tests.builders import build_school

    built = build_school(homerooms=20, pupils_per_homeroom=30)
    school = built["school"]
    day = last_weekday(timezone.localdate())
    with system_scope(reason="test fills a big school's day"):
        mark_day(school, day)
        nurse = User.objects.create_user("big-nurse", password="unused-password-123")
        RoleAssignment.objects.create(
            user=nurse, role="nurse", school=school, school_year=built["rooms"][0].school_year
        )
        enrolments = list(Enrolment.objects.filter(school=school).order_by("homeroom_id", "roll_number"))
        marks, visits = [], []
        for i, e in enumerate(enrolments):
            if i % 10 == 0:
                marks.append(
                    AttendanceMark(
                        student_id=e.student_id,
                        school=school,
                        homeroom_id=e.homeroom_id,
                        date=day,
                        kind=Mark.ABSENT_ILLNESS,
                        reason="発熱",
                    )
                )
            elif i % 10 == 1:
                marks.append(
                    AttendanceMark(
                        student_id=e.student_id,
                        school=school,
                        homeroom_id=e.homeroom_id,
                        date=day,
                        kind=Mark.SUSPENDED_INFECTION,
                        disease="インフルエンザ",
                    )
                )
            elif i % 25 == 2:
                visits.append(
                    NurseVisit(
                        school=school,
                        student_id=e.student_id,
                        homeroom_id=e.homeroom_id,
                        date=day,
                        time_in=dt.time(10, 0),
                        time_out=dt.time(11, 0),
                        category="illness",
                        complaints=["fever", "headache"],
                        outcome=Outcome.EARLY_LEAVE,
                    )
                )
        AttendanceMark.objects.bulk_create(marks)
        NurseVisit.objects.bulk_create(visits)
    log = selectors.daily_log_get(actor=nurse, school=school, day=day)
    assert len(log.classes) == 20 and log.totals.enrolled == 600 and len(log.notable) == len(visits) >= 12
    pdf = render_pdf("health/typst/daily_log.typ", daily_log_data(log))
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
