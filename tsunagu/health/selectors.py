"""Reads of the daily health check-in. Every selector takes the ``actor`` and narrows with ``visible_to``.

The class summary is built with a fixed number of queries whatever the size of the class (the
roster, the sessions, the check-ins, the talk requests, the recent moods); the school summary the
same for the whole school.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from tsunagu.health.models import (
    BAD_MOODS,
    CheckInSession,
    HealthCheckIn,
    HealthNotice,
    InjuryActivity,
    InjuryPlace,
    Mood,
    NurseDailyLog,
    NurseVisit,
    Outcome,
    Period,
    Symptom,
    TalkRequest,
    VisitCategory,
)
from tsunagu.health.services import TalkOption, is_school_day, pupil_enrolment, talk_options
from tsunagu.org.models import Homeroom, School
from tsunagu.students.models import Enrolment, Student
from tsunagu.students.selectors import enrolled_on, search_filter

#: Bad moods on this many consecutive morning check-ins put a pupil on the watch list (HEALTH.md §1).
STREAK_DAYS = 3
#: Ward-wide counts below this are shown as "fewer than 5" (small numbers identify children).
SUPPRESS_BELOW = 5


def checkin_today() -> dt.date:
    """The day check-in pages show: today in the school's time zone (a seam for tests)."""
    return timezone.localdate()


def uses_furigana(enrolment: Enrolment | None) -> bool:
    """Pupils of grades 1–3 of an elementary school read kanji with furigana."""
    return bool(enrolment and enrolment.grade_level.stage == "P" and enrolment.grade_level.number <= 3)


# --- the pupil's page ---------------------------------------------------------------------------------


@dataclass
class PupilPeriod:
    """One session of the pupil's day as the pupil sees it."""

    period: str
    session: CheckInSession | None
    check_in: HealthCheckIn | None
    talk: TalkRequest | None

    @property
    def is_open(self) -> bool:
        """The pupil can answer it now."""
        return self.check_in is None and (self.period == Period.MORNING or self.session is not None)


@dataclass
class PupilDay:
    """What the pupil's check-in page needs."""

    pupil: Student | None
    enrolment: Enrolment | None
    furigana: bool
    is_school_day: bool = False
    periods: list[PupilPeriod] = field(default_factory=list)
    talk_options: list[TalkOption] = field(default_factory=list)

    @property
    def next_open(self) -> PupilPeriod | None:
        """The session to answer now: the morning first, then an afternoon the teacher has opened."""
        if not self.is_school_day:
            return None
        return next((p for p in self.periods if p.is_open), None)

    @property
    def answered(self) -> list[PupilPeriod]:
        return [p for p in self.periods if p.check_in is not None]


def pupil_day_get(*, actor: Any, day: dt.date) -> PupilDay:
    """The logged-in pupil's check-ins of ``day`` with their "seen" acknowledgements (seven queries)."""
    pupil = Student.objects.visible_to(actor, "view").filter(user=actor).first()
    if pupil is None:
        return PupilDay(pupil=None, enrolment=None, furigana=False)
    enrolment = pupil_enrolment(actor=actor, student=pupil, day=day)
    result = PupilDay(pupil=pupil, enrolment=enrolment, furigana=uses_furigana(enrolment))
    if enrolment is None or enrolment.homeroom is None:
        return result
    result.is_school_day = is_school_day(enrolment.school_id, day)
    sessions = {
        s.period: s
        for s in CheckInSession.objects.visible_to(actor, "view").filter(
            homeroom=enrolment.homeroom, date=day
        )
    }
    check_ins = {
        c.session_id: c
        for c in HealthCheckIn.objects.visible_to(actor, "view").filter(
            student=pupil, session__in=list(sessions.values())
        )
    }
    talks = {
        t.check_in_id: t
        for t in TalkRequest.objects.visible_to(actor, "view")
        .filter(check_in__in=list(check_ins.values()))
        .select_related("requested_of", "acknowledged_by")
    }
    for period in Period.values:
        session = sessions.get(period)
        check_in = check_ins.get(session.pk) if session else None
        result.periods.append(
            PupilPeriod(
                period=period,
                session=session,
                check_in=check_in,
                talk=talks.get(check_in.pk) if check_in else None,
            )
        )
    result.talk_options = talk_options(enrolment=enrolment, day=day)
    return result


# --- the class summary ----------------------------------------------------------------------------------


@dataclass
class PupilLine:
    """One pupil on the class summary and on the teacher's entry screen."""

    student: Student
    roll_number: int | None
    check_in: HealthCheckIn | None = None
    talk: TalkRequest | None = None
    bad_streak: bool = False
    absence_report: Any = None  # a guardian's 欠席連絡 of the day (tsunagu.attendance)

    @property
    def needs_attention(self) -> bool:
        return bool(self.check_in and self.check_in.needs_attention)


@dataclass
class ClassSummary:
    """Today's check-in of one homeroom for one period, as the actor may see it."""

    homeroom: Homeroom
    day: dt.date
    period: str
    session: CheckInSession | None
    afternoon_open: bool
    lines: list[PupilLine]
    #: Guardians' absence, late and early-leave reports of the day (tsunagu.attendance), with symptoms.
    absence_reports: list[Any] = field(default_factory=list)

    @property
    def not_answered(self) -> list[PupilLine]:
        return [line for line in self.lines if line.check_in is None]

    @property
    def attention(self) -> list[PupilLine]:
        """Pupils who reported symptoms or a bad mood."""
        return [line for line in self.lines if line.needs_attention]

    @property
    def talk_lines(self) -> list[PupilLine]:
        return [line for line in self.lines if line.talk is not None]

    @property
    def streaks(self) -> list[PupilLine]:
        return [line for line in self.lines if line.bad_streak]

    @property
    def answered_count(self) -> int:
        return len(self.lines) - len(self.not_answered)

    @property
    def unseen_count(self) -> int:
        return sum(1 for line in self.lines if line.check_in is not None and line.check_in.seen_at is None)

    @property
    def check_ins(self) -> list[HealthCheckIn]:
        """Every check-in shown (for the access log)."""
        return [line.check_in for line in self.lines if line.check_in is not None]

    @property
    def report_lines(self) -> list[PupilLine]:
        return [line for line in self.lines if line.absence_report is not None]


def class_lines(*, actor: Any, homeroom: Homeroom, day: dt.date) -> list[PupilLine]:
    """The pupils of ``homeroom`` on ``day`` by roll number (one query). Pupils of a special-needs class
    who join it as their 交流学級 check in with their own class and are not listed."""
    enrolments = (
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), homeroom=homeroom)
        .select_related("student")
        .order_by("roll_number", "student__family_name_kana", "student__given_name_kana")
    )
    return [PupilLine(student=e.student, roll_number=e.roll_number) for e in enrolments]


def class_summary_get(
    *, actor: Any, homeroom: Homeroom, day: dt.date, period: str = Period.MORNING
) -> ClassSummary:
    """The live class summary: who has not answered, who reported symptoms or a bad mood, who asked
    to talk (requests the actor may see), who had a bad mood on the last three mornings, and the
    guardians' absence reports of the day.

    At most seven queries whatever the size of the class.
    """
    lines = class_lines(actor=actor, homeroom=homeroom, day=day)
    sessions = {
        s.period: s
        for s in CheckInSession.objects.visible_to(actor, "view").filter(homeroom=homeroom, date=day)
    }
    session = sessions.get(period)
    by_student = {line.student.pk: line for line in lines}
    if session is not None:
        check_ins = HealthCheckIn.objects.visible_to(actor, "view").filter(
            session=session, student_id__in=list(by_student)
        )
        for check_in in check_ins:
            by_student[check_in.student_id].check_in = check_in
        talks = TalkRequest.objects.visible_to(actor, "view").filter(
            check_in__session=session, student_id__in=list(by_student)
        )
        for talk in talks.select_related("requested_of", "acknowledged_by", "check_in__session"):
            by_student[talk.student_id].talk = talk
    _mark_streaks(actor=actor, homeroom=homeroom, day=day, by_student=by_student)
    reports = _absence_reports(actor=actor, homeroom=homeroom, day=day, by_student=by_student)
    return ClassSummary(
        homeroom=homeroom,
        day=day,
        period=period,
        session=session,
        afternoon_open=Period.AFTERNOON in sessions,
        lines=lines,
        absence_reports=reports,
    )


def _absence_reports(
    *, actor: Any, homeroom: Homeroom, day: dt.date, by_student: dict[int, PupilLine]
) -> list[Any]:
    """The guardians' reports of ``day`` for pupils of the class, as the actor may see them (one query):
    they belong in the same picture as the check-ins (HEALTH.md §1)."""
    from tsunagu.attendance.models import AbsenceReport, ReportStatus

    reports = list(
        AbsenceReport.objects.visible_to(actor, "view")
        .filter(homeroom=homeroom, date=day, student_id__in=list(by_student))
        .exclude(status=ReportStatus.WITHDRAWN)
        .order_by("created_at")
    )
    for report in reports:
        line = by_student[report.student_id]
        line.absence_report = report
    return reports


def _mark_streaks(*, actor: Any, homeroom: Homeroom, day: dt.date, by_student: dict[int, PupilLine]) -> None:
    """Flag pupils whose answers on the class's last ``STREAK_DAYS`` mornings were all 雨 or かみなり."""
    dates = list(
        CheckInSession.objects.visible_to(actor, "view")
        .filter(homeroom=homeroom, period=Period.MORNING, date__lte=day)
        .order_by("-date")
        .values_list("date", flat=True)[:STREAK_DAYS]
    )
    if len(dates) < STREAK_DAYS:
        return
    bad: dict[int, int] = defaultdict(int)
    rows = HealthCheckIn.objects.visible_to(actor, "view").filter(
        session__homeroom=homeroom,
        session__period=Period.MORNING,
        session__date__in=dates,
        student_id__in=list(by_student),
        mood__in=list(BAD_MOODS),
    )
    for student_id in rows.values_list("student_id", flat=True):
        bad[student_id] += 1
    for student_id, count in bad.items():
        if count >= STREAK_DAYS:
            by_student[student_id].bad_streak = True


# --- the school summary (nurse, principal) -------------------------------------------------------------


@dataclass
class ClassTile:
    """One homeroom's figures on the school summary."""

    homeroom: Homeroom
    pupils: int = 0
    answered: int = 0
    attention: int = 0


@dataclass
class SchoolSummary:
    """Today's morning check-in across a school, for the nurse and the principal."""

    school: School
    day: dt.date
    tiles: list[ClassTile]
    attention: list[HealthCheckIn]
    talks: list[TalkRequest]

    @property
    def escalated(self) -> list[TalkRequest]:
        return [t for t in self.talks if t.escalated_at and t.acknowledged_at is None]

    @property
    def open_talks(self) -> list[TalkRequest]:
        return [t for t in self.talks if t.acknowledged_at is None and not t.escalated_at]

    @property
    def check_ins(self) -> list[HealthCheckIn]:
        return self.attention


def school_summary_get(
    *, actor: Any, school: School, day: dt.date, homerooms: list[Homeroom]
) -> SchoolSummary:
    """Per class: pupils, answers and pupils needing attention; the school's list of pupils reporting
    symptoms or a bad mood; today's talk requests and unacknowledged older ones. Four queries.

    ``homerooms`` are the school's homerooms this year as the actor sees them.
    """
    tiles = {h.pk: ClassTile(homeroom=h) for h in homerooms}
    counts = (
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), homeroom_id__in=list(tiles))
        .values("homeroom_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in counts:
        tiles[row["homeroom_id"]].pupils = row["n"]
    attention = []
    check_ins = (
        HealthCheckIn.objects.visible_to(actor, "view")
        .filter(session__school=school, session__date=day, session__period=Period.MORNING)
        .select_related("student", "session__homeroom__grade_level")
        .order_by(
            "session__homeroom__grade_level__order", "session__homeroom__order", "student__family_name_kana"
        )
    )
    for check_in in check_ins:
        tile = tiles.get(check_in.session.homeroom_id)
        if tile is not None:
            tile.answered += 1
        if check_in.needs_attention:
            attention.append(check_in)
            if tile is not None:
                tile.attention += 1
    talks = list(
        TalkRequest.objects.visible_to(actor, "view")
        .filter(school=school)
        .filter(Q(check_in__session__date=day) | Q(acknowledged_at__isnull=True))
        .select_related(
            "student", "requested_of", "acknowledged_by", "check_in__session__homeroom__grade_level"
        )
        .order_by("-escalated_at", "respond_by")
    )
    return SchoolSummary(school=school, day=day, tiles=list(tiles.values()), attention=attention, talks=talks)


# --- staff inbox and the board ------------------------------------------------------------------------


def open_talk_requests(*, actor: Any) -> list[TalkRequest]:
    """Unacknowledged talk requests the actor may acknowledge, escalated first (for home pages)."""
    return list(
        TalkRequest.objects.visible_to(actor, "acknowledge")
        .filter(acknowledged_at__isnull=True)
        .select_related(
            "student", "requested_of", "acknowledged_by", "check_in__session__homeroom__grade_level"
        )
        .order_by("-escalated_at", "respond_by")[:50]
    )


@dataclass
class WardRow:
    """One school's morning figures for the board; ``None`` where a count is suppressed."""

    school: School
    answered: int | None
    bad_mood: int | None
    symptoms: int | None


def _suppress(n: int) -> int | None:
    return n if n == 0 or n >= SUPPRESS_BELOW else None


def ward_aggregates(*, actor: Any, schools: list[School], day: dt.date) -> list[WardRow]:
    """Morning check-in counts per school for the board: answers, bad moods, symptoms (one query).

    Counted under the ``count`` action, which grants no right to rows; counts from 1 to 4 are
    suppressed so that no child can be singled out.
    """
    rows = (
        HealthCheckIn.objects.visible_to(actor, "count")
        .filter(session__school__in=schools, session__date=day, session__period=Period.MORNING)
        .values("session__school")
        .annotate(
            answered=Count("id"),
            bad=Count("id", filter=Q(mood__in=[Mood.RAINY, Mood.STORMY])),
            symptomatic=Count("id", filter=~Q(symptoms=[])),
        )
        .order_by()
    )
    by_school = {r["session__school"]: r for r in rows}
    result = []
    for school in schools:
        r = by_school.get(school.pk, {"answered": 0, "bad": 0, "symptomatic": 0})
        result.append(
            WardRow(
                school=school,
                answered=_suppress(r["answered"]),
                bad_mood=_suppress(r["bad"]),
                symptoms=_suppress(r["symptomatic"]),
            )
        )
    return result


# --- 保健室来室記録 ---------------------------------------------------------------------------------

#: Pupils a search shows at most (type more letters to narrow).
SEARCH_LIMIT = 30


def pupil_search(
    *, actor: Any, school: School, day: dt.date, query: str = "", homeroom: Homeroom | None = None
) -> list[Enrolment]:
    """Pupils of ``school`` enrolled on ``day`` whose name or kana contains ``query`` (width, kana kind
    and spaces ignored, as on the roster) or of ``homeroom``; by class and roll number (one query)."""
    if not query.strip() and homeroom is None:
        return []
    rows = (
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), school=school, homeroom__isnull=False)
        .filter(search_filter(query, prefix="student__"))
        .select_related("student", "homeroom__grade_level")
        .order_by(
            "homeroom__grade_level__order",
            "homeroom__is_special_needs",
            "homeroom__order",
            "roll_number",
            "student__family_name_kana",
        )
    )
    if homeroom is not None:
        rows = rows.filter(homeroom=homeroom)
    return list(rows[: SEARCH_LIMIT * 2 if homeroom is not None else SEARCH_LIMIT])


def _visits(actor: Any, action: str = "view") -> Any:
    return NurseVisit.objects.visible_to(actor, action).select_related(
        "student", "homeroom__grade_level", "recorded_by"
    )


def visit_list_day(*, actor: Any, school: School, day: dt.date) -> list[NurseVisit]:
    """The school's visits of ``day``, latest first, in full (nurse, principal; one query)."""
    return list(_visits(actor).filter(school=school, date=day).order_by("-time_in", "-id"))


def visit_list_pupil(*, actor: Any, student: Student, limit: int = 200) -> list[NurseVisit]:
    """A pupil's visits at schools where the actor sees visits, latest first (one query)."""
    return list(_visits(actor).filter(student=student).order_by("-date", "-time_in")[:limit])


@dataclass
class VisitOutline:
    """A visit as the homeroom teacher sees it: time, category and outcome; the complaints and note
    only when the nurse shared them (HEALTH.md §6)."""

    visit: NurseVisit
    notice: HealthNotice | None
    shared: bool

    @property
    def complaint_labels(self) -> list[str]:
        return self.visit.complaint_labels if self.shared else []

    @property
    def note(self) -> str:
        return self.visit.note if self.shared else ""

    @property
    def unread(self) -> bool:
        return self.notice is not None and self.notice.read_at is None


def visit_outlines(
    *, actor: Any, homeroom: Homeroom | None = None, day: dt.date | None = None, unread_only: bool = False
) -> list[VisitOutline]:
    """Visits the actor sees in outline (their class's, or ``homeroom``'s) with their notices: the
    visits of ``day``, or (``unread_only``) every visit with an unread notice. Two queries."""
    rows = _visits(actor, "view_outline")
    if homeroom is not None:
        rows = rows.filter(homeroom=homeroom)
    notices = HealthNotice.objects.visible_to(actor, "view")
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
        by_visit = {n.visit_id: n for n in notices}
        rows = rows.filter(pk__in=list(by_visit))
    else:
        rows = rows.filter(date=day or checkin_today())
        by_visit = {n.visit_id: n for n in notices.filter(visit__in=rows)}
    return [
        VisitOutline(visit=v, notice=by_visit.get(v.pk), shared=v.shared_with_teacher)
        for v in rows.order_by("-date", "-time_in")[:100]
    ]


# --- 保健日誌 -------------------------------------------------------------------------------------


@dataclass
class LogClassRow:
    """One class on the daily log: pupils, absences (with reasons), late, early leave, suspensions, visits."""

    homeroom: Homeroom
    enrolled: int = 0
    absent: int = 0
    excused: int = 0
    late: int = 0
    early_leave: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    visits: int = 0


@dataclass
class DailyLog:
    """The 保健日誌 of one school and day: figures computed from the records, plus the nurse's entries.

    Every figure comes from check-ins (this app), the 出席簿 (attendance selectors and marks) and the
    visits, so the log always equals what the records say.
    """

    school: School
    day: dt.date
    entry: NurseDailyLog | None
    classes: list[LogClassRow]
    #: 出席停止 by disease (marks of 出席停止（感染症）), and other suspensions under their reason.
    suspensions: dict[str, int]
    visits: list[NurseVisit]
    visits_by_category: dict[str, int]
    complaints: dict[str, int]
    checkin_answered: int
    checkin_bad_mood: int
    checkin_symptoms: dict[str, int]
    talk_requests: int

    @property
    def notable(self) -> list[NurseVisit]:
        """Rest, early leave, referral and ambulance cases, in time order."""
        return sorted((v for v in self.visits if v.is_notable), key=lambda v: v.time_in)

    @property
    def consultations(self) -> int:
        return self.visits_by_category.get(VisitCategory.CONSULTATION, 0)

    @property
    def totals(self) -> LogClassRow:
        """The school's totals over the classes."""
        total = LogClassRow(homeroom=None)  # type: ignore[arg-type]
        for row in self.classes:
            total.enrolled += row.enrolled
            total.absent += row.absent
            total.excused += row.excused
            total.late += row.late
            total.early_leave += row.early_leave
            total.visits += row.visits
            for reason, n in row.reasons.items():
                total.reasons[reason] = total.reasons.get(reason, 0) + n
        return total


def _reason_of(kind: str, reason: str, disease: str, labels: dict[str, str]) -> str:
    """What the log says about an absence: the reason written in the register, else the code's label."""
    from tsunagu.attendance.models import Mark

    if kind == Mark.SUSPENDED_INFECTION:
        return disease or labels.get(kind, kind)
    return (reason or labels.get(kind, kind)).strip()[:30]


def daily_log_get(*, actor: Any, school: School, day: dt.date) -> DailyLog:
    """The day's 保健日誌 for ``school``: per-class register figures (``attendance.selectors``), the
    absence reasons and 出席停止 by disease (the day's marks), the visits (counts by category, notable
    cases), the morning check-ins (answers, bad moods, symptoms, talk requests), and the nurse's entry.

    A fixed number of queries whatever the size of the school.
    """
    from tsunagu.attendance.models import MARK_CATEGORY, AttendanceMark, Category, Mark
    from tsunagu.attendance.selectors import attendance_codes, school_day_summary

    days = school_day_summary(actor=actor, school=school, day=day)
    rows = {
        d.homeroom.pk: LogClassRow(
            homeroom=d.homeroom,
            enrolled=d.enrolled,
            absent=d.absent,
            excused=d.excused,
            late=d.late,
            early_leave=d.early_leave,
        )
        for d in days
    }
    labels = {c.kind: c.label for c in attendance_codes(board=school.board_id)}
    suspensions: dict[str, int] = {}
    marks = (
        AttendanceMark.objects.visible_to(actor, "view")
        .filter(school=school, date=day)
        .values_list("homeroom_id", "kind", "reason", "disease")
    )
    for homeroom_id, kind, reason, disease in marks:
        category = MARK_CATEGORY[kind]
        if category == Category.PRESENT:
            continue
        text = _reason_of(kind, reason, disease, labels)
        row = rows.get(homeroom_id)
        if row is not None:
            row.reasons[text] = row.reasons.get(text, 0) + 1
        if kind in {Mark.SUSPENDED_INFECTION, Mark.SUSPENDED_OTHER}:
            suspensions[text] = suspensions.get(text, 0) + 1
    visits = visit_list_day(actor=actor, school=school, day=day)
    by_category = {value: 0 for value in VisitCategory.values}
    complaints: dict[str, int] = {}
    for visit in visits:
        by_category[visit.category] += 1
        for label in visit.complaint_labels:
            complaints[label] = complaints.get(label, 0) + 1
        row = rows.get(visit.homeroom_id) if visit.homeroom_id else None
        if row is not None:
            row.visits += 1
    check_ins = (
        HealthCheckIn.objects.visible_to(actor, "view")
        .filter(session__school=school, session__date=day, session__period=Period.MORNING)
        .values_list("mood", "symptoms")
    )
    answered = bad = 0
    symptom_counts: dict[str, int] = {}
    for mood, symptoms in check_ins:
        answered += 1
        bad += mood in BAD_MOODS
        for symptom in symptoms or ():
            symptom_counts[symptom] = symptom_counts.get(symptom, 0) + 1
    symptom_labels = dict(Symptom.choices)
    talks = (
        TalkRequest.objects.visible_to(actor, "view")
        .filter(school=school, check_in__session__date=day)
        .count()
    )
    return DailyLog(
        school=school,
        day=day,
        entry=NurseDailyLog.objects.visible_to(actor, "view").filter(school=school, date=day).first(),
        classes=list(rows.values()),
        suspensions=dict(sorted(suspensions.items(), key=lambda kv: -kv[1])),
        visits=visits,
        visits_by_category=by_category,
        complaints=dict(sorted(complaints.items(), key=lambda kv: -kv[1])),
        checkin_answered=answered,
        checkin_bad_mood=bad,
        checkin_symptoms={
            str(symptom_labels[s]): n
            for s, n in sorted(symptom_counts.items(), key=lambda kv: -kv[1])
            if s in symptom_labels
        },
        talk_requests=talks,
    )


# --- statistics of visits -------------------------------------------------------------------------

#: The hours the statistics show a column for (visits before or after go to the first or last).
STAT_HOURS = list(range(8, 17))


@dataclass
class VisitStatistics:
    """Visits of a school over a period, counted by category, weekday, hour, month and place of injury."""

    school: School
    start: dt.date
    end: dt.date
    total: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_weekday: list[int] = field(default_factory=lambda: [0] * 5)
    by_hour: dict[int, int] = field(default_factory=lambda: dict.fromkeys(STAT_HOURS, 0))
    by_month: dict[tuple[int, int], dict[str, int]] = field(default_factory=dict)
    by_place: dict[str, int] = field(default_factory=dict)
    by_activity: dict[str, int] = field(default_factory=dict)
    by_outcome: dict[str, int] = field(default_factory=dict)


def visit_statistics(*, actor: Any, school: School, start: dt.date, end: dt.date) -> VisitStatistics:
    """Count the school's visits from ``start`` to ``end`` (one query of plain values)."""
    stats = VisitStatistics(
        school=school,
        start=start,
        end=end,
        by_category=dict.fromkeys(VisitCategory.values, 0),
        by_place=dict.fromkeys(InjuryPlace.values, 0),
        by_activity=dict.fromkeys(InjuryActivity.values, 0),
        by_outcome=dict.fromkeys(Outcome.values, 0),
    )
    rows = (
        NurseVisit.objects.visible_to(actor, "view")
        .filter(school=school, date__gte=start, date__lte=end)
        .values_list("date", "time_in", "category", "injury_place", "injury_activity", "outcome")
    )
    for day, time_in, category, place, activity, outcome in rows:
        stats.total += 1
        stats.by_category[category] += 1
        if day.weekday() < 5:
            stats.by_weekday[day.weekday()] += 1
        hour = min(max(time_in.hour, STAT_HOURS[0]), STAT_HOURS[-1])
        stats.by_hour[hour] += 1
        month = stats.by_month.setdefault((day.year, day.month), dict.fromkeys(VisitCategory.values, 0))
        month[category] += 1
        if category == VisitCategory.INJURY:
            if place:
                stats.by_place[place] += 1
            if activity:
                stats.by_activity[activity] += 1
        if outcome:
            stats.by_outcome[outcome] += 1
    stats.by_month = dict(sorted(stats.by_month.items()))
    return stats


def visit_counts_today(*, actor: Any, school: School, day: dt.date) -> dict[str, int]:
    """Visits of ``day`` at ``school`` and how many pupils are still in the office (one query)."""
    counts = (
        NurseVisit.objects.visible_to(actor, "view")
        .filter(school=school, date=day)
        .aggregate(today=Count("id"), open=Count("id", filter=Q(time_out__isnull=True)))
    )
    return {"today": counts["today"] or 0, "open": counts["open"] or 0}
