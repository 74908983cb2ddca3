"""Reads of the karte app: one pupil's karte and a class's board, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from tsunagu.attendance.models import AttendanceMark, Mark
from tsunagu.attendance.selectors import attendance_codes
from tsunagu.health.models import HealthCheckIn, Period
from tsunagu.karte.models import Insight, InsightStatus
from tsunagu.karte.panels import panels_for
from tsunagu.karte.rules import MOOD_JA
from tsunagu.org.models import DayKind, Homeroom, SchoolDay
from tsunagu.students.models import Enrolment, Student
from tsunagu.students.selectors import enrolled_on

MOODS = ["sunny", "cloudy", "rainy", "stormy"]
MOOD_SHORT = {"sunny": "晴", "cloudy": "曇", "rainy": "雨", "stormy": "雷"}


@dataclass
class DayCell:
    """One school day of a pupil's strip: the register's symbol and the morning weather."""

    date: dt.date
    mark: str = ""
    symbol: str = ""
    mood: str = ""

    @property
    def mood_label(self) -> str:
        return MOOD_JA.get(self.mood, "")

    @property
    def mood_short(self) -> str:
        """One character for the class board's narrow cells."""
        return MOOD_SHORT.get(self.mood, "")

    @property
    def is_absent(self) -> bool:
        return self.mark in {Mark.ABSENT_ILLNESS, Mark.ABSENT_OTHER}


@dataclass
class MoodShare:
    mood: str
    label: str
    count: int
    percent: int


@dataclass
class Karte:
    """What the karte page shows of one pupil."""

    student: Student
    enrolment: Enrolment | None
    show_address: bool
    strip: list[DayCell]
    moods: list[MoodShare]
    mood_days: int
    insights: list[Insight]
    panels: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    #: Class-I records the panels show (sensitive topics …): the view logs their read.
    class_i: list[Any] = field(default_factory=list)


def school_days_before(school_id: int, day: dt.date, count: int) -> list[dt.date]:
    """The last ``count`` instructional days up to ``day`` (included), oldest first."""
    days = (
        SchoolDay.objects.filter(school_id=school_id, date__lte=day, kind=DayKind.INSTRUCTIONAL)
        .order_by("-date")
        .values_list("date", flat=True)[:count]
    )
    return sorted(days)


def _strips(
    actor: Any, student_ids: list[int], days: list[dt.date], board_id: int
) -> dict[int, dict[dt.date, DayCell]]:
    """Marks and morning moods of the pupils over ``days`` (two queries), as far as ``actor`` may see."""
    cells = {sid: {d: DayCell(d) for d in days} for sid in student_ids}
    if not days:
        return cells
    symbols = {c.kind: c.symbol for c in attendance_codes(board=board_id)}
    marks = AttendanceMark.objects.visible_to(actor, "view").filter(
        student_id__in=student_ids, date__gte=days[0], date__lte=days[-1]
    )
    for student_id, date, kind in marks.values_list("student_id", "date", "kind"):
        cell = cells[student_id].get(date)
        if cell is not None:
            cell.mark, cell.symbol = kind, symbols.get(kind, "")
    checkins = HealthCheckIn.objects.visible_to(actor, "view").filter(
        student_id__in=student_ids,
        session__date__gte=days[0],
        session__date__lte=days[-1],
        session__period=Period.MORNING,
    )
    for student_id, date, mood in checkins.values_list("student_id", "session__date", "mood"):
        cell = cells[student_id].get(date)
        if cell is not None and mood:
            cell.mood = mood
    return cells


def mood_distribution(
    actor: Any, student: Student, start: dt.date, end: dt.date
) -> tuple[list[MoodShare], int]:
    """The pupil's morning moods between ``start`` and ``end``: count and percentage of each weather."""
    moods = Counter(
        HealthCheckIn.objects.visible_to(actor, "view")
        .filter(
            student=student, session__date__gte=start, session__date__lte=end, session__period=Period.MORNING
        )
        .exclude(mood="")
        .values_list("mood", flat=True)
    )
    total = sum(moods.values())
    shares = [
        MoodShare(m, MOOD_JA[m], moods.get(m, 0), round(100 * moods.get(m, 0) / total) if total else 0)
        for m in MOODS
    ]
    return shares, total


def active_insights(actor: Any, student_ids: list[int]) -> QuerySet[Insight]:
    return (
        Insight.objects.visible_to(actor, "view")
        .filter(student_id__in=student_ids, status__in=[InsightStatus.OPEN, InsightStatus.ASSIGNED])
        .select_related("assignee")
        .order_by("-severity", "-last_found", "rule")
    )


def karte_get(*, actor: Any, student: Student, day: dt.date | None = None, period_days: int = 14) -> Karte:
    """One pupil's karte as ``actor`` may see it: the basics, the two-week strip, the mood distribution
    over ``period_days`` calendar days, active insights, and the panels other apps contribute."""
    day = day or timezone.localdate()
    enrolment = (
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), student=student)
        .select_related("school", "school_year", "homeroom__grade_level", "grade_level")
        .first()
    )
    strip: list[DayCell] = []
    if enrolment is not None:
        days = school_days_before(enrolment.school_id, day, 10)
        strip = list(_strips(actor, [student.pk], days, enrolment.school.board_id)[student.pk].values())
    moods, mood_days = mood_distribution(actor, student, day - dt.timedelta(days=period_days - 1), day)
    show_address = Student.objects.visible_to(actor, "view_address").filter(pk=student.pk).exists()
    panels = panels_for(actor, student, day, enrolment.school_year if enrolment else None)
    return Karte(
        student=student,
        enrolment=enrolment,
        show_address=show_address,
        strip=strip,
        moods=moods,
        mood_days=mood_days,
        insights=list(active_insights(actor, [student.pk])),
        panels=panels.items,
        class_i=panels.class_i,
    )


@dataclass
class BoardRow:
    """One pupil's line on the class board."""

    student: Student
    roll_number: int | None
    cells: list[DayCell]
    insights: list[Insight]
    changed: bool  # something new today: absent, a bad mood, or an insight found today

    @property
    def today(self) -> DayCell | None:
        return self.cells[-1] if self.cells else None


def class_board_get(
    *, actor: Any, homeroom: Homeroom, day: dt.date | None = None, days: int = 7
) -> list[BoardRow]:
    """The class board: each pupil × the last ``days`` school days, with active insights; pupils with
    something new today first (then by roll number). Five queries whatever the class size."""
    day = day or timezone.localdate()
    enrolments = list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), homeroom=homeroom)
        .select_related("student")
        .order_by("roll_number", "student__family_name_kana")
    )
    ids = [e.student_id for e in enrolments]
    school_days = school_days_before(homeroom.school_id, day, days)
    strips = _strips(actor, ids, school_days, homeroom.school.board_id)
    insights: dict[int, list[Insight]] = {sid: [] for sid in ids}
    for insight in active_insights(actor, ids):
        insights[insight.student_id].append(insight)
    rows = []
    for e in enrolments:
        cells = list(strips[e.student_id].values())
        last = cells[-1] if cells else None
        changed = bool(
            (last and last.date == day and (last.is_absent or last.mood in {"rainy", "stormy"}))
            or any(i.first_found == day for i in insights[e.student_id])
        )
        rows.append(BoardRow(e.student, e.roll_number, cells, insights[e.student_id], changed))
    rows.sort(key=lambda r: (not r.changed, not r.insights, r.roll_number or 999))
    return rows
