"""Reads of learning summaries and test results for the karte and the pages (contract C3).

Every function takes the actor and narrows with ``visible_to`` (policies.py); a background job may pass
``actor=None`` inside ``system_scope`` (the karte's nightly insight rules). Class averages are *per
pupil of the class*: the class's total divided by the number of pupils enrolled in the class during the
period (pupils with no activity count as zero); the class correct rate is the class's correct answers
over its answered questions. Pupils and guardians get no class figures (None): their views compare a
pupil with their own past only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, When

from tsunagu.core.policy import registry
from tsunagu.core.scope import in_system_scope
from tsunagu.learning_summaries.models import LearningSummary, Test, TestImport, TestKind, TestResult
from tsunagu.org.models import Homeroom, School
from tsunagu.students.models import Enrolment, Student


@dataclass(frozen=True)
class SubjectLearning:
    """One subject of a pupil in a period, with the class average per pupil."""

    subject_code: str
    subject_name: str
    answered: int
    correct: int
    seconds: int
    class_correct_rate: float | None
    class_seconds: float | None
    #: Answered and correct questions per pupil of the class (the mock-up's 正答数/総題数 average).
    class_answered: float | None = None
    class_correct: float | None = None

    @property
    def correct_rate(self) -> float | None:
        """Correct answers over answered questions (0–1); None when nothing was answered."""
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True)
class TestScore:
    """One imported test result (定期テスト / 単元テスト / 学力経年調査) with the class average."""

    kind: str
    name: str
    taken_on: dt.date
    subject_name: str
    score: float
    max_score: float
    class_average: float | None


@dataclass(frozen=True)
class PupilLearning:
    """What the karte shows of a pupil's learning in a period (contract C3)."""

    subjects: list[SubjectLearning]
    daily_seconds: list[tuple[dt.date, int]]
    class_daily_seconds: list[tuple[dt.date, float]]
    tests: list[TestScore]
    longitudinal: list[TestScore]


def _narrow(queryset: QuerySet[Any], actor: Any, action: str = "view") -> QuerySet[Any]:
    """``visible_to``, or everything for a background job (no actor) inside ``system_scope``."""
    if actor is None and in_system_scope():
        return queryset
    return queryset.visible_to(actor, action)  # type: ignore[attr-defined]


def _may_compare(actor: Any, model: type[Any]) -> bool:
    if actor is None:
        return in_system_scope()
    return registry.allows_any(actor, model, "view_class")


def _days(since: dt.date, until: dt.date) -> list[dt.date]:
    return [since + dt.timedelta(days=n) for n in range((until - since).days + 1)]


def _enrolled(since: dt.date, until: dt.date, prefix: str = "") -> Q:
    """Enrolments running at some time in the period."""
    return Q(**{f"{prefix}start_date__lte": until}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": since})
    )


def school_year_start(day: dt.date) -> dt.date:
    """1 April of the school year (年度) containing ``day``."""
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def pupil_learning(*, actor: Any, student: Student, since: dt.date, until: dt.date) -> PupilLearning:
    """A pupil's learning from ``since`` to ``until`` (inclusive): per subject, per day, tests.

    The class is the pupil's latest class begun by ``until``. ``tests`` are the results of the school
    year containing ``until`` up to that day, newest first; ``longitudinal`` every 学力経年調査 result up
    to ``until``, oldest first (a trend across years). At most 3 queries: the actor's roles (cached per
    request), the summaries of the pupil and the class grouped by subject and day (with the class size),
    and the test results with their class averages.
    """
    compare = _may_compare(actor, LearningSummary)
    room = (
        Enrolment.objects.filter(student=student, start_date__lte=until)
        .order_by("-start_date")
        .values("homeroom")[:1]
    )
    base = LearningSummary.objects.filter(day__gte=since, day__lte=until)
    if compare:
        # The class and the pupil as one IN list (an OR of the two would keep PostgreSQL from using
        # the indexes); staff see the pupil's rows under ``view_class`` as under ``view``.
        members = Enrolment.objects.filter(
            (_enrolled(since, until) & Q(homeroom=Subquery(room))) | Q(student=student)
        ).values("student")
        rows_qs = _narrow(base.filter(student__in=members), actor, "view_class")
    else:
        rows_qs = _narrow(base.filter(student=student), actor)

    def mine(field: str) -> Sum:
        return Sum(Case(When(student_id=student.pk, then=F(field)), default=0, output_field=IntegerField()))

    # The class size rides along as a scalar sub-select (a count, no pupil's data), so the whole
    # picture is one query whatever the actor may see of the class's enrolments.
    size_of_class = (
        Enrolment.objects.filter(_enrolled(since, until), homeroom=Subquery(room))
        .order_by()
        .values("homeroom")
        .annotate(n=Count("student", distinct=True))
        .values("n")[:1]
    )
    rows = list(
        rows_qs.order_by()
        .values("subject__code", "subject__name", "subject__order", "day")
        .annotate(
            size=Subquery(size_of_class, output_field=IntegerField()),
            my_answered=mine("answered"),
            my_correct=mine("correct"),
            my_seconds=mine("seconds"),
            all_answered=Sum("answered"),
            all_correct=Sum("correct"),
            all_seconds=Sum("seconds"),
        )
    )
    size = max((r["size"] or 0 for r in rows), default=0) if compare else 0
    per_subject: dict[str, dict[str, Any]] = {}
    daily: dict[dt.date, int] = defaultdict(int)
    class_daily: dict[dt.date, int] = defaultdict(int)
    for r in rows:
        s = per_subject.setdefault(
            r["subject__code"],
            {
                "name": r["subject__name"],
                "order": r["subject__order"],
                "a": 0,
                "c": 0,
                "t": 0,
                "A": 0,
                "C": 0,
                "T": 0,
            },
        )
        s["a"] += r["my_answered"] or 0
        s["c"] += r["my_correct"] or 0
        s["t"] += r["my_seconds"] or 0
        s["A"] += r["all_answered"] or 0
        s["C"] += r["all_correct"] or 0
        s["T"] += r["all_seconds"] or 0
        daily[r["day"]] += r["my_seconds"] or 0
        class_daily[r["day"]] += r["all_seconds"] or 0
    subjects = [
        SubjectLearning(
            subject_code=code,
            subject_name=s["name"],
            answered=s["a"],
            correct=s["c"],
            seconds=s["t"],
            class_correct_rate=(s["C"] / s["A"] if s["A"] else None) if compare and size else None,
            class_seconds=(s["T"] / size) if compare and size else None,
            class_answered=(s["A"] / size) if compare and size else None,
            class_correct=(s["C"] / size) if compare and size else None,
        )
        for code, s in sorted(per_subject.items(), key=lambda item: item[1]["order"])
    ]
    days = _days(since, until)
    tests, longitudinal = _tests(actor=actor, student=student, until=until)
    return PupilLearning(
        subjects=subjects,
        daily_seconds=[(d, daily.get(d, 0)) for d in days],
        class_daily_seconds=[(d, class_daily.get(d, 0) / size if size else 0.0) for d in days]
        if compare
        else [],
        tests=tests,
        longitudinal=longitudinal,
    )


def _tests(*, actor: Any, student: Student, until: dt.date) -> tuple[list[TestScore], list[TestScore]]:
    """The pupil's test results (one query): this school year's newest first, 学力経年調査 oldest first."""
    start = school_year_start(until)
    qs = _narrow(
        TestResult.objects.filter(student=student, test__taken_on__lte=until).filter(
            Q(test__taken_on__gte=start) | Q(test__kind=TestKind.LONGITUDINAL)
        ),
        actor,
    ).select_related("test", "subject")
    if _may_compare(actor, TestResult):
        average = (
            TestResult.objects.filter(
                test=OuterRef("test"), subject=OuterRef("subject"), homeroom=OuterRef("homeroom")
            )
            .order_by()
            .values("test")
            .annotate(a=Avg("score"))
            .values("a")
        )
        qs = qs.annotate(class_average=Subquery(average))
    tests: list[TestScore] = []
    longitudinal: list[TestScore] = []
    for r in qs.order_by("-test__taken_on", "test__name", "subject__order"):
        average_value = getattr(r, "class_average", None)
        score = TestScore(
            kind=r.test.kind,
            name=r.test.name,
            taken_on=r.test.taken_on,
            subject_name=r.subject.name,
            score=float(r.score),
            max_score=float(r.max_score),
            class_average=float(average_value) if average_value is not None and r.homeroom_id else None,
        )
        if r.test.taken_on >= start:
            tests.append(score)
        if r.test.kind == TestKind.LONGITUDINAL:
            longitudinal.append(score)
    longitudinal.reverse()
    return tests, longitudinal


def homeroom_learning(
    *, actor: Any, homeroom: Homeroom, since: dt.date, until: dt.date
) -> dict[int, tuple[int, int]]:
    """Per pupil of the class: (seconds in the period, seconds in the same-length period just before);
    every pupil enrolled in the class during the period is present (0 where nothing). Two queries."""
    length = (until - since).days + 1
    before = since - dt.timedelta(days=length)
    pupils = Enrolment.objects.filter(_enrolled(since, until), homeroom=homeroom)
    ids = set(_narrow(pupils, actor).values_list("student_id", flat=True))
    result = {pk: (0, 0) for pk in ids}
    rows = (
        _narrow(
            LearningSummary.objects.filter(
                student__in=pupils.values("student"), day__gte=before, day__lte=until
            ),
            actor,
        )
        .order_by()
        .values("student_id")
        .annotate(
            now=Sum(Case(When(day__gte=since, then=F("seconds")), default=0, output_field=IntegerField())),
            earlier=Sum(Case(When(day__lt=since, then=F("seconds")), default=0, output_field=IntegerField())),
        )
    )
    for r in rows:
        result[r["student_id"]] = (r["now"] or 0, r["earlier"] or 0)
    return result


def daily_seconds_for(
    *, actor: Any, student_ids: list[int], since: dt.date, until: dt.date
) -> dict[int, dict[dt.date, int]]:
    """Study seconds per pupil per day (every day of the period, 0 where nothing), one query — for the
    karte's study-time rules, which compare a pupil with their own baseline."""
    days = _days(since, until)
    result = {pk: dict.fromkeys(days, 0) for pk in student_ids}
    rows = (
        _narrow(
            LearningSummary.objects.filter(student_id__in=student_ids, day__gte=since, day__lte=until), actor
        )
        .order_by()
        .values("student_id", "day")
        .annotate(seconds_sum=Sum("seconds"))
    )
    for r in rows:
        result[r["student_id"]][r["day"]] = r["seconds_sum"] or 0
    return result


@dataclass(frozen=True)
class DailyAnswers:
    """A pupil's answered and correct questions in one subject on one day (days with answers only)."""

    day: dt.date
    subject_code: str
    subject_name: str
    answered: int
    correct: int


def daily_answers_for(
    *, actor: Any, student_ids: list[int], since: dt.date, until: dt.date
) -> dict[int, list[DailyAnswers]]:
    """Answered and correct questions per pupil, day and subject (days without answers left out), one
    query — for the karte's correct-rate rule, which compares a pupil with their own earlier weeks."""
    result: dict[int, list[DailyAnswers]] = {pk: [] for pk in student_ids}
    rows = (
        _narrow(
            LearningSummary.objects.filter(
                student_id__in=student_ids, day__gte=since, day__lte=until, answered__gt=0
            ),
            actor,
        )
        .order_by("day", "subject__order")
        .values_list("student_id", "day", "subject__code", "subject__name", "answered", "correct")
    )
    for student_id, day, code, name, answered, correct in rows:
        result[student_id].append(DailyAnswers(day, code, name, answered, correct))
    return result


# --- pages ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassSubjectRow:
    """One subject of a class overview: correct rate and study time per pupil, with the grade's."""

    subject_code: str
    subject_name: str
    answered: int
    correct: int
    seconds_per_pupil: float
    grade_correct_rate: float | None
    grade_seconds_per_pupil: float | None

    @property
    def correct_rate(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True)
class PupilRow:
    """One pupil of a class overview: answered, correct and seconds over the period."""

    student: Student
    roll_number: int | None
    answered: int
    correct: int
    seconds: int

    @property
    def correct_rate(self) -> float | None:
        return self.correct / self.answered if self.answered else None


def homeroom_overview(
    *, actor: Any, homeroom: Homeroom, since: dt.date, until: dt.date
) -> tuple[list[ClassSubjectRow], list[PupilRow]]:
    """The class overview page: per subject and per pupil. The grade's figures are given only to an actor
    who sees every class of the grade (grade head, principal): from a homeroom teacher's rows they would
    be the class's own figures under another name."""
    rooms = Homeroom.objects.filter(
        school=homeroom.school_id, school_year=homeroom.school_year_id, grade_level=homeroom.grade_level_id
    )
    whole_grade = rooms.visible_to(actor, "view_learning").count() == rooms.count()
    enrolments = list(
        _narrow(Enrolment.objects.filter(_enrolled(since, until), homeroom=homeroom), actor)
        .select_related("student")
        .order_by("roll_number", "student__family_name_kana")
    )
    grade_pupils = Enrolment.objects.filter(
        _enrolled(since, until),
        school=homeroom.school_id,
        school_year=homeroom.school_year_id,
        grade_level=homeroom.grade_level_id,
    )
    grade_size_of = (
        grade_pupils.order_by()
        .values("grade_level")
        .annotate(n=Count("student", distinct=True))
        .values("n")[:1]
    )
    class_ids = {e.student_id for e in enrolments}
    rows = list(
        _narrow(
            LearningSummary.objects.filter(
                student__in=grade_pupils.values("student"), day__gte=since, day__lte=until
            ),
            actor,
            "view_class",
        )
        .order_by()
        .values("student_id", "subject__code", "subject__name", "subject__order")
        .annotate(
            a=Sum("answered"),
            c=Sum("correct"),
            t=Sum("seconds"),
            grade_size=Subquery(grade_size_of, output_field=IntegerField()),
        )
    )
    grade_size = max((r["grade_size"] or 0 for r in rows), default=0)
    by_subject: dict[str, dict[str, Any]] = {}
    by_pupil: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in rows:
        s = by_subject.setdefault(
            r["subject__code"],
            {
                "name": r["subject__name"],
                "order": r["subject__order"],
                "a": 0,
                "c": 0,
                "t": 0,
                "ga": 0,
                "gc": 0,
                "gt": 0,
            },
        )
        s["ga"] += r["a"] or 0
        s["gc"] += r["c"] or 0
        s["gt"] += r["t"] or 0
        if r["student_id"] in class_ids:
            s["a"] += r["a"] or 0
            s["c"] += r["c"] or 0
            s["t"] += r["t"] or 0
            totals = by_pupil[r["student_id"]]
            totals[0] += r["a"] or 0
            totals[1] += r["c"] or 0
            totals[2] += r["t"] or 0
    size = len(class_ids) or 1
    subject_rows = [
        ClassSubjectRow(
            subject_code=code,
            subject_name=s["name"],
            answered=s["a"],
            correct=s["c"],
            seconds_per_pupil=s["t"] / size,
            grade_correct_rate=s["gc"] / s["ga"] if s["ga"] and whole_grade else None,
            grade_seconds_per_pupil=s["gt"] / grade_size if grade_size and whole_grade else None,
        )
        for code, s in sorted(by_subject.items(), key=lambda item: item[1]["order"])
    ]
    pupil_rows = [
        PupilRow(
            student=e.student,
            roll_number=e.roll_number,
            answered=by_pupil[e.student_id][0],
            correct=by_pupil[e.student_id][1],
            seconds=by_pupil[e.student_id][2],
        )
        for e in enrolments
    ]
    return subject_rows, pupil_rows


def test_import_history(*, actor: Any, school: School, limit: int = 20) -> list[TestImport]:
    """The school's latest test-result imports, newest first."""
    return list(
        TestImport.objects.filter(school=school)
        .visible_to(actor, "view")
        .select_related("imported_by")
        .order_by("-created_at")[:limit]
    )


def tests_of_school(*, actor: Any, school: School, limit: int = 50) -> list[Test]:
    """The school's tests with results, newest first (names and dates only)."""
    return list(
        Test.objects.filter(school=school)
        .visible_to(actor, "view")
        .select_related("grade_level", "school_year")
        .order_by("-taken_on", "name")[:limit]
    )
