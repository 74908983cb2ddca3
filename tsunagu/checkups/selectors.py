"""Reads of the health exams. Every selector takes the ``actor`` and narrows with ``visible_to``; the
derived values (視力 A–D, 肥満度, DMF) are computed here from what was measured."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Prefetch, Q
from django.utils import timezone

from tsunagu.checkups import derive
from tsunagu.checkups.models import DentalExamRecord, ExamFollowUp, GeneralExamRecord, HealthExam
from tsunagu.org.models import Homeroom, School, SchoolYear
from tsunagu.org.selectors import school_year_on
from tsunagu.students.models import Enrolment, Sex, Student
from tsunagu.students.selectors import enrolled_on, reference_day

#: Counts below this (other than zero) are not shown in figures for people outside the school.
SUPPRESS_BELOW = 5


def current_school_year() -> SchoolYear | None:
    """The school year containing today."""
    day = timezone.localdate()
    return school_year_on(day)


@dataclass
class ExamView:
    """One exam with its records and the values derived from them."""

    exam: HealthExam
    general: GeneralExamRecord | None
    dental: DentalExamRecord | None
    sex: str
    follow_ups: list[ExamFollowUp] = field(default_factory=list)

    @property
    def obesity_pct(self) -> Decimal | None:
        """肥満度 %."""
        return self.general.obesity_pct(self.sex, self.exam.age) if self.general else None

    @property
    def obesity_category(self) -> str:
        """The category code of the 肥満度 ("" without one)."""
        return derive.obesity_category(self.obesity_pct)

    @property
    def obesity_label(self) -> str:
        """The category in words."""
        code = self.obesity_category
        return str(derive.ObesityCategory(code).label) if code else ""

    @property
    def vision(self) -> dict[str, str]:
        """視力 A–D of the four values."""
        return self.general.vision_grades if self.general else {}

    @property
    def worse_eye_grade(self) -> str:
        """The worse uncorrected grade of the two eyes (what the statistics count)."""
        grades = [g for g in (self.vision.get("right"), self.vision.get("left")) if g]
        return max(grades) if grades else ""

    @property
    def counts(self) -> derive.DentalCounts | None:
        """The DMF counts from the 歯式."""
        return self.dental.counts if self.dental and self.dental.teeth else None


def _exam_views(actor: Any, exams: Any, *, with_follow_ups: bool = False) -> list[ExamView]:
    queryset = exams.select_related(
        "student", "school", "school_year", "grade_level", "homeroom__grade_level"
    )
    if with_follow_ups:
        queryset = queryset.prefetch_related(
            Prefetch("follow_ups", queryset=ExamFollowUp.objects.visible_to(actor, "view").order_by("item"))
        )
    exams = list(queryset)
    generals = {
        g.exam_id: g for g in GeneralExamRecord.objects.visible_to(actor, "view").filter(exam__in=exams)
    }
    dentals = {
        d.exam_id: d for d in DentalExamRecord.objects.visible_to(actor, "view").filter(exam__in=exams)
    }
    return [
        ExamView(
            exam=e,
            general=generals.get(e.pk),
            dental=dentals.get(e.pk),
            sex=e.student.sex,
            follow_ups=list(e.follow_ups.all()) if with_follow_ups else [],
        )
        for e in exams
    ]


# --- a class ------------------------------------------------------------------------------------------


def homeroom_enrolments(*, actor: Any, homeroom: Homeroom) -> list[Enrolment]:
    """The pupils of ``homeroom`` on its reference day (today, within its year), by roll number."""
    day = reference_day(homeroom.school_year)
    return list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), homeroom=homeroom)
        .select_related("student", "school", "grade_level")
        .order_by("roll_number", "student__family_name_kana", "student__given_name_kana")
    )


@dataclass
class ClassRow:
    """One pupil of a class grid: the enrolment and, when there is one, this year's exam."""

    enrolment: Enrolment
    view: ExamView | None

    @property
    def student(self) -> Student:
        return self.enrolment.student


def class_rows(
    *, actor: Any, homeroom: Homeroom, enrolments: list[Enrolment] | None = None
) -> list[ClassRow]:
    """Every pupil of the class with this year's exam (if any): a fixed number of queries."""
    enrolments = enrolments if enrolments is not None else homeroom_enrolments(actor=actor, homeroom=homeroom)
    exams = HealthExam.objects.visible_to(actor, "view").filter(
        school_year=homeroom.school_year_id, student__in=[e.student_id for e in enrolments]
    )
    views = {v.exam.student_id: v for v in _exam_views(actor, exams, with_follow_ups=True)}
    return [ClassRow(enrolment=e, view=views.get(e.student_id)) for e in enrolments]


@dataclass
class FollowUpStatusRow:
    """A pupil of the class with follow-ups, as the homeroom teacher sees it: the items and whether the
    slips came back, no findings and no results."""

    enrolment: Enrolment
    items: list[str]
    waiting: int
    returned: int
    proposed: int


def class_followup_status(*, actor: Any, homeroom: Homeroom) -> list[FollowUpStatusRow]:
    """Per pupil of the class: which follow-up items exist and how many slips are outstanding."""
    enrolments = homeroom_enrolments(actor=actor, homeroom=homeroom)
    by_pupil: dict[int, list[ExamFollowUp]] = defaultdict(list)
    for f in (
        ExamFollowUp.objects.visible_to(actor, "view_status")
        .filter(exam__homeroom=homeroom)
        .only("student_id", "item", "letter_date", "returned_on")
        .order_by("item")
    ):
        by_pupil[f.student_id].append(f)
    rows = []
    for e in enrolments:
        found = by_pupil.get(e.student_id)
        if not found:
            continue
        statuses = Counter(f.status for f in found)
        rows.append(
            FollowUpStatusRow(
                enrolment=e,
                items=[f.get_item_display() for f in found],
                waiting=statuses["waiting"],
                returned=statuses["returned"],
                proposed=statuses["proposed"],
            )
        )
    return rows


# --- a pupil ------------------------------------------------------------------------------------------


def pupil_history(*, actor: Any, student: Student) -> list[ExamView]:
    """Every exam of the pupil the actor may see, oldest first (up to nine years, any school)."""
    exams = HealthExam.objects.visible_to(actor, "view").filter(student=student).order_by("school_year__year")
    return _exam_views(actor, exams, with_follow_ups=True)


# --- the school -----------------------------------------------------------------------------------------


def outstanding_followups(*, actor: Any, school: School) -> list[ExamFollowUp]:
    """Letters issued by the school whose slip has not come back, oldest letter first."""
    return list(
        ExamFollowUp.objects.visible_to(actor, "view")
        .filter(school=school, letter_date__isnull=False, returned_on__isnull=True)
        .select_related("student", "exam__homeroom__grade_level", "exam__school_year")
        .order_by("letter_date", "exam__homeroom__grade_level__order", "exam__homeroom__order", "student_id")
    )


@dataclass
class StatsRow:
    """School statistics of one grade and sex (or a total): averages, distributions, ratios."""

    label: str
    sex: str
    pupils: int = 0
    heights: list[Decimal] = field(default_factory=list)
    weights: list[Decimal] = field(default_factory=list)
    obesity: Counter[str] = field(default_factory=Counter)
    vision: Counter[str] = field(default_factory=Counter)
    dmf: list[int] = field(default_factory=list)
    primary_df: list[int] = field(default_factory=list)
    untreated: int = 0

    @staticmethod
    def _mean(values: list[Any], places: str = "0.1") -> Decimal | None:
        if not values:
            return None
        total = sum((Decimal(v) for v in values), Decimal(0))
        return (total / len(values)).quantize(Decimal(places))

    @property
    def height_mean(self) -> Decimal | None:
        return self._mean(self.heights)

    @property
    def weight_mean(self) -> Decimal | None:
        return self._mean(self.weights)

    @property
    def dmf_mean(self) -> Decimal | None:
        """DMF指数: mean DMF teeth per pupil examined."""
        return self._mean(self.dmf, "0.01")

    @property
    def primary_df_mean(self) -> Decimal | None:
        return self._mean(self.primary_df, "0.01")

    @property
    def examined_teeth(self) -> int:
        return len(self.dmf)

    @property
    def untreated_pct(self) -> Decimal | None:
        """未処置歯のある者 as a percentage of the pupils whose teeth were examined."""
        if not self.dmf:
            return None
        return (Decimal(self.untreated) * 100 / len(self.dmf)).quantize(Decimal("0.1"))

    @property
    def obesity_counts(self) -> list[int]:
        return [self.obesity[c] for c in derive.ObesityCategory.values]

    @property
    def vision_counts(self) -> list[int]:
        return [self.vision[g] for g in "ABCD"]

    def add(self, view: ExamView) -> None:
        self.pupils += 1
        general = view.general
        if general and general.height_cm is not None:
            self.heights.append(general.height_cm)
        if general and general.weight_kg is not None:
            self.weights.append(general.weight_kg)
        if view.obesity_category:
            self.obesity[view.obesity_category] += 1
        if view.worse_eye_grade:
            self.vision[view.worse_eye_grade] += 1
        counts = view.counts
        if counts is not None:
            self.dmf.append(counts.dmf)
            self.primary_df.append(counts.primary_df)
            self.untreated += counts.has_untreated


def school_statistics(*, actor: Any, school: School, school_year: SchoolYear) -> list[StatsRow]:
    """Per grade and sex, then per sex for the whole school: the exams the school did in the year."""
    exams = HealthExam.objects.visible_to(actor, "view").filter(school=school, school_year=school_year)
    views = sorted(_exam_views(actor, exams), key=lambda v: (v.exam.grade_level.order, v.sex != Sex.MALE))
    rows: dict[tuple[Any, str], StatsRow] = {}
    totals: dict[str, StatsRow] = {str(sex): StatsRow(label="", sex=sex) for sex in (Sex.MALE, Sex.FEMALE)}
    for view in views:
        grade = view.exam.grade_level
        key = (grade.order, view.sex)
        if key not in rows:
            rows[key] = StatsRow(label=str(grade), sex=view.sex)
        rows[key].add(view)
        if view.sex in totals:
            totals[view.sex].add(view)
    return [*rows.values(), *(t for t in totals.values() if t.pupils)]


def years_with_exams(*, actor: Any, school: School) -> list[SchoolYear]:
    """The school years in which the school has exams the actor may see, newest first."""
    ids = (
        HealthExam.objects.visible_to(actor, "view")
        .filter(school=school)
        .values_list("school_year_id", flat=True)
        .distinct()
    )
    return list(SchoolYear.objects.filter(pk__in=list(ids)).order_by("-year"))


def exam_progress(
    *, actor: Any, homerooms: list[Homeroom], school_year: SchoolYear
) -> dict[int, Counter[str]]:
    """Per homeroom: its pupils of today who are measured (height), have a dental chart, and the open
    follow-ups (a pupil who has left the class no longer counts)."""
    result: dict[int, Counter[str]] = {h.pk: Counter() for h in homerooms}
    day = timezone.localdate()
    in_class = (
        Q(exam__student__enrolments__homeroom=F("exam__homeroom"))
        & Q(exam__student__enrolments__start_date__lte=day)
        & (
            Q(exam__student__enrolments__end_date__isnull=True)
            | Q(exam__student__enrolments__end_date__gte=day)
        )
    )
    where = Q(exam__homeroom__in=homerooms, exam__school_year=school_year) & in_class
    for homeroom_id in (
        GeneralExamRecord.objects.visible_to(actor, "view")
        .filter(where, height_cm__isnull=False)
        .values_list("exam__homeroom_id", flat=True)
    ):
        result[homeroom_id]["measured"] += 1
    for homeroom_id in (
        DentalExamRecord.objects.visible_to(actor, "view")
        .filter(where)
        .exclude(teeth={})
        .values_list("exam__homeroom_id", flat=True)
    ):
        result[homeroom_id]["dental"] += 1
    for homeroom_id in (
        ExamFollowUp.objects.visible_to(actor, "view")
        .filter(where, returned_on__isnull=True)
        .values_list("exam__homeroom_id", flat=True)
    ):
        result[homeroom_id]["open"] += 1
    return result


def today() -> dt.date:
    """The day the pages treat as today (a seam for tests)."""
    return timezone.localdate()


def outstanding_count(*, actor: Any, school: School) -> int:
    """How many letters of the school wait for their return slip (the home card's figure)."""
    return (
        ExamFollowUp.objects.visible_to(actor, "view")
        .filter(school=school, letter_date__isnull=False, returned_on__isnull=True)
        .count()
    )
