"""Demo data of the 出席簿: the school year so far in every class, with patterns a teacher recognises.

Every pupil has a small chance of absence each day, higher in the cold months (a November peak that
grows into January and February), mostly 病欠, sometimes over two days, now and then 事故欠, 忌引, a late
arrival or an early leave. Guardians reported most absences (the reports are confirmed). In さくら小
4年1組, the cast teacher's class, some pupils tell a story the alerts should catch:

* the pupil who is unwell on Mondays in the health demo is also often absent on Mondays;
* one pupil's absences grow through the year and the last seven school days are all absent (the
  7-day alert of 施行令 §20);
* one pupil is absent now and then, more often lately, and is approaching 30 days;
* one pupil has learnt at the 教育支援センター on Tuesdays and Thursdays since October (出席扱い);
* influenza ran through the class about two weeks ago: four pupils were suspended (出席停止) and the
  class was closed for three days (学級閉鎖).

Today's register has not been taken anywhere yet, and guardians have already sent today's reports
(two in 4年1組), so the demo starts where the teacher's morning does. The ``city`` ward only gets the
last school days (50,000 pupils).

Rows are written in bulk, without change history (they were never changed). The step uses its own
random generator seeded from the run's seed, so its data do not depend on the other steps.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from tsunagu.accounts.models import RoleAssignment
from tsunagu.attendance.models import (
    AbsenceReport,
    AttendanceMark,
    AttendanceSettings,
    Closure,
    ClosureScope,
    Mark,
    PeriodKind,
    PeriodMark,
    RegisterDay,
    ReportKind,
    ReportReason,
    ReportStatus,
    Symptom,
)
from tsunagu.demo.steps import DemoContext, demo_step
from tsunagu.org.models import DayKind, Homeroom, SchoolDay
from tsunagu.students.models import Enrolment, GuardianLink

#: School days of register per scale (None: the whole year so far).
DAYS_BY_SCALE: dict[str, int | None] = {"tiny": None, "small": None, "city": 20}
BATCH = 5000
#: How much likelier an absence is in each month than on an average day.
SEASON = {4: 0.8, 5: 0.9, 6: 1.2, 7: 1.0, 8: 1.0, 9: 0.9, 10: 1.0, 11: 1.6, 12: 1.9, 1: 2.3, 2: 2.1, 3: 1.0}
ILLNESS_SYMPTOMS = [
    [Symptom.FEVER],
    [Symptom.FEVER, Symptom.COUGH],
    [Symptom.COUGH, Symptom.SORE_THROAT],
    [Symptom.STOMACH_ACHE],
    [Symptom.HEADACHE],
    [Symptom.NAUSEA, Symptom.DIARRHOEA],
]
FAMILY_REASONS = ["家事都合", "親族の法事", "家族の通院の付き添い", "帰省"]
SUPPORT_CENTRE = "すずかけ区教育支援センター"


class _Writer:
    """Collects rows and writes them in batches."""

    def __init__(self) -> None:
        self.marks: list[AttendanceMark] = []
        self.reports: list[AbsenceReport] = []
        self.days: list[RegisterDay] = []

    def flush(self, force: bool = False) -> None:
        for rows in (self.marks, self.reports, self.days):
            if rows and (force or len(rows) >= BATCH):
                type(rows[0]).objects.bulk_create(rows, batch_size=BATCH)
                rows.clear()


def _instructional_days(ctx: DemoContext, school_ids: list[int]) -> dict[int, list[dt.date]]:
    """Instructional days of each school from the start of the year up to yesterday, oldest first."""
    count = DAYS_BY_SCALE.get(ctx.scale)
    days: dict[int, list[dt.date]] = defaultdict(list)
    rows = (
        SchoolDay.objects.filter(
            school_id__in=school_ids,
            kind=DayKind.INSTRUCTIONAL,
            date__gte=ctx.school_year.start_date,
            date__lt=ctx.today,
        )
        .order_by("school_id", "date")
        .values_list("school_id", "date")
    )
    for school_id, day in rows:
        days[school_id].append(day)
    if count is not None:
        return {k: v[-count:] for k, v in days.items()}
    return dict(days)


def _mark(kind: str, rng: random.Random) -> dict[str, Any]:
    """Fields of a mark of ``kind`` (times, reasons) as a teacher would have entered them."""
    if kind == Mark.LATE:
        return {"arrived_at": dt.time(rng.choice([8, 9, 9, 10]), rng.choice([0, 15, 30, 45]))}
    if kind == Mark.EARLY_LEAVE:
        return {"left_at": dt.time(rng.choice([10, 11, 12, 13, 14]), rng.choice([0, 30]))}
    if kind == Mark.ABSENT_OTHER:
        return {"reason": rng.choice(FAMILY_REASONS)}
    if kind == Mark.MOURNING:
        return {"reason": rng.choice(["祖父の葬儀", "祖母の葬儀", "曽祖母の葬儀"])}
    if kind == Mark.SUSPENDED_INFECTION:
        return {"disease": "インフルエンザ"}
    if kind == Mark.DEEMED_PRESENT:
        return {"place": SUPPORT_CENTRE}
    return {}


def _report_for(kind: str, rng: random.Random) -> dict[str, Any] | None:
    """The guardian's report that went with a mark of ``kind`` (None when no report fits)."""
    if kind == Mark.ABSENT_ILLNESS:
        symptoms = rng.choice(ILLNESS_SYMPTOMS)
        temperature = (
            Decimal(rng.choice(["37.8", "38.2", "38.6", "39.0"])) if Symptom.FEVER in symptoms else None
        )
        return {
            "kind": ReportKind.ABSENCE,
            "reason": ReportReason.ILLNESS,
            "symptoms": list(symptoms),
            "temperature": temperature,
        }
    if kind == Mark.SUSPENDED_INFECTION:
        return {
            "kind": ReportKind.ABSENCE,
            "reason": ReportReason.INFECTION,
            "symptoms": [Symptom.FEVER],
            "temperature": Decimal("38.9"),
            "note": "インフルエンザA型と診断されました",
        }
    if kind == Mark.ABSENT_OTHER:
        return {"kind": ReportKind.ABSENCE, "reason": ReportReason.FAMILY}
    if kind == Mark.MOURNING:
        return {"kind": ReportKind.ABSENCE, "reason": ReportReason.MOURNING}
    if kind == Mark.LATE:
        return {"kind": ReportKind.LATE, "reason": ReportReason.HOSPITAL, "time": dt.time(10, 0)}
    if kind == Mark.EARLY_LEAVE:
        return {"kind": ReportKind.EARLY_LEAVE, "reason": ReportReason.HOSPITAL, "time": dt.time(13, 0)}
    return None


def _ordinary_day(rng: random.Random, rate: float, day: dt.date, yesterday: str | None) -> str | None:
    """An ordinary pupil's mark on ``day`` (None: present). An illness often lasts two days."""
    if yesterday == Mark.ABSENT_ILLNESS and rng.random() < 0.35:
        return Mark.ABSENT_ILLNESS
    roll = rng.random()
    p = rate * SEASON.get(day.month, 1.0)
    if roll < p * 0.78:
        return Mark.ABSENT_ILLNESS
    if roll < p:
        return Mark.ABSENT_OTHER if rng.random() < 0.9 else Mark.MOURNING
    if roll < p + 0.008:
        return Mark.LATE
    if roll < p + 0.012:
        return Mark.EARLY_LEAVE
    return None


def _story_mark(story: str, rng: random.Random, day: dt.date, index: int, days: list[dt.date]) -> str | None:
    """The mark of a pupil with a story on the ``index``-th school day of ``days``."""
    share = index / max(len(days) - 1, 1)  # 0 at the start of the year, 1 yesterday
    if story == "mondays":
        if day.weekday() == 0 and rng.random() < 0.7:
            return Mark.ABSENT_ILLNESS if rng.random() < 0.6 else Mark.ABSENT_OTHER
        return None
    if story == "withdrawing":
        if index >= len(days) - 7:
            return Mark.ABSENT_OTHER  # the last seven school days in a row
        return Mark.ABSENT_OTHER if rng.random() < 0.02 + 0.25 * share * share else None
    if story == "approaching":
        return Mark.ABSENT_ILLNESS if rng.random() < 0.11 + 0.18 * share else None
    if story == "support_centre":
        if day.month >= 10 or day.month <= 3:
            if day.weekday() in (1, 3):
                return Mark.DEEMED_PRESENT
            return Mark.ABSENT_OTHER if rng.random() < 0.3 else None
        return Mark.ABSENT_OTHER if rng.random() < 0.08 else None
    return None


def _stories(ctx: DemoContext, enrolments: list[Enrolment]) -> tuple[Homeroom | None, dict[int, str]]:
    """さくら小 4年1組 and its pupils with a story (by roll number; not the cast pupil, not 住所秘匿).

    The second such pupil is the one unwell on Mondays in the health demo."""
    sakura = ctx.schools.get("sakura")
    if sakura is None:
        return None, {}
    room = Homeroom.objects.filter(
        school=sakura, school_year=ctx.school_year, grade_level__code="P4", name="1組"
    ).first()
    if room is None:
        return None, {}
    candidates = [
        e
        for e in sorted(enrolments, key=lambda e: (e.roll_number or 0, e.student_id))
        if e.homeroom_id == room.pk and e.student.user_id is None and not e.student.address_protected
    ]
    wanted = {1: "mondays", 4: "withdrawing", 5: "approaching", 6: "support_centre"}
    return room, {candidates[i].student_id: story for i, story in wanted.items() if i < len(candidates)}


@demo_step(order=50)
def attendance_year(ctx: DemoContext) -> None:
    """The register of every class for the school year so far (see the module docstring)."""
    rng = random.Random(ctx.seed * 104729 + 17)  # noqa: S311 - demo data, not secrets
    school_ids = [s.pk for s in ctx.schools.values()]
    days_by_school = _instructional_days(ctx, school_ids)
    enrolments = list(
        Enrolment.objects.filter(
            school_year=ctx.school_year, homeroom__isnull=False, school_id__in=school_ids
        )
        .select_related("student")
        .order_by("school_id", "homeroom_id", "roll_number", "student_id")
    )
    if not enrolments:
        return
    teachers = {
        a.homeroom_id: a.user_id
        for a in RoleAssignment.objects.filter(role="homeroom_teacher", school_year=ctx.school_year).order_by(
            "pk"
        )
    }
    guardians = {
        link.student_id: link.guardian.user_id
        for link in GuardianLink.objects.filter(
            student_id__in=[e.student_id for e in enrolments], has_custody=True, contact_restricted=False
        )
        .select_related("guardian")
        .order_by("student_id", "is_primary_contact")
    }
    room, stories = _stories(ctx, enrolments)
    flu_days: list[dt.date] = []
    closure_days: list[dt.date] = []
    if room is not None:
        sakura_days = days_by_school.get(room.school_id, [])
        if len(sakura_days) >= 16:
            flu_days = sakura_days[-14:-12]
            closure_days = sakura_days[-12:-9]
            Closure.objects.create(
                school_id=room.school_id,
                school_year=ctx.school_year,
                scope=ClosureScope.HOMEROOM,
                grade_level_id=room.grade_level_id,
                homeroom=room,
                start_date=closure_days[0],
                end_date=closure_days[-1],
                reason="インフルエンザの流行による学級閉鎖",
            )
    flu_pupils = [
        e.student_id
        for e in enrolments
        if room is not None
        and e.homeroom_id == room.pk
        and e.student_id not in stories
        and e.student.user_id is None
    ][:4]

    writer = _Writer()
    for enrolment in enrolments:
        days = [
            d
            for d in days_by_school.get(enrolment.school_id, [])
            if enrolment.start_date <= d and (enrolment.end_date is None or d <= enrolment.end_date)
        ]
        story = stories.get(enrolment.student_id)
        rate = min(0.12, rng.lognormvariate(-4.1, 0.7))  # most pupils miss 1–3 % of days
        previous: str | None = None
        teacher = teachers.get(enrolment.homeroom_id)
        for index, day in enumerate(days):
            if room is not None and enrolment.homeroom_id == room.pk and day in closure_days:
                previous = None
                continue
            if enrolment.student_id in flu_pupils and day in flu_days:
                kind: str | None = Mark.SUSPENDED_INFECTION
            elif story is not None:
                kind = _story_mark(story, rng, day, index, days)
            else:
                kind = _ordinary_day(rng, rate, day, previous)
            previous = kind
            if kind is None:
                continue
            writer.marks.append(
                AttendanceMark(
                    student_id=enrolment.student_id,
                    school_id=enrolment.school_id,
                    homeroom_id=enrolment.homeroom_id,
                    date=day,
                    kind=kind,
                    recorded_by_id=teacher,
                    **_mark(kind, rng),
                )
            )
            report = _report_for(kind, rng)
            reported = 0.3 if story == "withdrawing" else 0.85
            if report is not None and rng.random() < reported:
                writer.reports.append(
                    AbsenceReport(
                        student_id=enrolment.student_id,
                        school_id=enrolment.school_id,
                        homeroom_id=enrolment.homeroom_id,
                        date=day,
                        status=ReportStatus.CONFIRMED,
                        reported_by_id=guardians.get(enrolment.student_id),
                        confirmed_by_id=teacher,
                        **report,
                    )
                )
        writer.flush()
    _today_reports(ctx, rng, enrolments, room, stories, guardians, writer)
    for school_id, days in days_by_school.items():
        rooms = {e.homeroom_id for e in enrolments if e.school_id == school_id}
        for homeroom_id in sorted(r for r in rooms if r is not None):
            writer.days += [
                RegisterDay(homeroom_id=homeroom_id, date=d, taken_by_id=teachers.get(homeroom_id))
                for d in days
                if not (room is not None and homeroom_id == room.pk and d in closure_days)
            ]
            writer.flush()
    writer.flush(force=True)


def _today_reports(
    ctx: DemoContext,
    rng: random.Random,
    enrolments: list[Enrolment],
    room: Homeroom | None,
    stories: dict[int, str],
    guardians: dict[int, int | None],
    writer: _Writer,
) -> None:
    """Reports guardians sent this morning: two in 4年1組 (a fever, a hospital visit before school),
    and about one pupil in fifty elsewhere; none confirmed yet (today's register is not taken)."""
    if not SchoolDay.objects.filter(date=ctx.today, kind=DayKind.INSTRUCTIONAL).exists():
        return
    today_open = [e for e in enrolments if e.end_date is None or e.end_date >= ctx.today]
    in_room = [
        e
        for e in today_open
        if room is not None
        and e.homeroom_id == room.pk
        and e.student_id not in stories
        and e.student.user_id is None
        and not e.student.address_protected
    ]
    chosen: list[tuple[Enrolment, dict[str, Any]]] = []
    if len(in_room) >= 2:
        chosen.append(
            (
                in_room[-1],
                {
                    "kind": ReportKind.ABSENCE,
                    "reason": ReportReason.ILLNESS,
                    "symptoms": [Symptom.FEVER, Symptom.COUGH],
                    "temperature": Decimal("38.1"),
                    "note": "昨夜から熱があります。病院に行きます。",
                },
            )
        )
        chosen.append(
            (
                in_room[-2],
                {"kind": ReportKind.LATE, "reason": ReportReason.HOSPITAL, "time": dt.time(10, 30)},
            )
        )
    for e in today_open:
        if room is not None and e.homeroom_id == room.pk:
            continue
        if rng.random() < 0.02:
            report = _report_for(Mark.ABSENT_ILLNESS if rng.random() < 0.8 else Mark.ABSENT_OTHER, rng)
            if report is not None:
                chosen.append((e, report))
    writer.reports += [
        AbsenceReport(
            student_id=e.student_id,
            school_id=e.school_id,
            homeroom_id=e.homeroom_id,
            date=ctx.today,
            status=ReportStatus.PENDING,
            reported_by_id=guardians.get(e.student_id),
            **report,
        )
        for e, report in chosen
    ]


@demo_step(order=51)
def attendance_settings_and_periods(ctx: DemoContext) -> None:
    """みどり中 records periods (校時ごと, 6 a day) and every school asks for reports by 8:15: a late
    arrival missed the first period or two, an early leave the periods after it, and now and then a
    pupil missed a single period (a visit to the nurse's room, a talk with the counsellor)."""
    rng = random.Random(ctx.seed * 7919 + 51)  # noqa: S311 - demo data, not secrets
    AttendanceSettings.objects.bulk_create(
        [
            AttendanceSettings(school=school, period_marks=key == "midori" or school.kind == "C1")
            for key, school in ctx.schools.items()
        ],
        ignore_conflicts=True,
    )
    midori = ctx.schools.get("midori")
    if midori is None:
        return
    rows: list[PeriodMark] = []
    marks = AttendanceMark.objects.filter(
        school=midori, kind__in=[Mark.LATE, Mark.EARLY_LEAVE], homeroom__isnull=False
    ).values_list("student_id", "homeroom_id", "date", "kind", "arrived_at", "left_at")
    for student_id, homeroom_id, day, kind, arrived_at, left_at in marks.iterator():
        if kind == Mark.LATE and arrived_at is not None:
            missed = range(1, min(6, max(1, arrived_at.hour - 7)) + 1)
            periods = {p: PeriodKind.ABSENT for p in missed} | {max(missed) + 1: PeriodKind.LATE}
        elif left_at is not None:
            periods = {p: PeriodKind.ABSENT for p in range(max(2, left_at.hour - 8), 7)}
        else:
            continue
        rows += [
            PeriodMark(
                student_id=student_id, school=midori, homeroom_id=homeroom_id, date=day, period=p, kind=k
            )
            for p, k in periods.items()
            if p <= 6
        ]
    sampled_days = list(
        RegisterDay.objects.filter(homeroom__school=midori).values_list("homeroom_id", "date")[::40]
    )
    enrolled: dict[int, list[int]] = defaultdict(list)
    for student_id, homeroom_id in Enrolment.objects.filter(
        school=midori, school_year=ctx.school_year, homeroom__isnull=False, end_date__isnull=True
    ).values_list("student_id", "homeroom_id"):
        enrolled[homeroom_id].append(student_id)
    for homeroom_id, day in sampled_days:
        pupils = enrolled.get(homeroom_id)
        if pupils:
            rows.append(
                PeriodMark(
                    student_id=rng.choice(pupils),
                    school=midori,
                    homeroom_id=homeroom_id,
                    date=day,
                    period=rng.randint(2, 5),
                    kind=PeriodKind.ABSENT,
                )
            )
    PeriodMark.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
