"""Demo steps of the karte: the history that makes every kind of insight appear in さくら小 4年1組
(issue 7 §6), then the rules run over the generated year.

The health, attendance and observations demos already tell the class's stories (see their module
docstrings; the pupils are picked by roll number, not the cast pupil, not under 住所秘匿: index 0
stomach aches, 1 unwell on Mondays, 2 a declining mood, 3 always 晴れ, 5 absent more often since a
change at home). On the ``tiny`` ward of the tests the check-ins cover only the last school days,
too few for a rule that compares a pupil with their own weeks, and the absences of index 5 did not
rise after the guardian's note of June. :func:`karte_story_history` writes what is missing, through
the other apps' services and as the class teacher would have:

* morning check-ins on the school days before the health demo's, for index 1 (Mondays: 雨 and a
  headache or tiredness; other days fine), index 2 (a steady 晴れ/くもり baseline the decline is
  measured against) and index 3 (晴れ every day: flagged as possibly unreliable) — never a mood on a
  day the register has the pupil away (index 1's absent Mondays carry only the symptoms the guardian
  phoned in, as a teacher enters them; suspended or excused days have no check-in at all);
* for index 5, some illness absences before the guardian's 家庭のようす note taken back (those
  without a guardian's report first), so that the pupil was rarely away before it and is absent
  more often since — still approaching the 30-day threshold, as the attendance demo tells.

The falling study time is the learning summaries' demo (contract C3); a pupil with nothing to report
is any pupil of the class the rules leave alone. Nothing is overwritten: only days without a check-in
are written, and days of the class closure are skipped.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from tsunagu.accounts.models import RoleAssignment, User
from tsunagu.attendance.models import AbsenceReport, AttendanceMark, Closure, Mark
from tsunagu.attendance.services import marks_remove
from tsunagu.demo.steps import DemoContext, demo_step
from tsunagu.health.models import HealthCheckIn, Mood, Period, Symptom
from tsunagu.health.services import Entry, checkins_record_for_class
from tsunagu.karte.rules import ABSENT
from tsunagu.karte.services import insights_refresh
from tsunagu.observations.models import Area, SharedTopic
from tsunagu.org.models import DayKind, Homeroom, SchoolDay
from tsunagu.students.models import Enrolment

#: Marks of a pupil in class that morning (a late pupil still answers; 出席扱い means elsewhere).
PRESENT_KINDS = (Mark.PRESENT, Mark.LATE, Mark.EARLY_LEAVE)
#: School days of check-ins written before the health demo's (the Monday pattern looks at 8 weeks).
EXTRA_DAYS = 35
#: The absence rate after the note must be this many times the rate before (the rule asks for 2).
HOME_CHANGE_MARGIN = 2.5


def story_room(ctx: DemoContext) -> Homeroom | None:
    """さくら小 4年1組 of this year."""
    sakura = ctx.schools.get("sakura")
    if sakura is None:
        return None
    return Homeroom.objects.filter(
        school=sakura, school_year=ctx.school_year, grade_level__code="P4", name="1組"
    ).first()


def story_pupils(room: Homeroom, day: dt.date) -> list[Enrolment]:
    """The class's pupils as the other demos pick them (by roll number; not the cast pupil, not 住所秘匿)."""
    enrolments = Enrolment.objects.filter(homeroom=room, start_date__lte=day).select_related("student")
    return [
        e
        for e in sorted(enrolments, key=lambda e: (e.roll_number or 0, e.student_id))
        if e.student.user_id is None and not e.student.address_protected
    ]


def _answer(rng: random.Random, index: int, day: dt.date, absent: bool) -> Entry | None:
    """The morning answer of story pupil ``index`` on ``day`` (None: no answer)."""
    if index == 1 and day.weekday() == 0:
        symptoms: list[str] = rng.choice(
            [[Symptom.HEADACHE], [Symptom.TIRED], [Symptom.HEADACHE, Symptom.TIRED]]
        )
        return Entry(student_id=0, mood="" if absent else Mood.RAINY, symptoms=symptoms)
    if absent:
        return None
    if index == 1:
        return Entry(student_id=0, mood=rng.choice([Mood.SUNNY, Mood.SUNNY, Mood.CLOUDY]))
    if index == 2:
        return Entry(student_id=0, mood=rng.choice([Mood.SUNNY, Mood.SUNNY, Mood.SUNNY, Mood.CLOUDY]))
    return Entry(student_id=0, mood=Mood.SUNNY)


def _earlier_check_ins(ctx: DemoContext, room: Homeroom, teacher: Any, pupils: dict[int, Enrolment]) -> int:
    """Check-ins of story pupils 1, 2 and 3 on the school days before their first one. Returns the count."""
    rng = random.Random(ctx.seed * 7919 + 890)  # noqa: S311 - demo data, not secrets
    ids = [e.student_id for e in pupils.values()]
    answered = set(
        HealthCheckIn.objects.filter(student_id__in=ids, session__period=Period.MORNING).values_list(
            "student_id", "session__date"
        )
    )
    first = min((d for _, d in answered), default=ctx.today + dt.timedelta(days=1))
    closed = [(c.start_date, c.end_date) for c in Closure.objects.filter(homeroom=room)]
    days = list(
        SchoolDay.objects.filter(
            school_id=room.school_id,
            kind=DayKind.INSTRUCTIONAL,
            date__gte=ctx.school_year.start_date,
            date__lt=first,
        )
        .order_by("-date")
        .values_list("date", flat=True)[:EXTRA_DAYS]
    )
    days = [d for d in sorted(days) if not any(a <= d <= b for a, b in closed)]
    marks = dict(
        ((student_id, date), kind)
        for student_id, date, kind in AttendanceMark.objects.filter(student_id__in=ids, date__in=days)
        .exclude(kind__in=PRESENT_KINDS)
        .values_list("student_id", "date", "kind")
    )
    absent = {key for key, kind in marks.items() if kind in ABSENT}
    written = 0
    for day in days:
        entries = []
        for index, e in pupils.items():
            if (e.student_id, day) in answered or day < e.start_date:
                continue
            if (e.student_id, day) in marks and (e.student_id, day) not in absent:
                continue  # suspended, mourning, at the support centre: nobody answers for them
            entry = _answer(rng, index, day, (e.student_id, day) in absent)
            if entry is not None:
                entry.student_id = e.student_id
                entries.append(entry)
        if entries:
            written += checkins_record_for_class(actor=teacher, homeroom=room, entries=entries, day=day)
    return written


def _rare_before_home_note(teacher: Any, e: Enrolment, today: dt.date) -> list[dt.date]:
    """Take back illness absences before the guardian's first 家庭のようす note until the pupil's absence
    rate after it is :data:`HOME_CHANGE_MARGIN` times the rate before. Returns the days cleared."""
    note = (
        SharedTopic.objects.filter(student_id=e.student_id, area=Area.HOME, sensitive=False)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    if note is None:
        return []
    # The register is taken up to yesterday; a day without a mark is a present day.
    taken = list(
        SchoolDay.objects.filter(
            school_id=e.school_id, kind=DayKind.INSTRUCTIONAL, date__gte=e.start_date, date__lt=today
        )
        .order_by("date")
        .values_list("date", flat=True)
    )
    marks = dict(
        AttendanceMark.objects.filter(student_id=e.student_id, date__in=taken).values_list("date", "kind")
    )
    before = [d for d in taken if d < note]
    after = [d for d in taken if d >= note]
    if not before or not after:
        return []
    rate_after = sum(1 for d in after if marks.get(d) in ABSENT) / len(after)
    reported = set(
        AbsenceReport.objects.filter(student_id=e.student_id, date__lt=note).values_list("date", flat=True)
    )
    # Unreported ones first: a guardian's confirmed report stays true of the day it was sent for.
    candidates = sorted(
        (d for d in before if marks.get(d) == "absent_illness"), key=lambda d: (d in reported, d)
    )
    absent_before = sum(1 for d in before if marks.get(d) in ABSENT)
    clear: list[dt.date] = []
    while candidates and absent_before > 1 and HOME_CHANGE_MARGIN * absent_before / len(before) > rate_after:
        clear.append(candidates.pop(0))
        absent_before -= 1
    if not clear:
        return []
    return marks_remove(actor=teacher, student=e.student, days=clear, kind="absent_illness")


@demo_step(order=890)
def karte_story_history(ctx: DemoContext) -> None:
    """The history 4年1組's insights need that the other demos leave short (see the module docstring)."""
    room = story_room(ctx)
    if room is None:
        return
    teacher_id = (
        RoleAssignment.objects.filter(role="homeroom_teacher", homeroom=room)
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )
    if teacher_id is None:
        return
    teacher = User.objects.get(pk=teacher_id)
    pupils = story_pupils(room, ctx.today)
    _earlier_check_ins(ctx, room, teacher, {i: pupils[i] for i in (1, 2, 3) if i < len(pupils)})
    if len(pupils) > 5:
        _rare_before_home_note(teacher, pupils[5], ctx.today)


@demo_step(order=900)
def find_insights(ctx: DemoContext) -> None:
    """After every app has written its data: the rules for every school with a year of records
    (``DemoContext.detailed_schools``), as of the demo's today. At
    さくら小 they also ran the school day before (as the nightly job would have), so that the class
    board's "new today" marks only what changed since, not every pattern of the year."""
    sakura = ctx.schools.get("sakura")
    if sakura is not None:
        before = (
            SchoolDay.objects.filter(school=sakura, kind=DayKind.INSTRUCTIONAL, date__lt=ctx.today)
            .order_by("-date")
            .values_list("date", flat=True)
            .first()
        )
        if before is not None:
            insights_refresh(school=sakura, day=before)
    for school in ctx.detailed_schools():
        insights_refresh(school=school, day=ctx.today)
