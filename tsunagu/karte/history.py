"""Building the rules' :class:`~tsunagu.karte.rules.History` for many pupils at once.

Read in a system scope by the insight refresh (a background job or a request already authorised for
the pupils): one query each for the calendar, the marks, the check-ins and the year's absences, whatever
the number of pupils.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Count
from django.utils import translation

from tsunagu.attendance.models import AttendanceMark
from tsunagu.core.scope import system_scope
from tsunagu.health.models import HealthCheckIn, Period
from tsunagu.karte.rules import ABSENT, Answers, History, Visit
from tsunagu.org.models import DayKind, SchoolDay, SchoolYear

#: How far back study time is read (the study-time rule compares 14 days with the 28 before).
STUDY_WINDOW = dt.timedelta(days=42)
#: How far back answers are read by default (the correct-rate rule compares 21 days with the 42 before).
ANSWER_DAYS = 63


def histories_for(
    *,
    school_id: int,
    student_ids: Sequence[int],
    day: dt.date,
    school_year: SchoolYear,
    answer_days: int = ANSWER_DAYS,
) -> dict[int, History]:
    """Each pupil's history at ``school_id`` over the school year up to ``day`` (included).

    The whole year, because a change at home in June is compared with the absences since; the
    register records exceptions only, so that is a few rows per pupil. Each rule keeps to its own
    window within it. Learning data are read over their rules' windows only: study time over
    :data:`STUDY_WINDOW`, answers over the last ``answer_days`` calendar days (the board's recent and
    baseline windows of the correct-rate rule)."""
    start = school_year.start_date
    with system_scope(reason="insight rules read the register and check-ins"):
        school_days = list(
            SchoolDay.objects.filter(
                school_id=school_id, date__gte=start, date__lte=day, kind=DayKind.INSTRUCTIONAL
            )
            .order_by("date")
            .values_list("date", flat=True)
        )
        marks = AttendanceMark.objects.filter(
            student_id__in=student_ids, date__gte=start, date__lte=day
        ).values_list("student_id", "date", "kind")
        checkins = HealthCheckIn.objects.filter(
            student_id__in=student_ids,
            session__date__gte=start,
            session__date__lte=day,
            session__period=Period.MORNING,
        ).values_list("student_id", "session__date", "mood", "symptoms")
        year_absences = dict(
            AttendanceMark.objects.filter(
                student_id__in=student_ids,
                kind__in=ABSENT,
                date__gte=school_year.start_date,
                date__lte=day,
            )
            .values("student_id")
            .annotate(n=Count("id"))
            .values_list("student_id", "n")
        )
        histories = {
            sid: History(school_days=school_days, year_absences=year_absences.get(sid, 0))
            for sid in student_ids
        }
        marked: dict[int, set[dt.date]] = defaultdict(set)
        for student_id, date, kind in marks:
            histories[student_id].marks[date] = kind
            marked[student_id].add(date)
        # No mark on a past school day means present (the register records exceptions only).
        for student_id, history in histories.items():
            for date in school_days:
                if date < day and date not in marked[student_id]:
                    history.marks[date] = "present"
        for student_id, date, mood, symptoms in checkins:
            if mood:
                histories[student_id].moods[date] = mood
            if symptoms:
                histories[student_id].symptoms.add(date)
        for student_id, visits in _visits(student_ids, start, day).items():
            histories[student_id].visits = visits
        for student_id, date in _home_notes(student_ids, start, day):
            histories[student_id].home_notes.append(date)
        for student_id, seconds in _study_seconds(student_ids, day).items():
            histories[student_id].study_seconds = seconds
        for student_id, answers in _answers(student_ids, day, answer_days).items():
            histories[student_id].answers = answers
    return histories


def _home_notes(student_ids: Sequence[int], start: dt.date, end: dt.date) -> list[tuple[int, dt.date]]:
    """Dates of 家庭のようす records (HOME topics); sensitive ones are left out, so that an insight never
    hints at a record its reader may not see."""
    from tsunagu.observations.models import Area, SharedTopic

    return list(
        SharedTopic.objects.filter(
            student_id__in=student_ids, area=Area.HOME, sensitive=False, date__gte=start, date__lte=end
        )
        .order_by("date")
        .values_list("student_id", "date")
    )


def _study_seconds(student_ids: Sequence[int], day: dt.date) -> dict[int, dict[dt.date, int]]:
    """Study time per calendar day over :data:`STUDY_WINDOW` (every day present, 0 when nothing),
    from the learning summaries (contract C3); nothing for pupils without any learning data."""
    try:
        from tsunagu.learning_summaries.selectors import daily_seconds_for
    except ImportError:  # the learning summaries are not installed
        return {}
    since = day - STUDY_WINDOW + dt.timedelta(days=1)
    found = daily_seconds_for(actor=None, student_ids=list(student_ids), since=since, until=day)
    days = [since + dt.timedelta(days=i) for i in range((day - since).days + 1)]
    return {
        sid: {d: int(per_day.get(d, 0)) for d in days}
        for sid, per_day in found.items()
        if any(per_day.values())
    }


def _answers(student_ids: Sequence[int], day: dt.date, days: int) -> dict[int, list[Answers]]:
    """Answered and correct questions per day and subject over the last ``days`` calendar days, from
    the learning summaries (contract C3); nothing for pupils without answers."""
    try:
        from tsunagu.learning_summaries.selectors import daily_answers_for
    except ImportError:  # the learning summaries are not installed
        return {}
    since = day - dt.timedelta(days=days - 1)
    found = daily_answers_for(actor=None, student_ids=list(student_ids), since=since, until=day)
    return {
        sid: [Answers(r.day, r.subject_code, r.subject_name, r.answered, r.correct) for r in rows]
        for sid, rows in found.items()
        if rows
    }


#: The health app's visit categories as the rules name them.
CATEGORIES = {"illness": "internal", "injury": "injury"}


def _visits(student_ids: Sequence[int], start: dt.date, end: dt.date) -> dict[int, list[Visit]]:
    """Nurse-office visits (保健室来室記録) with their first complaint in Japanese, as the rules' sentences
    name it ("午前中は腹痛を訴えて…")."""
    from tsunagu.health.models import Complaint, NurseVisit

    found: dict[int, list[Visit]] = defaultdict(list)
    rows = NurseVisit.objects.filter(student_id__in=student_ids, date__gte=start, date__lte=end).values_list(
        "student_id", "date", "time_in", "category", "complaints"
    )
    with translation.override("ja"):
        labels = {c.value: str(c.label) for c in Complaint}
    for student_id, date, time_in, category, complaints in rows.order_by("date", "time_in"):
        first = complaints[0] if complaints else ""
        found[student_id].append(
            Visit(date, time_in, CATEGORIES.get(category, "other"), labels.get(first, ""))
        )
    return found
