"""Demo data of the daily health check-in: answers of every class on the last school days.

Most pupils answer 晴れ or くもり with now and then a symptom; younger pupils' answers are entered by
their teacher. Pupils away that day answer nothing and see no nurse: both steps run after the
attendance demo's register (steps 50–51) and skip a pupil the register marks absent, suspended, in
mourning or at the support centre, a class closed that day, and a pupil whose guardian reported an
absence this morning. In さくら小 4年1組 (the cast teacher's class) four pupils tell a
story the summary should catch (issue 4 §7): one with stomach aches in the mornings, one unwell on
Mondays, one whose mood declines over three weeks, and one who always answers 晴れ. Talk requests are
mostly acknowledged; today one waits for the class teacher and an older one nobody answered has been
escalated. The cast pupil (``student``) has not answered today, so the demo can start with them.

Rows are written in bulk (no change history: they were never changed). The number of days depends on
the scale, because the ``city`` ward has 50,000 pupils.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from tsunagu.accounts.models import RoleAssignment
from tsunagu.attendance.models import (
    MARK_CATEGORY,
    AbsenceReport,
    AttendanceMark,
    Category,
    Closure,
    ClosureScope,
    Mark,
    ReportKind,
    ReportStatus,
)
from tsunagu.demo.steps import DemoContext, demo_step
from tsunagu.health.models import CheckInSession, HealthCheckIn, Mood, Period, Source, Symptom, TalkRequest
from tsunagu.org.models import DayKind, Homeroom, SchoolDay
from tsunagu.students.models import Enrolment

#: School days of answers per scale (the mood decline takes three weeks at the demo's ``small`` scale;
#: the ``tiny`` ward of the tests, seeded once per test process, keeps it short).
DAYS_BY_SCALE = {"tiny": 8, "small": 30, "city": 3}
BATCH = 2000
MOODS = [Mood.SUNNY, Mood.CLOUDY, Mood.RAINY, Mood.STORMY]
MOOD_WEIGHTS = [55, 31, 10, 4]
COMMON_SYMPTOMS = [Symptom.SLEEPY, Symptom.TIRED, Symptom.RUNNY_NOSE, Symptom.COUGH, Symptom.HEADACHE]
RARE_SYMPTOMS = [Symptom.STOMACH_ACHE, Symptom.SORE_THROAT, Symptom.FEVER, Symptom.NAUSEA, Symptom.INJURY]
COMMENTS = [
    "きのう夜ふかしした",
    "朝ごはんを食べていない",
    "週末にサッカーの試合があった",
    "妹が熱を出した",
    "楽しみな行事がある",
]


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _school_days(ctx: DemoContext, count: int) -> dict[int, list[dt.date]]:
    """The last ``count`` instructional days up to today of each school, oldest first."""
    days: dict[int, list[dt.date]] = defaultdict(list)
    rows = (
        SchoolDay.objects.filter(
            school__in=list(ctx.schools.values()),
            kind=DayKind.INSTRUCTIONAL,
            date__gte=ctx.school_year.start_date,
            date__lte=ctx.today,
        )
        .order_by("school_id", "-date")
        .values_list("school_id", "date")
    )
    for school_id, day in rows:
        if len(days[school_id]) < count:
            days[school_id].append(day)
    return {school_id: sorted(found) for school_id, found in days.items()}


#: Marks of a pupil who was not in class that morning (absent, suspended, mourning, the support centre).
AWAY = frozenset(k for k, c in MARK_CATEGORY.items() if c != Category.PRESENT) | {Mark.DEEMED_PRESENT}


def _away(ctx: DemoContext, enrolments: list[Any], first: dt.date) -> set[tuple[int, dt.date]]:
    """(pupil, day) from ``first`` to today on which the pupil was not at school: the register's marks
    of a whole day away, the days their class, grade or school was closed, and today's absence reports
    from guardians (today's register is not taken yet). Three queries."""
    ids = [e.student_id for e in enrolments]
    away = set(
        AttendanceMark.objects.filter(student_id__in=ids, date__gte=first, date__lte=ctx.today, kind__in=AWAY)
        .values_list("student_id", "date")
        .iterator()
    )
    away |= set(
        AbsenceReport.objects.filter(student_id__in=ids, date=ctx.today, kind=ReportKind.ABSENCE)
        .exclude(status=ReportStatus.WITHDRAWN)
        .values_list("student_id", "date")
    )
    for closure in Closure.objects.filter(
        school_year=ctx.school_year, end_date__gte=first, start_date__lte=ctx.today
    ):
        closed = [
            e
            for e in enrolments
            if e.school_id == closure.school_id
            and (
                closure.scope == ClosureScope.SCHOOL
                or (closure.scope == ClosureScope.GRADE and e.grade_level_id == closure.grade_level_id)
                or (closure.scope == ClosureScope.HOMEROOM and e.homeroom_id == closure.homeroom_id)
            )
        ]
        day = max(first, closure.start_date)
        while day <= min(ctx.today, closure.end_date):
            away |= {(e.student_id, day) for e in closed}
            day += dt.timedelta(days=1)
    return away


def _story_pupils(ctx: DemoContext, enrolments: list[Any]) -> dict[int, str]:
    """Four pupils of さくら小 4年1組 (not the cast's own child, not under 住所秘匿) and their story."""
    sakura = ctx.schools.get("sakura")
    if sakura is None:
        return {}
    room = Homeroom.objects.filter(
        school=sakura, school_year=ctx.school_year, grade_level__code="P4", name="1組"
    ).first()
    if room is None:
        return {}
    candidates = [
        e
        for e in sorted(enrolments, key=lambda e: (e.roll_number or 0, e.student_id))
        if e.homeroom_id == room.pk and e.student.user_id is None and not e.student.address_protected
    ]
    stories = ["stomach_mornings", "unwell_mondays", "declining", "always_sunny"]
    return {e.student_id: story for e, story in zip(candidates, stories, strict=False)}


def _answer(
    ctx: DemoContext, story: str | None, day: dt.date, index: int, total: int
) -> tuple[str, list[str]]:
    """Mood and symptoms of one pupil on one day (``index`` of ``total`` days, oldest first)."""
    rng = ctx.rng
    if story == "always_sunny":
        return Mood.SUNNY, []
    if story == "stomach_mornings":
        return rng.choice([Mood.CLOUDY, Mood.CLOUDY, Mood.RAINY]), [Symptom.STOMACH_ACHE]
    if story == "unwell_mondays" and day.weekday() == 0:
        return Mood.RAINY, rng.choice([[Symptom.HEADACHE, Symptom.TIRED], [Symptom.TIRED], [Symptom.NAUSEA]])
    if story == "declining":
        # Three weeks from 晴れ to かみなり: the last three mornings are all 雨 or かみなり.
        step = min(3, (index * 4) // max(total, 1))
        if index >= total - 3:
            step = max(step, 2)
        return MOODS[step], [Symptom.TIRED] if step >= 2 else []
    mood = rng.choices(MOODS, MOOD_WEIGHTS)[0]
    symptoms: list[str] = []
    roll = rng.random()
    if roll < 0.10:
        symptoms = [rng.choice(COMMON_SYMPTOMS)]
    elif roll < 0.13:
        symptoms = [rng.choice(RARE_SYMPTOMS)]
    return mood, symptoms


def _talk_state(ctx: DemoContext, day: dt.date, story: str | None) -> str:
    """What became of a talk request: today's wait; of the last days some are escalated and still
    open; older ones were acknowledged in time, or escalated and then taken up by the nurse."""
    if day >= ctx.today:
        return "open"
    if story == "declining":
        return "escalated"
    if day >= ctx.today - dt.timedelta(days=3):
        return "acknowledged" if ctx.rng.random() < 0.8 else "escalated"
    return "acknowledged" if ctx.rng.random() < 0.9 else "escalated_then_seen"


@demo_step(order=52)
def health_check_ins(ctx: DemoContext) -> None:
    """Morning check-ins of every class for the last school days (see the module docstring); after the
    register, so that nobody the register marks absent answers."""
    count = DAYS_BY_SCALE.get(ctx.scale, 10)
    days_by_school = _school_days(ctx, count)
    if not days_by_school:
        return
    enrolments = list(
        Enrolment.objects.filter(
            school_year=ctx.school_year, homeroom__isnull=False, school__in=list(days_by_school)
        )
        .select_related("student__user", "grade_level")
        .order_by("homeroom_id", "roll_number", "student_id")
    )
    teachers = {
        a.homeroom_id: a.user_id
        for a in RoleAssignment.objects.filter(role="homeroom_teacher", school_year=ctx.school_year).order_by(
            "pk"
        )
    }
    helpers: dict[int, list[tuple[int, str]]] = defaultdict(list)  # school → [(user, role)] for talks
    for a in RoleAssignment.objects.filter(
        Q(role__in=["nurse", "principal"]), school_year=ctx.school_year, school__in=list(days_by_school)
    ).order_by("role", "pk"):
        if a.school_id is not None:
            helpers[a.school_id].append((a.user_id, a.role))
    stories = _story_pupils(ctx, enrolments)
    today = ctx.today
    away = _away(ctx, enrolments, min(min(d) for d in days_by_school.values() if d))

    sessions: dict[tuple[int, dt.date], CheckInSession] = {}
    for e in enrolments:
        for day in days_by_school.get(e.school_id, []):
            key = (e.homeroom_id, day)
            if key not in sessions and (e.student_id, day) not in away:
                sessions[key] = CheckInSession(
                    school_id=e.school_id, homeroom_id=e.homeroom_id, date=day, period=Period.MORNING
                )
    CheckInSession.objects.bulk_create(list(sessions.values()), batch_size=BATCH)

    check_ins: list[HealthCheckIn] = []
    # (index of the check-in, user asked, their role, day, what became of it)
    talk_plans: list[tuple[int, int, str, dt.date, str]] = []
    for e in enrolments:
        school_days = days_by_school.get(e.school_id, [])
        story = stories.get(e.student_id)
        is_cast_pupil = e.student.user_id is not None and e.student.user.username == "student"
        teacher = teachers.get(e.homeroom_id)
        for index, day in enumerate(school_days):
            if day < e.start_date or (e.end_date and day > e.end_date) or (e.student_id, day) in away:
                continue
            if day == today and (is_cast_pupil or (story is None and ctx.rng.random() < 0.3)):
                continue  # not answered yet this morning
            mood, symptoms = _answer(ctx, story, day, index, len(school_days))
            younger = e.grade_level.stage == "P" and e.grade_level.number == 1
            source = Source.TEACHER if younger else Source.PUPIL
            comment = ctx.rng.choice(COMMENTS) if ctx.rng.random() < 0.02 else ""
            seen = day < today
            check_ins.append(
                HealthCheckIn(
                    session=sessions[(e.homeroom_id, day)],
                    student_id=e.student_id,
                    mood=mood,
                    symptoms=symptoms,
                    comment=comment,
                    source=source,
                    entered_by_id=teacher if source == Source.TEACHER else e.student.user_id,
                    seen_at=_at(day, 8, 45) if seen and teacher else None,
                    seen_by_id=teacher if seen else None,
                )
            )
            wants_talk = story is None and mood == Mood.STORMY and ctx.rng.random() < 0.25
            if story == "declining" and index == len(school_days) - 1:
                wants_talk = True  # today: waiting for the class teacher
            if wants_talk and teacher and mood:
                to_nurse = story is None and ctx.rng.random() < 0.3 and helpers.get(e.school_id)
                user, role = helpers[e.school_id][0] if to_nurse else (teacher, "homeroom_teacher")
                talk_plans.append((len(check_ins) - 1, user, role, day, _talk_state(ctx, day, story)))
    HealthCheckIn.objects.bulk_create(check_ins, batch_size=BATCH)

    talks = []
    for index, user, role, day, state in talk_plans:
        check_in = check_ins[index]
        respond_by = _at(day, 9, 30)
        nurse = next((u for u, r in helpers.get(check_in.session.school_id, []) if r == "nurse"), user)
        acknowledged_by = {"acknowledged": user, "escalated_then_seen": nurse}.get(state)
        acknowledged_at = {"acknowledged": _at(day, 8, 50), "escalated_then_seen": _at(day, 9, 50)}.get(state)
        talks.append(
            TalkRequest(
                check_in=check_in,
                student_id=check_in.student_id,
                school_id=check_in.session.school_id,
                requested_of_id=user,
                requested_role=role,
                respond_by=respond_by,
                acknowledged_at=acknowledged_at,
                acknowledged_by_id=acknowledged_by,
                escalated_at=respond_by if state in {"escalated", "escalated_then_seen"} else None,
            )
        )
    TalkRequest.objects.bulk_create(talks, batch_size=BATCH)


# --- 保健室来室記録 and 保健日誌 ------------------------------------------------------------------------

#: Visits per pupil and school day (a school of 600 sees about five a day).
VISIT_RATE = 0.008
#: More visits in June (梅雨, heat) and in winter (colds, influenza).
MONTH_WEIGHT = {6: 1.5, 7: 1.2, 12: 1.3, 1: 1.5, 2: 1.4}
#: Days of visits per scale: a year to date, but only the last weeks for the 50,000-pupil ward.
VISIT_DAYS_BY_SCALE = {"tiny": 250, "small": 250, "city": 15}
ILLNESS_COMPLAINTS = [["headache"], ["stomach_ache"], ["fever"], ["nausea"], ["cold"], ["tired"], ["dizzy"]]
INJURY_COMPLAINTS = [["graze"], ["bruise"], ["cut"], ["sprain"], ["nosebleed"]]
WEATHER = ["sunny", "sunny", "cloudy", "cloudy", "rainy"]
EVENTS = ["避難訓練", "学校医来校（内科検診）", "身体測定", "水質検査", "歯科検診", "保健委員会"]


def _visit(ctx: DemoContext, e: Any, day: dt.date, story: str | None) -> dict[str, Any]:
    """One believable visit: illnesses in the morning, injuries at lunch break on the playground."""
    from tsunagu.health.models import Outcome, VisitCategory

    rng = ctx.rng
    if story == "stomach_mornings":
        time_in = dt.time(8, rng.choice([40, 45, 50, 55]))
        return {
            "time_in": time_in,
            "time_out": dt.time(9, rng.choice([10, 20, 30])),
            "category": VisitCategory.ILLNESS,
            "complaints": ["stomach_ache"],
            "first_aid": ["rest", "talk"],
            "outcome": Outcome.REST_THEN_CLASS if rng.random() < 0.6 else Outcome.BACK_TO_CLASS,
        }
    if rng.random() < 0.45:
        at_lunch = rng.random() < 0.55
        hour, minute = (
            (12, rng.randint(35, 59)) if at_lunch else (rng.choice([10, 11, 14, 15]), rng.randint(0, 50))
        )
        place = (
            "playground" if at_lunch and rng.random() < 0.7 else rng.choice(["gym", "corridor", "classroom"])
        )
        activity = "lunch_break" if at_lunch else rng.choice(["break", "pe", "lesson", "club"])
        return {
            "time_in": dt.time(hour, minute),
            "time_out": dt.time(hour, min(minute + 9, 59)),
            "category": VisitCategory.INJURY,
            "complaints": rng.choice(INJURY_COMPLAINTS),
            "injury_time": dt.time(hour, max(minute - 3, 0)),
            "injury_place": place,
            "injury_activity": activity,
            "body_part": rng.choice(["leg", "hand", "arm", "face", "foot"]),
            "injury_cause": rng.choice(["fall", "collision", "object"]),
            "first_aid": rng.choice([["wash", "dressing"], ["cool"], ["cool", "splint"]]),
            "outcome": Outcome.DOCTOR if rng.random() < 0.04 else Outcome.BACK_TO_CLASS,
        }
    hour = rng.choice([8, 9, 9, 10, 10, 11, 13, 14])
    outcome = rng.choices(
        [Outcome.BACK_TO_CLASS, Outcome.REST_THEN_CLASS, Outcome.EARLY_LEAVE], [55, 35, 10]
    )[0]
    return {
        "time_in": dt.time(hour, rng.randint(0, 50)),
        "time_out": dt.time(min(hour + 1, 15), rng.randint(0, 50)),
        "category": VisitCategory.ILLNESS if rng.random() < 0.9 else VisitCategory.CONSULTATION,
        "complaints": rng.choice(ILLNESS_COMPLAINTS),
        "temperature": Decimal(f"{rng.choice([36.4, 36.8, 37.2, 37.6, 38.1])}"),
        "first_aid": ["observe", "rest"] if outcome != Outcome.BACK_TO_CLASS else ["observe"],
        "outcome": outcome,
        "guardian_contacted_at": dt.time(min(hour + 1, 15), 0) if outcome == Outcome.EARLY_LEAVE else None,
        "guardian_contact": "mother" if outcome == Outcome.EARLY_LEAVE else "",
    }


@demo_step(order=53)
def health_nurse_visits(ctx: DemoContext) -> None:
    """A school year of nurse-office visits to date (more in June and winter, injuries at lunch break on
    the playground, the stomach-ache pupil of さくら小 4年1組 on many mornings) and the nurse's daily
    logs with weather for the past school days. Today's visits carry unread notices for the class
    teachers; early leaves of past days are in the register's hands already, so they are not written.
    Nobody visits on a day the register has them away (after the register, like the check-ins)."""
    from tsunagu.health.models import HealthNotice, NurseDailyLog, NurseVisit

    days_by_school = _school_days(ctx, VISIT_DAYS_BY_SCALE.get(ctx.scale, 60))
    if not days_by_school:
        return
    enrolments = list(
        Enrolment.objects.filter(
            school_year=ctx.school_year, homeroom__isnull=False, school__in=list(days_by_school)
        )
        .select_related("student")
        .order_by("school_id", "homeroom_id", "roll_number", "student_id")
    )
    stories = _story_pupils(ctx, enrolments)
    away = _away(ctx, enrolments, min(min(d) for d in days_by_school.values() if d))
    nurses = {
        a.school_id: a.user_id
        for a in RoleAssignment.objects.filter(role="nurse", school_year=ctx.school_year).order_by("pk")
    }
    by_school: dict[int, list[Any]] = defaultdict(list)
    for e in enrolments:
        by_school[e.school_id].append(e)
    visits: list[NurseVisit] = []
    logs: list[NurseDailyLog] = []
    rng = ctx.rng
    for school_id, school_days in days_by_school.items():
        pupils = by_school.get(school_id, [])
        if not pupils:
            continue
        story_pupils = [e for e in pupils if stories.get(e.student_id) == "stomach_mornings"]
        for day in school_days:
            expected = len(pupils) * VISIT_RATE * MONTH_WEIGHT.get(day.month, 1.0)
            count = int(expected) + (rng.random() < expected - int(expected))
            chosen: list[tuple[Any, str | None]] = [(rng.choice(pupils), None) for _ in range(count)]
            chosen += [(e, "stomach_mornings") for e in story_pupils if rng.random() < 0.35]
            for e, story in chosen:
                if day < e.start_date or (e.end_date and day > e.end_date) or (e.student_id, day) in away:
                    continue
                visits.append(
                    NurseVisit(
                        school_id=school_id,
                        student_id=e.student_id,
                        homeroom_id=e.homeroom_id,
                        date=day,
                        recorded_by_id=nurses.get(school_id),
                        **_visit(ctx, e, day, story),
                    )
                )
            if day < ctx.today:
                logs.append(
                    NurseDailyLog(
                        school_id=school_id,
                        date=day,
                        weather=rng.choice(WEATHER),
                        temperature=Decimal(
                            str(
                                round(rng.uniform(5, 30) if day.month in (6, 7, 9) else rng.uniform(3, 22), 1)
                            )
                        ),
                        humidity=rng.randint(35, 80),
                        events=rng.choice(EVENTS) if rng.random() < 0.08 else "",
                        recorded_by_id=nurses.get(school_id),
                    )
                )
    NurseVisit.objects.bulk_create(visits, batch_size=BATCH)
    NurseDailyLog.objects.bulk_create(logs, batch_size=BATCH)
    HealthNotice.objects.bulk_create(
        [
            HealthNotice(visit=v, school_id=v.school_id, homeroom_id=v.homeroom_id, date=v.date)
            for v in visits
            if v.date == ctx.today and v.homeroom_id is not None
        ],
        batch_size=BATCH,
    )
