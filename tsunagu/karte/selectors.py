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
from tsunagu.core.policy import registry
from tsunagu.health.models import HealthCheckIn, Period
from tsunagu.karte.models import Insight, InsightStatus
from tsunagu.karte.panels import panels_for
from tsunagu.karte.rules import LEARNING_RULES, MOOD_JA
from tsunagu.org.models import DayKind, Homeroom, School, SchoolDay
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
    visits: list[dt.time] = field(default_factory=list)

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
    shows_health: bool = True
    shows_insights: bool = True


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
    over ``period_days`` calendar days, active insights, and the panels other apps contribute. A
    viewer without the health check-in (a subject teacher) gets no strip, moods or insights at all."""
    day = day or timezone.localdate()
    enrolment = (
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), student=student)
        .select_related("school", "school_year", "homeroom__grade_level", "grade_level")
        .first()
    )
    health = registry.allows_any(actor, HealthCheckIn, "view")
    strip: list[DayCell] = []
    moods: list[MoodShare] = []
    mood_days = 0
    if health and enrolment is not None:
        days = school_days_before(enrolment.school_id, day, 10)
        strip = list(_strips(actor, [student.pk], days, enrolment.school.board_id)[student.pk].values())
    if health:
        moods, mood_days = mood_distribution(actor, student, day - dt.timedelta(days=period_days - 1), day)
    show_address = Student.objects.visible_to(actor, "view_address").filter(pk=student.pk).exists()
    panels = panels_for(actor, student, day, enrolment.school_year if enrolment else None)
    insights = (
        list(active_insights(actor, [student.pk])) if registry.allows_any(actor, Insight, "view") else []
    )
    return Karte(
        student=student,
        enrolment=enrolment,
        show_address=show_address,
        strip=strip,
        moods=moods,
        mood_days=mood_days,
        insights=insights,
        panels=panels.items,
        class_i=panels.class_i,
        shows_health=health,
        shows_insights=registry.allows_any(actor, Insight, "view"),
    )


@dataclass
class BoardRow:
    """One pupil's line on the class board."""

    student: Student
    roll_number: int | None
    cells: list[DayCell]
    insights: list[Insight]
    changed: bool  # something new today: absent, a bad mood, or an insight found today
    homeroom_id: int | None = None
    #: Study time (seconds) in the board's days and in as many days before; None: no learning data seen.
    study: tuple[int, int] | None = None

    @property
    def today(self) -> DayCell | None:
        return self.cells[-1] if self.cells else None

    @property
    def study_minutes(self) -> int | None:
        return round(self.study[0] / 60) if self.study else None

    @property
    def study_trend(self) -> str:
        """ "down", "up" or "" : the study time against the same number of days before (±30 %)."""
        if not self.study or not self.study[1]:
            return ""
        now, before = self.study
        if now < 0.7 * before:
            return "down"
        if now > 1.3 * before:
            return "up"
        return ""


def _visits_on(
    actor: Any, student_ids: list[int], days: list[dt.date]
) -> dict[tuple[int, dt.date], list[Any]]:
    """Nurse-office visits of the pupils on ``days`` as far as ``actor`` may see their outline (one query)."""
    from tsunagu.health.models import NurseVisit

    found: dict[tuple[int, dt.date], list[Any]] = {}
    if not days or not registry.allows_any(actor, NurseVisit, "view_outline"):
        return found
    rows = (
        NurseVisit.objects.visible_to(actor, "view_outline")
        .filter(student_id__in=student_ids, date__gte=days[0], date__lte=days[-1])
        .values_list("student_id", "date", "time_in")
        .order_by("time_in")
    )
    for student_id, date, time_in in rows:
        found.setdefault((student_id, date), []).append(time_in)
    return found


def _study(actor: Any, student_ids: list[int], day: dt.date, days: int) -> dict[int, tuple[int, int]]:
    """Seconds of study in the last ``days`` calendar days and the ``days`` before, per pupil (one
    query, through the learning summaries' own policy; contract C3)."""
    if not student_ids or not registry.allows_any(actor, "learning_summaries.LearningSummary", "view"):
        return {}
    from tsunagu.learning_summaries.selectors import daily_seconds_for

    since = day - dt.timedelta(days=2 * days - 1)
    split = day - dt.timedelta(days=days - 1)
    per_day = daily_seconds_for(actor=actor, student_ids=student_ids, since=since, until=day)
    result = {}
    for sid, seconds in per_day.items():
        now = sum(v for d, v in seconds.items() if d >= split)
        before = sum(v for d, v in seconds.items() if d < split)
        if now or before:
            result[sid] = (now, before)
    return result


def board_rows(
    actor: Any, enrolments: list[Enrolment], school_id: int, board_id: int, day: dt.date, days: int
) -> list[BoardRow]:
    """The board's lines of ``enrolments``, something new today first: five queries for any number of
    pupils (calendar, codes, marks, check-ins, insights), one more each for visits and study time when
    the actor may see them."""
    ids = [e.student_id for e in enrolments]
    school_days = school_days_before(school_id, day, days)
    strips = _strips(actor, ids, school_days, board_id)
    insights: dict[int, list[Insight]] = {sid: [] for sid in ids}
    if registry.allows_any(actor, Insight, "view"):
        for insight in active_insights(actor, ids):
            insights[insight.student_id].append(insight)
    visits = _visits_on(actor, ids, school_days)
    study = _study(actor, ids, day, 7)
    rows = []
    for e in enrolments:
        cells = list(strips[e.student_id].values())
        for cell in cells:
            cell.visits = visits.get((e.student_id, cell.date), [])
        last = cells[-1] if cells else None
        changed = bool(
            (
                last
                and last.date == day
                and (last.is_absent or last.mood in {"rainy", "stormy"} or last.visits)
            )
            or any(i.first_found == day for i in insights[e.student_id])
        )
        rows.append(
            BoardRow(
                e.student,
                e.roll_number,
                cells,
                insights[e.student_id],
                changed,
                homeroom_id=e.homeroom_id,
                study=study.get(e.student_id),
            )
        )
    rows.sort(key=lambda r: (not r.changed, not r.insights, r.study_trend != "down", r.roll_number or 999))
    return rows


def class_board_get(
    *, actor: Any, homeroom: Homeroom, day: dt.date | None = None, days: int = 7
) -> list[BoardRow]:
    """The class board: each pupil × the last ``days`` school days, with nurse visits, study time and
    active insights; pupils with something new today first (then by roll number). A fixed number of
    queries whatever the class size (see :func:`board_rows`)."""
    day = day or timezone.localdate()
    enrolments = list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), homeroom=homeroom)
        .select_related("student")
        .order_by("roll_number", "student__family_name_kana")
    )
    return board_rows(actor, enrolments, homeroom.school_id, homeroom.school.board_id, day, days)


@dataclass
class BoardGroup:
    """One class of the school board, with its pupils' lines."""

    homeroom: Homeroom
    rows: list[BoardRow]

    @property
    def changed(self) -> int:
        return sum(1 for r in self.rows if r.changed)


def school_board_get(
    *, actor: Any, school: School, day: dt.date | None = None, days: int = 7, grade: str = ""
) -> list[BoardGroup]:
    """The board across the classes of ``school`` the actor may see (a grade head: their grade), or of
    one ``grade`` code: the class board's columns, grouped by class, each class sorted by change. The
    same queries as one class board, plus one for the classes, whatever the number of classes."""
    day = day or timezone.localdate()
    rooms = (
        Homeroom.objects.visible_to(actor, "view_board")
        .filter(school=school, school_year__start_date__lte=day, school_year__end_date__gte=day)
        .select_related("grade_level")
        .order_by("grade_level__stage", "grade_level__number", "name")
    )
    if grade:
        rooms = rooms.filter(grade_level__code=grade)
    homerooms = {r.pk: r for r in rooms}
    enrolments = list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), homeroom__in=list(homerooms))
        .select_related("student")
        .order_by("roll_number", "student__family_name_kana")
    )
    rows = board_rows(actor, enrolments, school.pk, school.board_id, day, days) if enrolments else []
    groups = {pk: BoardGroup(room, []) for pk, room in homerooms.items()}
    for row in rows:
        if row.homeroom_id in groups:
            groups[row.homeroom_id].rows.append(row)
    return list(groups.values())


# --- learning against the pupil's own past (pupil, guardian) and for staff (contract C3) -------------


@dataclass
class SubjectCompare:
    """One subject now and in the same number of days before (the pupil's own past, no classmates)."""

    name: str
    rate_now: int | None  # percent correct
    rate_before: int | None
    minutes_now: int
    minutes_before: int

    @property
    def trend(self) -> str:
        if self.rate_now is None or self.rate_before is None:
            return ""
        if self.rate_now >= self.rate_before + 5:
            return "up"
        if self.rate_now <= self.rate_before - 5:
            return "down"
        return "same"


@dataclass
class OwnLearning:
    """A pupil's learning in the last ``days`` days against the ``days`` before."""

    days: int
    minutes_now: int
    minutes_before: int
    subjects: list[SubjectCompare]
    daily: list[tuple[dt.date, int]]  # seconds per day, the last ``days`` days
    tests: list[Any]

    @property
    def has_data(self) -> bool:
        return bool(self.minutes_now or self.minutes_before or self.tests)


def _percent(value: float | None) -> int | None:
    return None if value is None else round(100 * value)


def own_learning(*, actor: Any, student: Student, day: dt.date, days: int = 28) -> OwnLearning | None:
    """The pupil's study time and correct rates in the last ``days`` days against the ``days`` before,
    per subject, and the test results (never a classmate's figure); None when ``actor`` may see no
    learning data. At most 8 queries (two periods of the learning summaries)."""
    if not registry.allows_any(actor, "learning_summaries.LearningSummary", "view"):
        return None
    from tsunagu.learning_summaries.selectors import pupil_learning

    split = day - dt.timedelta(days=days - 1)
    now = pupil_learning(actor=actor, student=student, since=split, until=day)
    before = pupil_learning(
        actor=actor,
        student=student,
        since=split - dt.timedelta(days=days),
        until=split - dt.timedelta(days=1),
    )
    earlier = {s.subject_code: s for s in before.subjects}
    subjects = []
    for s in now.subjects:
        b = earlier.pop(s.subject_code, None)
        subjects.append(
            SubjectCompare(
                s.subject_name,
                _percent(s.correct_rate),
                _percent(b.correct_rate) if b else None,
                round(s.seconds / 60),
                round(b.seconds / 60) if b else 0,
            )
        )
    for b in earlier.values():
        subjects.append(
            SubjectCompare(b.subject_name, None, _percent(b.correct_rate), 0, round(b.seconds / 60))
        )
    return OwnLearning(
        days=days,
        minutes_now=round(sum(s.seconds for s in now.subjects) / 60),
        minutes_before=round(sum(s.seconds for s in before.subjects) / 60),
        subjects=subjects,
        daily=now.daily_seconds,
        tests=now.tests,
    )


def _furigana(enrolment: Enrolment | None) -> bool:
    """Pupils of grades 1–3 of an elementary school read kanji with furigana."""
    return bool(enrolment and enrolment.grade_level.stage == "P" and enrolment.grade_level.number <= 3)


@dataclass
class PupilDashboard:
    """The pupil's own page: mood history and learning against their own past."""

    student: Student
    enrolment: Enrolment | None
    furigana: bool
    strip: list[DayCell]
    moods_now: list[MoodShare]
    moods_before: list[MoodShare]
    learning: OwnLearning | None


def pupil_dashboard_get(*, actor: Any, student: Student, day: dt.date | None = None) -> PupilDashboard:
    """What a pupil sees of themselves: the last 20 school days' weather and marks, the weather of the
    last four weeks against the four before, and their learning against their own past."""
    day = day or timezone.localdate()
    enrolment = (
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), student=student)
        .select_related("school", "homeroom", "grade_level")
        .first()
    )
    strip: list[DayCell] = []
    if enrolment is not None:
        days = school_days_before(enrolment.school_id, day, 20)
        strip = list(_strips(actor, [student.pk], days, enrolment.school.board_id)[student.pk].values())
    moods_now, _ = mood_distribution(actor, student, day - dt.timedelta(days=27), day)
    moods_before, _ = mood_distribution(
        actor, student, day - dt.timedelta(days=55), day - dt.timedelta(days=28)
    )
    return PupilDashboard(
        student=student,
        enrolment=enrolment,
        furigana=_furigana(enrolment),
        strip=strip,
        moods_now=moods_now,
        moods_before=moods_before,
        learning=own_learning(actor=actor, student=student, day=day),
    )


@dataclass
class ChildSummary:
    """What a guardian sees of their child: attendance this year, いいところ shared with home, learning."""

    student: Student
    enrolment: Enrolment | None
    attendance: Any
    good_points: list[Any]
    learning: OwnLearning | None


def child_summary_get(*, actor: Any, student: Student, day: dt.date | None = None) -> ChildSummary:
    """A guardian's summary of one child, read through each app's own policy for guardians (so only
    what is shared with home: いいところ marked for home, the child's own register and learning)."""
    from tsunagu.attendance.selectors import attendance_summary
    from tsunagu.observations.selectors import good_points_for

    day = day or timezone.localdate()
    enrolment = (
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), student=student)
        .select_related("school", "school_year", "homeroom", "grade_level")
        .first()
    )
    attendance = None
    points: list[Any] = []
    if enrolment is not None:
        attendance = attendance_summary(
            actor=actor,
            student=student,
            school=enrolment.school,
            start=enrolment.school_year.start_date,
            end=day - dt.timedelta(days=1),
        )
        points = good_points_for(actor=actor, student=student, school_year=enrolment.school_year)[:10]
    return ChildSummary(
        student=student,
        enrolment=enrolment,
        attendance=attendance,
        good_points=points,
        learning=own_learning(actor=actor, student=student, day=day),
    )


# --- the board: counts per school, small numbers suppressed ------------------------------------------

#: Rules grouped as the board reads them.
RULE_GROUPS = {
    "attendance": [
        "absence_streak",
        "absence_streak_legal",
        "yearly_absence",
        "weekday_absence",
        "absence_since_home_note",
        "lateness_rising",
    ],
    "mood": ["mood_streak", "mood_decline", "weekday_mood", "stale_checkins"],
    "health": ["weekday_unwell", "morning_visits"],
    "learning": sorted(LEARNING_RULES),
}
SUPPRESS_BELOW = 5


def suppressed(n: int) -> str:
    """A count as the board may read it: under five (but not zero) is "5未満", so no pupil can be
    recognised from a small school's figure."""
    if 0 < n < SUPPRESS_BELOW:
        return "5未満"
    return str(n)


@dataclass
class SchoolCounts:
    """One school's line of the board's table (no names, counts under five suppressed)."""

    school: School
    pupils: int
    flagged: str
    groups: dict[str, str]
    legal: str


def ward_counts_get(*, actor: Any, board: Any, day: dt.date | None = None) -> list[SchoolCounts]:
    """Active insights per school of ``board`` by group, pupils with any, 7-day notices (three queries).

    Counted in a system scope after the view checked ``view_insight_counts`` on the board: the board
    reads no insight row, only these counts."""
    from django.db.models import Count

    from tsunagu.core.scope import system_scope

    day = day or timezone.localdate()
    schools = list(School.objects.filter(board=board).order_by("kind", "mext_code"))
    group_of = {rule: group for group, rules in RULE_GROUPS.items() for rule in rules}
    with system_scope(reason="board's insight counts (numbers only)"):
        active = Insight.objects.filter(
            school__board=board, status__in=[InsightStatus.OPEN, InsightStatus.ASSIGNED]
        )
        by_rule = list(
            active.values("school_id", "rule").annotate(n=Count("student", distinct=True)).order_by()
        )
        flagged = dict(
            active.values("school_id")
            .annotate(n=Count("student", distinct=True))
            .values_list("school_id", "n")
        )
        pupils = dict(
            Enrolment.objects.filter(enrolled_on(day), school__board=board)
            .values("school_id")
            .annotate(n=Count("student", distinct=True))
            .values_list("school_id", "n")
        )
    groups: dict[int, dict[str, int]] = {s.pk: dict.fromkeys(RULE_GROUPS, 0) for s in schools}
    legal: dict[int, int] = {}
    for row in by_rule:
        group = group_of.get(row["rule"])
        if group and row["school_id"] in groups:
            groups[row["school_id"]][group] += row["n"]
        if row["rule"] == "absence_streak_legal":
            legal[row["school_id"]] = row["n"]
    return [
        SchoolCounts(
            school=s,
            pupils=pupils.get(s.pk, 0),
            flagged=suppressed(flagged.get(s.pk, 0)),
            groups={g: suppressed(n) for g, n in groups[s.pk].items()},
            legal=suppressed(legal.get(s.pk, 0)),
        )
        for s in schools
    ]


@dataclass
class RuleStats:
    """How often a rule fired this year across the board and how often staff dismissed it."""

    rule: str
    name: str
    found: int
    dismissed: int

    @property
    def dismissed_percent(self) -> int | None:
        return round(100 * self.dismissed / self.found) if self.found else None


def rule_stats_get(*, board: Any, school_year: Any) -> list[RuleStats]:
    """Per rule: insights found in ``school_year`` at the board's schools and how many were dismissed
    (false alarms, to tune the thresholds). One query, counts only; the caller checked the policy."""
    from django.db.models import Count, Q

    from tsunagu.core.scope import system_scope
    from tsunagu.karte.rules import RULE_NAMES

    with system_scope(reason="board's insight statistics (numbers only)"):
        rows = {
            r["rule"]: r
            for r in Insight.objects.filter(school__board=board, school_year=school_year)
            .values("rule")
            .annotate(found=Count("id"), dismissed=Count("id", filter=Q(status=InsightStatus.DISMISSED)))
            .order_by()
        }
    return [
        RuleStats(rule, name, rows.get(rule, {}).get("found", 0), rows.get(rule, {}).get("dismissed", 0))
        for rule, name in RULE_NAMES.items()
    ]
