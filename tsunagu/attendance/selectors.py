"""Reads of the 出席簿: the daily screen, the monthly register, the 指導要録 totals and the alerts.

Every selector takes the ``actor`` and reads marks, reports and enrolments through ``visible_to``.
The totals are computed in Python from four flat queries (enrolments, calendar, closures, marks)
whatever the number of pupils, so a 1,000-pupil school's year adds up in well under a second.

How a day counts (SCHOOL_AFFAIRS §3, 指導要録 出欠の記録):

* 授業日数 — the school's instructional days while the pupil was enrolled, less the days of a
  closure of the whole school (臨時休業) or of the pupil's whole grade (学年閉鎖);
* 出席停止・忌引等の日数 — days of a closure of the pupil's class (学級閉鎖) and days marked 出席停止,
  忌引, 非常変災 or otherwise excused by the principal;
* 出席しなければならない日数 = 授業日数 − 出席停止・忌引等の日数;
* 欠席日数 — days marked absent (illness or other reason);
* 出席日数 = 出席しなければならない日数 − 欠席日数 (遅刻, 早退 and 出席扱い are attended days, tallied
  apart for the 備考 and the 通知表).
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Q
from django.utils import timezone

from tsunagu.attendance.models import (
    DEFAULT_CODES,
    MARK_CATEGORY,
    AbsenceReport,
    AttendanceCode,
    AttendanceMark,
    AttendanceSettings,
    Category,
    Closure,
    ClosureScope,
    Mark,
    PeriodKind,
    PeriodMark,
    RegisterDay,
    ReportStatus,
)
from tsunagu.core.policy import registry
from tsunagu.org.models import Board, DayKind, Homeroom, School, SchoolDay, SchoolYear
from tsunagu.org.selectors import school_year_on
from tsunagu.students.models import Enrolment, Student

#: 施行令 §20: the principal tells the board of a pupil absent this many school days in a row.
CONSECUTIVE_ABSENCE_ALERT = 7
#: MEXT's 不登校 survey counts pupils absent 30 days or more in the year.
CHRONIC_ABSENCE_DAYS = 30
#: Pupils are listed as "approaching" from this many days absent.
CHRONIC_ABSENCE_WARNING = 20

CLOSED_SYMBOL = "閉"  # 学級閉鎖: the day stays in 授業日数
HOLIDAY_SYMBOL = "休"  # 臨時休業 / 学年閉鎖: the day is not an instructional day for the pupil


# --- the code list ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Code:
    """One entry of a board's code list as the screens show it."""

    kind: str
    symbol: str
    label: str
    key: str
    is_active: bool = True
    hint: str = ""

    @property
    def category(self) -> Category:
        return MARK_CATEGORY[self.kind]


def attendance_codes(*, board: Board | int) -> list[Code]:
    """The board's code list in its order: its own symbols where it has saved them, else the defaults."""
    board_id = board if isinstance(board, int) else board.pk
    own = {c.kind: c for c in AttendanceCode.objects.filter(board_id=board_id)}
    codes = []
    for order, (kind, symbol, label, key) in enumerate(DEFAULT_CODES):
        row = own.get(kind)
        if row is None:
            codes.append((order, Code(kind=kind, symbol=symbol, label=label, key=key)))
        else:
            codes.append(
                (
                    row.order,
                    Code(kind=kind, symbol=row.symbol, label=row.label, key=row.key, is_active=row.is_active),
                )
            )
    ordered = [code for _, code in sorted(codes, key=lambda pair: pair[0])]
    # Two kinds may share a symbol (停 for both kinds of 出席停止): tell them apart on the buttons.
    seen: dict[str, int] = defaultdict(int)
    for code in ordered:
        seen[code.symbol] += 1
    return [
        replace(code, hint=_hint(code.label)) if code.symbol and seen[code.symbol] > 1 else code
        for code in ordered
    ]


def _hint(label: str) -> str:
    """A short tag from a label: the words in brackets (出席停止（感染症） → 感染症), else its start."""
    if "（" in label:
        return label.split("（", 1)[1].rstrip("）")[:3]
    return label[:2]


# --- totals (指導要録 出欠の記録) -----------------------------------------------------------------


@dataclass
class AttendanceSummary:
    """One pupil's 出欠の記録 over a period, in the 指導要録 columns plus the tallies of the 備考."""

    days_instructional: int = 0
    days_excused: int = 0
    days_absent: int = 0
    days_absent_illness: int = 0
    days_late: int = 0
    days_early_leave: int = 0
    days_deemed_present: int = 0
    deemed_present_places: list[str] = field(default_factory=list)

    @property
    def days_required(self) -> int:
        """出席しなければならない日数."""
        return self.days_instructional - self.days_excused

    @property
    def days_present(self) -> int:
        """出席日数."""
        return self.days_required - self.days_absent

    def as_dict(self) -> dict[str, int]:
        return {
            "days_instructional": self.days_instructional,
            "days_excused": self.days_excused,
            "days_required": self.days_required,
            "days_absent": self.days_absent,
            "days_present": self.days_present,
            "days_late": self.days_late,
            "days_early_leave": self.days_early_leave,
            "days_deemed_present": self.days_deemed_present,
        }


@dataclass
class _Calendar:
    """A school's instructional days and closures over a period, ready to ask "what was this day"."""

    days: list[dt.date]
    school_closed: set[dt.date]
    grade_closed: dict[int, set[dt.date]]
    homeroom_closed: dict[int, set[dt.date]]

    def slice(self, start: dt.date, end: dt.date) -> list[dt.date]:
        return self.days[bisect.bisect_left(self.days, start) : bisect.bisect_right(self.days, end)]

    def instructional_for(self, day: dt.date, grade_level_id: int) -> bool:
        """Is ``day`` an instructional day for a pupil of that grade (no school or grade closure)?"""
        return day not in self.school_closed and day not in self.grade_closed.get(grade_level_id, ())


def _calendar(school: School | int, start: dt.date, end: dt.date) -> _Calendar:
    """Instructional days and closures of ``school`` from ``start`` to ``end`` (two queries).

    Calendars and closures are organisation data (class IV/III, no personal data): read unscoped.
    """
    school_id = school if isinstance(school, int) else school.pk
    days = list(
        SchoolDay.objects.filter(
            school_id=school_id, kind=DayKind.INSTRUCTIONAL, date__gte=start, date__lte=end
        )
        .order_by("date")
        .values_list("date", flat=True)
    )
    school_closed: set[dt.date] = set()
    grade_closed: dict[int, set[dt.date]] = defaultdict(set)
    homeroom_closed: dict[int, set[dt.date]] = defaultdict(set)
    closures = Closure.objects.filter(school_id=school_id, start_date__lte=end, end_date__gte=start)
    for scope, grade_id, homeroom_id, first, last in closures.values_list(
        "scope", "grade_level_id", "homeroom_id", "start_date", "end_date"
    ):
        span = _date_range(max(first, start), min(last, end))
        if scope == ClosureScope.SCHOOL:
            school_closed.update(span)
        elif scope == ClosureScope.GRADE:
            grade_closed[grade_id].update(span)
        else:
            homeroom_closed[homeroom_id].update(span)
    return _Calendar(days, school_closed, dict(grade_closed), dict(homeroom_closed))


def _date_range(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


@dataclass(frozen=True)
class _Span:
    """The part of an enrolment that falls in the period."""

    student_id: int
    grade_level_id: int
    homeroom_id: int | None
    start: dt.date
    end: dt.date


def _spans(
    enrolments: Iterable[tuple[int, int, int | None, dt.date, dt.date | None]], start: dt.date, end: dt.date
) -> list[_Span]:
    spans = []
    for student_id, grade_id, homeroom_id, first, last in enrolments:
        a, b = max(first, start), min(last or end, end)
        if a <= b:
            spans.append(_Span(student_id, grade_id, homeroom_id, a, b))
    return spans


#: Per pupil and day, the mark's kind and whether the pupil left early (for a late pupil who did).
_MarkMap = dict[tuple[int, dt.date], tuple[str, bool, str]]


def _marks(actor: Any, school_id: int, student_ids: list[int], start: dt.date, end: dt.date) -> _MarkMap:
    rows = (
        AttendanceMark.objects.visible_to(actor, "view")
        .filter(school_id=school_id, student_id__in=student_ids, date__gte=start, date__lte=end)
        .values_list("student_id", "date", "kind", "left_at", "place")
    )
    return {(sid, day): (kind, left_at is not None, place) for sid, day, kind, left_at, place in rows}


def _summarise(spans: list[_Span], cal: _Calendar, marks: _MarkMap) -> dict[int, AttendanceSummary]:
    """Add up the spans. The instructional days of each grade (school and grade closures taken out)
    are listed once; each span takes its slice of them, and only the pupil's own marks are visited,
    so the work grows with pupils and marks, not with pupils × days."""
    summaries: dict[int, AttendanceSummary] = {}
    grade_days: dict[int, list[dt.date]] = {}
    own_marks: dict[int, list[tuple[dt.date, tuple[str, bool, str]]]] = defaultdict(list)
    for (student_id, day), found in marks.items():
        own_marks[student_id].append((day, found))
    spans_per_pupil: dict[int, int] = defaultdict(int)
    for span in spans:
        spans_per_pupil[span.student_id] += 1
    counted: dict[int, set[dt.date]] = defaultdict(set)
    for span in spans:
        summary = summaries.setdefault(span.student_id, AttendanceSummary())
        every = grade_days.get(span.grade_level_id)
        if every is None:
            every = [d for d in cal.days if cal.instructional_for(d, span.grade_level_id)]
            grade_days[span.grade_level_id] = every
        days = every[bisect.bisect_left(every, span.start) : bisect.bisect_right(every, span.end)]
        if spans_per_pupil[span.student_id] > 1:  # a pupil who moved: count each day once
            done = counted[span.student_id]
            days = [d for d in days if d not in done]
            done.update(days)
        if not days:
            continue
        summary.days_instructional += len(days)
        closed = cal.homeroom_closed.get(span.homeroom_id, set()) if span.homeroom_id else set()
        day_set: set[dt.date] | None = None
        if closed:
            day_set = set(days)
            summary.days_excused += len(closed & day_set)
        first, last = days[0], days[-1]
        for day, (kind, left_early, place) in own_marks.get(span.student_id, ()):
            if day < first or day > last:
                continue
            if day_set is None:
                day_set = set(days)
            if day not in day_set or day in closed:
                continue
            category = MARK_CATEGORY[kind]
            if category == Category.EXCUSED:
                summary.days_excused += 1
            elif category == Category.ABSENT:
                summary.days_absent += 1
                if kind == Mark.ABSENT_ILLNESS:
                    summary.days_absent_illness += 1
            else:
                if kind == Mark.LATE:
                    summary.days_late += 1
                if kind == Mark.EARLY_LEAVE or (kind == Mark.LATE and left_early):
                    summary.days_early_leave += 1
                if kind == Mark.DEEMED_PRESENT:
                    summary.days_deemed_present += 1
                    if place and place not in summary.deemed_present_places:
                        summary.deemed_present_places.append(place)
    return summaries


def attendance_summaries(
    *,
    actor: Any,
    school: School,
    start: dt.date,
    end: dt.date,
    homeroom: Homeroom | None = None,
    student_ids: Iterable[int] | None = None,
) -> dict[int, AttendanceSummary]:
    """出欠の記録 from ``start`` to ``end`` of every pupil enrolled at ``school`` in that period (only in
    ``homeroom`` if given, only ``student_ids`` if given), keyed by pupil id. Four queries.

    Only days of enrolments at ``school`` count: a pupil who transferred in counts from the first day of
    the enrolment, one who left up to its last day. Given a homeroom, only the days spent in that class
    count (the class's own register). Marks the actor may not see count as present, so pass an actor
    who may read the whole period (the principal for a school, the teacher for their class).
    """
    enrolments = Enrolment.objects.visible_to(actor, "view").filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start), school=school, start_date__lte=end
    )
    if homeroom is not None:
        enrolments = enrolments.filter(homeroom=homeroom)
    if student_ids is not None:
        enrolments = enrolments.filter(student_id__in=list(student_ids))
    spans = _spans(
        enrolments.values_list("student_id", "grade_level_id", "homeroom_id", "start_date", "end_date"),
        start,
        end,
    )
    if not spans:
        return {}
    cal = _calendar(school, start, end)
    marks = _marks(actor, school.pk, sorted({s.student_id for s in spans}), start, end)
    return _summarise(spans, cal, marks)


def attendance_summary(
    *, actor: Any, student: Student, school: School, start: dt.date, end: dt.date
) -> AttendanceSummary:
    """One pupil's 出欠の記録 at ``school`` over the period (zeros when not enrolled then)."""
    found = attendance_summaries(actor=actor, school=school, start=start, end=end, student_ids=[student.pk])
    return found.get(student.pk, AttendanceSummary())


# --- the daily screen -------------------------------------------------------------------------


@dataclass
class DailyRow:
    """One pupil on the daily screen: the mark to show (saved, or suggested by a pending report)."""

    student: Student
    roll_number: int | None
    kind: str
    time: dt.time | None
    detail: str
    saved: bool
    report: AbsenceReport | None = None
    errors: list[str] = field(default_factory=list)
    periods: dict[int, str] = field(default_factory=dict)
    period_numbers: list[int] = field(default_factory=list)

    @property
    def period_slots(self) -> list[tuple[int, str]]:
        """(period, kind or "") for every period of the day, for the screen."""
        return [(n, self.periods.get(n, "")) for n in self.period_numbers]

    @property
    def pending(self) -> bool:
        """A guardian's report pre-filled this row and the teacher has not yet confirmed it."""
        return self.report is not None and self.report.status == ReportStatus.PENDING


@dataclass
class DayStatus:
    """Whether a day can take a register at all, and why not."""

    is_instructional: bool
    closure: Closure | None
    note: str = ""

    @property
    def open(self) -> bool:
        return self.is_instructional and self.closure is None


@dataclass
class DailyRegister:
    """The whole class on one day."""

    homeroom: Homeroom
    date: dt.date
    status: DayStatus
    rows: list[DailyRow]
    taken: RegisterDay | None
    codes: list[Code]
    period_numbers: list[int] = field(default_factory=list)
    deadline: dt.time | None = None
    deadline_passed: bool = False

    @property
    def unreported_absences(self) -> list[DailyRow]:
        """Pupils marked absent with no report from home (連絡なし欠席: to phone)."""
        return [r for r in self.rows if MARK_CATEGORY[r.kind] == Category.ABSENT and r.report is None]


def day_status(*, homeroom: Homeroom, day: dt.date) -> DayStatus:
    """Is ``day`` an instructional day of the homeroom's school, and is the class closed then?"""
    school_day = SchoolDay.objects.filter(school_id=homeroom.school_id, date=day).first()
    closure = (
        Closure.objects.filter(school_id=homeroom.school_id, start_date__lte=day, end_date__gte=day)
        .filter(
            Q(scope=ClosureScope.SCHOOL)
            | Q(scope=ClosureScope.GRADE, grade_level_id=homeroom.grade_level_id)
            | Q(scope=ClosureScope.HOMEROOM, homeroom=homeroom)
        )
        .first()
    )
    return DayStatus(
        is_instructional=bool(school_day and school_day.is_instructional),
        closure=closure,
        note=school_day.note if school_day else "",
    )


def _detail_of(mark: AttendanceMark) -> str:
    if mark.kind == Mark.SUSPENDED_INFECTION:
        return mark.disease
    if mark.kind == Mark.DEEMED_PRESENT:
        return mark.place
    return mark.reason


def homeroom_enrolments_on(*, actor: Any, homeroom: Homeroom, day: dt.date) -> list[Enrolment]:
    """The pupils enrolled in ``homeroom`` on ``day``, by roll number (one query)."""
    return list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day), homeroom=homeroom, start_date__lte=day)
        .select_related("student")
        .order_by("roll_number", "student__family_name_kana", "student__given_name_kana")
    )


def daily_register_get(
    *, actor: Any, homeroom: Homeroom, day: dt.date, now: dt.datetime | None = None
) -> DailyRegister:
    """The class on ``day``: saved marks, else the mark a pending guardian's report suggests, else present;
    the periods each pupil missed when the school records periods; whether the guardians' reporting
    deadline has passed (then absences without a report are listed as 連絡なし欠席)."""
    enrolments = homeroom_enrolments_on(actor=actor, homeroom=homeroom, day=day)
    ids = [e.student_id for e in enrolments]
    marks = {
        m.student_id: m
        for m in AttendanceMark.objects.visible_to(actor, "view").filter(student_id__in=ids, date=day)
    }
    reports: dict[int, AbsenceReport] = {}
    for report in (
        AbsenceReport.objects.visible_to(actor, "view")
        .filter(student_id__in=ids, date=day)
        .exclude(status=ReportStatus.WITHDRAWN)
        .order_by("created_at")
    ):
        reports[report.student_id] = report  # the latest report wins
    rows = []
    for enrolment in enrolments:
        mark = marks.get(enrolment.student_id)
        report = reports.get(enrolment.student_id)
        if mark is not None:
            time = mark.arrived_at if mark.kind == Mark.LATE else mark.left_at
            row = DailyRow(
                enrolment.student, enrolment.roll_number, mark.kind, time, _detail_of(mark), True, report
            )
        elif report is not None and report.status == ReportStatus.PENDING:
            detail = report.get_reason_display() if report.reason else ""
            row = DailyRow(
                enrolment.student,
                enrolment.roll_number,
                report.suggested_mark,
                report.time,
                str(detail),
                False,
                report,
            )
        else:
            row = DailyRow(enrolment.student, enrolment.roll_number, Mark.PRESENT, None, "", False, report)
        rows.append(row)
    taken = RegisterDay.objects.visible_to(actor, "view").filter(homeroom=homeroom, date=day).first()
    settings = attendance_settings_get(school=homeroom.school_id)
    period_numbers = list(range(1, settings.periods_per_day + 1)) if settings.period_marks else []
    if period_numbers:
        for row in rows:
            row.period_numbers = period_numbers
        by_student = {row.student.pk: row for row in rows}
        for student_id, period, kind in (
            PeriodMark.objects.visible_to(actor, "view")
            .filter(student_id__in=ids, date=day)
            .values_list("student_id", "period", "kind")
        ):
            if student_id in by_student:
                by_student[student_id].periods[period] = kind
    moment = timezone.localtime(now) if now is not None else timezone.localtime()
    deadline_passed = day < moment.date() or (
        day == moment.date() and moment.time() > settings.report_deadline
    )
    return DailyRegister(
        homeroom=homeroom,
        date=day,
        status=day_status(homeroom=homeroom, day=day),
        rows=rows,
        taken=taken,
        codes=[c for c in attendance_codes(board=homeroom.school.board_id) if c.is_active],
        period_numbers=period_numbers,
        deadline=settings.report_deadline,
        deadline_passed=deadline_passed,
    )


# --- the monthly register ---------------------------------------------------------------------


@dataclass
class DayColumn:
    """One calendar day of the month."""

    date: dt.date
    weekday: str
    is_instructional: bool


@dataclass
class MonthRow:
    """One pupil in the monthly register: a symbol per day, the month's and the year's totals."""

    student: Student
    roll_number: int | None
    cells: list[str]
    month: AttendanceSummary
    cumulative: AttendanceSummary
    periods_absent: int = 0
    periods_late: int = 0


@dataclass
class MonthlyRegister:
    """出席簿 of one homeroom for one month (the legal book is kept for every month)."""

    homeroom: Homeroom
    month_start: dt.date
    month_end: dt.date
    counted_until: dt.date
    days: list[DayColumn]
    rows: list[MonthRow]
    period_marks: bool = False

    @property
    def instructional_days(self) -> int:
        return sum(1 for d in self.days if d.is_instructional)


WEEKDAYS_JA = "月火水木金土日"
NOT_ENROLLED = "／"


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def register_month_get(
    *, actor: Any, homeroom: Homeroom, year: int, month: int, today: dt.date | None = None
) -> MonthlyRegister:
    """The monthly register of ``homeroom``: pupils × days with symbols, the month's totals and the
    totals from the start of the school year to the end of the month. Days after ``today`` are shown
    but not counted."""
    today = today or timezone.localdate()
    school_year: SchoolYear = homeroom.school_year
    first, last = _month_bounds(year, month)
    counted_until = min(last, today)
    codes = {c.kind: c for c in attendance_codes(board=homeroom.school.board_id)}
    cal = _calendar(homeroom.school_id, first, last)
    instructional = set(cal.days)
    days = [
        DayColumn(
            d,
            WEEKDAYS_JA[d.weekday()],
            d in instructional and cal.instructional_for(d, homeroom.grade_level_id),
        )
        for d in _date_range(first, last)
    ]
    enrolments = list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first), homeroom=homeroom, start_date__lte=last)
        .select_related("student")
        .order_by("roll_number", "student__family_name_kana", "start_date")
    )
    ids = sorted({e.student_id for e in enrolments})
    month_totals = (
        attendance_summaries(
            actor=actor,
            school=homeroom.school,
            start=first,
            end=counted_until,
            homeroom=homeroom,
            student_ids=ids,
        )
        if first <= counted_until
        else {}
    )
    year_totals = (
        attendance_summaries(
            actor=actor,
            school=homeroom.school,
            start=school_year.start_date,
            end=counted_until,
            homeroom=homeroom,
            student_ids=ids,
        )
        if school_year.start_date <= counted_until
        else {}
    )
    marks = {
        (m.student_id, m.date): m
        for m in AttendanceMark.objects.visible_to(actor, "view").filter(
            student_id__in=ids, date__gte=first, date__lte=last, homeroom=homeroom
        )
    }
    closed = cal.homeroom_closed.get(homeroom.pk, set())
    rows: list[MonthRow] = []
    by_student: dict[int, list[Enrolment]] = defaultdict(list)
    for e in enrolments:
        by_student[e.student_id].append(e)
    for student_id, spans in by_student.items():
        cells = []
        for column in days:
            day = column.date
            if not any(e.start_date <= day and (e.end_date is None or day <= e.end_date) for e in spans):
                cells.append(NOT_ENROLLED)
            elif day in instructional and not column.is_instructional:
                cells.append(HOLIDAY_SYMBOL)
            elif not column.is_instructional:
                cells.append("")
            elif day in closed:
                cells.append(CLOSED_SYMBOL)
            else:
                mark = marks.get((student_id, day))
                cells.append(_symbol(mark, codes) if mark else "")
        rows.append(
            MonthRow(
                student=spans[0].student,
                roll_number=spans[0].roll_number,
                cells=cells,
                month=month_totals.get(student_id, AttendanceSummary()),
                cumulative=year_totals.get(student_id, AttendanceSummary()),
            )
        )
    settings = attendance_settings_get(school=homeroom.school_id)
    if settings.period_marks and rows:
        month_rows = {r.student.pk: r for r in rows}
        for student_id, kind in (
            PeriodMark.objects.visible_to(actor, "view")
            .filter(homeroom=homeroom, date__gte=first, date__lte=counted_until)
            .values_list("student_id", "kind")
        ):
            month_row = month_rows.get(student_id)
            if month_row is None:
                continue
            if kind == PeriodKind.ABSENT:
                month_row.periods_absent += 1
            else:
                month_row.periods_late += 1
    return MonthlyRegister(homeroom, first, last, counted_until, days, rows, settings.period_marks)


def _symbol(mark: AttendanceMark, codes: dict[str, Code]) -> str:
    code = codes.get(mark.kind)
    symbol = code.symbol if code else mark.kind
    if mark.kind == Mark.LATE and mark.left_at is not None:
        early = codes.get(Mark.EARLY_LEAVE)
        symbol += early.symbol if early else ""
    return symbol


# --- alerts -----------------------------------------------------------------------------------


@dataclass
class AbsenceAlert:
    """A pupil the principal must know about: a run of absent days, or many days absent this year."""

    student: Student
    homeroom: Homeroom | None
    longest_run: int
    current_run: int
    run_start: dt.date | None
    days_absent: int
    notified: bool = False

    @property
    def consecutive(self) -> bool:
        """Absent ``CONSECUTIVE_ABSENCE_ALERT`` school days in a row this year (施行令 §20)."""
        return self.longest_run >= CONSECUTIVE_ABSENCE_ALERT

    @property
    def chronic(self) -> bool:
        return self.days_absent >= CHRONIC_ABSENCE_DAYS

    @property
    def approaching(self) -> bool:
        return CHRONIC_ABSENCE_WARNING <= self.days_absent < CHRONIC_ABSENCE_DAYS


def absence_alerts(
    *, actor: Any, school: School, homeroom: Homeroom | None = None, today: dt.date | None = None
) -> list[AbsenceAlert]:
    """Pupils now at ``school`` (in ``homeroom`` if given) with a run of ≥ 7 school days absent this year
    or ≥ 20 days absent in the year, longest runs first. Four queries plus one for the pupils.

    A run counts days marked absent (illness or other reason); days of 出席停止, 忌引 and closures
    neither extend nor break it (they are not absences without a justifiable reason, but the pupil did
    not come back either); any attended day ends it.
    """
    today = today or timezone.localdate()
    year = school_year_on(today)
    if year is None:
        return []
    enrolments = Enrolment.objects.visible_to(actor, "view").filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today), school=school, start_date__lte=today
    )
    if homeroom is not None:
        enrolments = enrolments.filter(homeroom=homeroom)
    current = {e.student_id: e for e in enrolments.select_related("student", "homeroom__grade_level")}
    if not current:
        return []
    totals = attendance_summaries(
        actor=actor,
        school=school,
        start=year.start_date,
        end=today,
        homeroom=homeroom,
        student_ids=list(current),
    )
    cal = _calendar(school, year.start_date, today)
    marks = _marks(actor, school.pk, list(current), year.start_date, today)
    alerts = []
    for student_id, enrolment in current.items():
        summary = totals.get(student_id, AttendanceSummary())
        runs, open_run = _absence_runs(cal, marks, student_id, enrolment, today)
        longest = max(runs, key=len, default=[])
        now = runs[-1] if open_run else []
        alert = AbsenceAlert(
            student=enrolment.student,
            homeroom=enrolment.homeroom,
            longest_run=len(longest),
            current_run=len(now),
            run_start=(now or longest)[0] if (now or longest) else None,
            days_absent=summary.days_absent,
        )
        if alert.consecutive or alert.days_absent >= CHRONIC_ABSENCE_WARNING:
            alerts.append(alert)
    alerts.sort(key=lambda a: (-a.current_run, -a.longest_run, -a.days_absent))
    return alerts


def _absence_runs(
    cal: _Calendar, marks: _MarkMap, student_id: int, enrolment: Enrolment, today: dt.date
) -> tuple[list[list[dt.date]], bool]:
    """The pupil's runs of absent school days (oldest first) and whether the last one is still open.

    Days of 出席停止, 忌引 and closures neither extend nor break a run; any attended day ends it; today
    without a mark does not end it (the register may not be taken yet)."""
    runs: list[list[dt.date]] = []
    open_run = False
    closed = cal.homeroom_closed.get(enrolment.homeroom_id or 0, set())
    for day in cal.days:
        if not cal.instructional_for(day, enrolment.grade_level_id) or day in closed:
            continue
        mark = marks.get((student_id, day))
        if mark is None and day == today:
            continue
        category = MARK_CATEGORY[mark[0]] if mark else Category.PRESENT
        if category == Category.ABSENT:
            if not open_run:
                runs.append([])
                open_run = True
            runs[-1].append(day)
        elif category == Category.PRESENT:
            open_run = False
    return runs, open_run


@dataclass(frozen=True)
class RunDay:
    """One day of a run of absences as the notice to the board states it."""

    date: dt.date
    label: str
    reason: str


@dataclass
class AbsenceRun:
    """A pupil's run of absent school days (the open one, else the longest of the year)."""

    days: list[RunDay]
    days_absent_year: int


def absence_run(
    *, actor: Any, student: Student, school: School, today: dt.date | None = None
) -> AbsenceRun | None:
    """The pupil's current run of absent school days this year at ``school`` (else their longest),
    with the register's label and reason for each day; None when there is no run at all."""
    today = today or timezone.localdate()
    year = school_year_on(today)
    enrolment = (
        Enrolment.objects.visible_to(actor, "view")
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today), student=student, school=school)
        .filter(start_date__lte=today)
        .first()
    )
    if year is None or enrolment is None:
        return None
    cal = _calendar(school, year.start_date, today)
    marks = _marks(actor, school.pk, [student.pk], year.start_date, today)
    runs, open_run = _absence_runs(cal, marks, student.pk, enrolment, today)
    if not runs:
        return None
    chosen = runs[-1] if open_run else max(runs, key=len)
    labels = {c.kind: c.label for c in attendance_codes(board=school.board_id)}
    details = {
        m.date: m
        for m in AttendanceMark.objects.visible_to(actor, "view").filter(student=student, date__in=chosen)
    }
    days = [
        RunDay(day, labels.get(details[day].kind, details[day].kind), details[day].reason) for day in chosen
    ]
    summary = attendance_summary(
        actor=actor, student=student, school=school, start=year.start_date, end=today
    )
    return AbsenceRun(days=days, days_absent_year=summary.days_absent)


# --- school settings --------------------------------------------------------------------------


def attendance_settings_get(*, school: School | int) -> AttendanceSettings:
    """The school's attendance settings (class IV, read unscoped); the defaults when it has none saved."""
    school_id = school if isinstance(school, int) else school.pk
    found = AttendanceSettings.objects.filter(school_id=school_id).first()
    return found or AttendanceSettings(school_id=school_id)


@dataclass
class UnreportedAbsence:
    """A pupil marked absent today with no report from home (連絡なし欠席)."""

    student: Student
    homeroom: Homeroom | None
    label: str


def unreported_absences(
    *, actor: Any, school: School, day: dt.date | None = None, now: dt.datetime | None = None
) -> list[UnreportedAbsence] | None:
    """Pupils of ``school`` marked absent on ``day`` (today) for whom no guardian's report came, once the
    school's reporting deadline has passed; None before the deadline (the list would not mean much)."""
    if not registry.allows_any(actor, AbsenceReport, "view"):
        return None  # without the reports (office staff) every absence would look unreported
    moment = timezone.localtime(now) if now is not None else timezone.localtime()
    day = day or moment.date()
    deadline = attendance_settings_get(school=school).report_deadline
    if day == moment.date() and moment.time() <= deadline:
        return None
    absent = [k for k, c in MARK_CATEGORY.items() if c == Category.ABSENT]
    marks = list(
        AttendanceMark.objects.visible_to(actor, "view")
        .filter(school=school, date=day, kind__in=absent)
        .select_related("student", "homeroom__grade_level")
        .order_by("homeroom__grade_level__order", "homeroom__order", "student__family_name_kana")
    )
    reported = set(
        AbsenceReport.objects.visible_to(actor, "view")
        .filter(school=school, date=day)
        .exclude(status=ReportStatus.WITHDRAWN)
        .values_list("student_id", flat=True)
    )
    labels = {c.kind: c.label for c in attendance_codes(board=school.board_id)}
    return [
        UnreportedAbsence(m.student, m.homeroom, labels.get(m.kind, m.kind))
        for m in marks
        if m.student_id not in reported
    ]


# --- guardians --------------------------------------------------------------------------------


def absence_report_list(*, actor: Any, since: dt.date | None = None) -> list[AbsenceReport]:
    """Reports the actor may see from ``since`` on (last 30 days by default), newest first."""
    since = since or timezone.localdate() - dt.timedelta(days=30)
    return list(
        AbsenceReport.objects.visible_to(actor, "view")
        .filter(date__gte=since)
        .select_related("student", "homeroom__grade_level")
        .order_by("-date", "-created_at")
    )


def reportable_children(*, actor: Any) -> list[Student]:
    """The children a guardian may report for (custody, no contact restriction)."""
    return list(
        Student.objects.visible_to(actor, "report_absence").order_by("family_name_kana", "given_name_kana")
    )


def homeroom_list_for_attendance(
    *, actor: Any, action: str = "view_attendance", **filters: Any
) -> list[Homeroom]:
    """This year's homerooms whose register ``actor`` may read (or take, with ``take_attendance``)."""
    today = timezone.localdate()
    return list(
        Homeroom.objects.visible_to(actor, action)
        .filter(school_year__start_date__lte=today, school_year__end_date__gte=today, **filters)
        .select_related("grade_level", "school")
        .order_by("school", "grade_level__order", "is_special_needs", "order")
    )


# --- the school's day (学校日誌) -----------------------------------------------------------------


@dataclass
class ClassDay:
    """One homeroom on one day, for the principal's daily summary."""

    homeroom: Homeroom
    enrolled: int = 0
    absent: int = 0
    excused: int = 0
    late: int = 0
    early_leave: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    taken: bool = False
    closed: bool = False
    pending_reports: int = 0

    @property
    def present(self) -> int:
        return self.enrolled - self.absent - self.excused


def school_day_summary(*, actor: Any, school: School, day: dt.date) -> list[ClassDay]:
    """学校日誌: every homeroom of ``school`` on ``day`` — pupils enrolled, absent (with the marks'
    labels), excused, late, left early, whether the register is taken and reports still wait. A fixed
    number of queries whatever the size of the school."""
    homerooms = homeroom_list_for_attendance(actor=actor, school=school)
    if not homerooms:
        return []
    ids = [h.pk for h in homerooms]
    rows = {h.pk: ClassDay(homeroom=h) for h in homerooms}
    counts = (
        Enrolment.objects.visible_to(actor, "view")
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day), homeroom_id__in=ids, start_date__lte=day)
        .values_list("homeroom_id", flat=True)
    )
    for homeroom_id in counts:
        rows[homeroom_id].enrolled += 1
    labels = {c.kind: c.label for c in attendance_codes(board=school.board_id)}
    marks = (
        AttendanceMark.objects.visible_to(actor, "view")
        .filter(homeroom_id__in=ids, date=day)
        .values_list("homeroom_id", "kind", "left_at")
    )
    for homeroom_id, kind, left_at in marks:
        row = rows[homeroom_id]
        category = MARK_CATEGORY[kind]
        if category == Category.ABSENT:
            row.absent += 1
        elif category == Category.EXCUSED:
            row.excused += 1
        if kind == Mark.LATE:
            row.late += 1
        if kind == Mark.EARLY_LEAVE or (kind == Mark.LATE and left_at is not None):
            row.early_leave += 1
        if category != Category.PRESENT:
            row.reasons[labels.get(kind, kind)] = row.reasons.get(labels.get(kind, kind), 0) + 1
    for homeroom_id in (
        RegisterDay.objects.visible_to(actor, "view")
        .filter(homeroom_id__in=ids, date=day)
        .values_list("homeroom_id", flat=True)
    ):
        rows[homeroom_id].taken = True
    for homeroom_id in (
        AbsenceReport.objects.visible_to(actor, "view")
        .filter(homeroom_id__in=ids, date=day, status=ReportStatus.PENDING)
        .values_list("homeroom_id", flat=True)
    ):
        rows[homeroom_id].pending_reports += 1
    cal = _calendar(school, day, day)
    for row in rows.values():
        h = row.homeroom
        row.closed = (
            day in cal.school_closed
            or day in cal.grade_closed.get(h.grade_level_id, set())
            or day in cal.homeroom_closed.get(h.pk, set())
        )
    return list(rows.values())
