"""Reads of grades, narrowed to the actor: teaching groups with their plans, the score grid with its
proposals (観点 A/B/C and 評定), and the class list across subjects."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from tsunagu.grades import rules
from tsunagu.grades.models import (
    DEFAULT_LIMITS,
    VIEWPOINT_SHORT,
    AssessmentPart,
    BehaviourItem,
    BehaviourRecord,
    EvaluationPlan,
    GradingRule,
    Phrase,
    Rating,
    Remark,
    RemarkKind,
    RemarkLimit,
    Score,
    SpecialActivitiesRecord,
    SpecialActivity,
    Viewpoint,
    ViewpointGrade,
    cell_text,
)
from tsunagu.org.models import Homeroom, SchoolYear, Subject, TeachingGroup, Term
from tsunagu.org.selectors import school_year_on
from tsunagu.students.models import Enrolment, Student

VIEWPOINTS: list[str] = [Viewpoint.KNOWLEDGE, Viewpoint.THINKING, Viewpoint.ATTITUDE]


def teaching_groups_for(*, actor: Any, action: str = "view_scores") -> list[TeachingGroup]:
    """This year's teaching groups whose grades ``actor`` may see, in grade, subject and name order."""
    day = timezone.localdate()
    return list(
        TeachingGroup.objects.visible_to(actor, action)
        .filter(school_year__start_date__lte=day, school_year__end_date__gte=day, subject__is_rated=True)
        .select_related("school", "subject", "grade_level", "school_year")
        .prefetch_related("homerooms")
        .order_by("school__kind", "school__mext_code", "grade_level__order", "subject__order", "name")
    )


def may(actor: Any, obj: Any, action: str) -> bool:
    """Whether ``actor`` may ``action`` this one object (a second action on an object already fetched)."""
    return type(obj).objects.filter(pk=obj.pk).visible_to(actor, action).exists()


def terms_of(group: TeachingGroup) -> list[Term]:
    """The terms of the group's school and year (public calendar data)."""
    return list(
        Term.objects.filter(school=group.school_id, school_year=group.school_year_id).order_by("number")
    )


def term_of(group: TeachingGroup, number: int) -> Term | None:
    return Term.objects.filter(
        school=group.school_id, school_year=group.school_year_id, number=number
    ).first()


def plan_for(*, actor: Any, group: TeachingGroup, term: Term) -> EvaluationPlan | None:
    """The plan of the group's subject and grade in ``term``, if any and visible to ``actor``."""
    return (
        EvaluationPlan.objects.visible_to(actor, "view")
        .filter(term=term, subject=group.subject_id, grade_level=group.grade_level_id)
        .select_related("school", "subject", "grade_level", "term", "school_year")
        .first()
    )


def thresholds_for(plan: EvaluationPlan) -> tuple[rules.Thresholds, dict[str, int]]:
    """The plan's A/C thresholds (its own, else the school's, else the defaults) and the school's rating
    table for the plan's stage."""
    return _thresholds(plan, GradingRule.objects.filter(school=plan.school_id).first())


def _thresholds(
    plan: EvaluationPlan, school_rule: GradingRule | None
) -> tuple[rules.Thresholds, dict[str, int]]:
    """``thresholds_for`` with the school's rule already read (bulk reads fetch every school's at once)."""
    a = plan.a_threshold if plan.a_threshold is not None else getattr(school_rule, "a_threshold", None)
    c = plan.c_threshold if plan.c_threshold is not None else getattr(school_rule, "c_threshold", None)
    table: dict[str, int] = {}
    if school_rule is not None:
        table = (
            school_rule.junior_high_table if plan.grade_level.stage == "J" else school_rule.elementary_table
        )
    return (
        rules.Thresholds(
            a=a if a is not None else rules.DEFAULT_A_THRESHOLD,
            c=c if c is not None else rules.DEFAULT_C_THRESHOLD,
        ),
        table or {},
    )


@dataclass
class Column:
    """A grid column: one assessment part."""

    part: AssessmentPart
    assessment_name: str
    viewpoint_short: str
    first_of_assessment: bool
    span: int

    @property
    def label(self) -> str:
        """The CSV header of the column: ``単元テスト1（知）``."""
        return f"{self.assessment_name}（{self.viewpoint_short}）"


@dataclass
class Result:
    """One pupil's 観点 and 評定: the proposal from the scores, and what stands (override or proposal)."""

    percentages: dict[str, Decimal | None]
    proposed: dict[str, str | None]
    grades: dict[str, str | None]
    overridden: set[str]
    proposed_rating: int | None
    rating: int | None
    rating_overridden: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "viewpoints": [
                {
                    "viewpoint": str(v),
                    "percentage": None if self.percentages[v] is None else str(self.percentages[v]),
                    "proposed": self.proposed[v],
                    "grade": self.grades[v],
                    "overridden": v in self.overridden,
                }
                for v in VIEWPOINTS
            ],
            "proposed_rating": self.proposed_rating,
            "rating": self.rating,
            "rating_overridden": self.rating_overridden,
        }


@dataclass
class Cell:
    """A grid cell: its column, the text shown and the version the page loaded (0: no score yet)."""

    column: Column
    text: str = ""
    version: int = 0


@dataclass
class GridRow:
    """A pupil's row of the grid."""

    student: Student
    homeroom_name: str
    roll_number: int | None
    cells: list[Cell]
    result: Result


@dataclass
class Grid:
    """The score grid of a teaching group in a term."""

    group: TeachingGroup
    term: Term
    plan: EvaluationPlan
    columns: list[Column]
    rows: list[GridRow]
    thresholds: rules.Thresholds
    has_rating: bool
    distribution: dict[str, dict[str, int]] = field(default_factory=dict)


def _reference_day(term: Term) -> dt.date:
    return min(max(timezone.localdate(), term.start_date), term.end_date)


def _group_enrolments(actor: Any, group: TeachingGroup, term: Term) -> Any:
    day = _reference_day(term)
    in_group = Q(homeroom__in=group.homerooms.all()) | Q(
        student__teaching_group_memberships__teaching_group=group
    )
    return (
        Enrolment.objects.visible_to(actor, "view")
        .filter(in_group, school=group.school_id, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
    )


def group_enrolments(*, actor: Any, group: TeachingGroup, term: Term) -> list[Enrolment]:
    """Enrolments of the group's pupils on the term's reference day (today, or the term's last day for
    a past term), visible to ``actor``, in class and roll-number order."""
    return list(
        _group_enrolments(actor, group, term)
        .select_related("student", "homeroom__grade_level")
        .order_by("homeroom__order", "roll_number", "student__family_name_kana")
    )


def group_pupil_get(*, actor: Any, group: TeachingGroup, term: Term, student_uuid: Any) -> Student | None:
    """One pupil of the group in the term (as ``group_enrolments`` would list them), or None."""
    enrolment = (
        _group_enrolments(actor, group, term)
        .filter(student__uuid=student_uuid)
        .select_related("student")
        .first()
    )
    return enrolment.student if enrolment else None


def plan_parts(plan: EvaluationPlan) -> list[AssessmentPart]:
    """The plan's parts in assessment order, then 観点 order."""
    order = {v: i for i, v in enumerate(VIEWPOINTS)}
    parts = list(
        AssessmentPart.objects.filter(assessment__plan=plan)
        .select_related("assessment")
        .order_by("assessment__order", "assessment__pk")
    )
    parts.sort(key=lambda p: (p.assessment.order, p.assessment.pk, order[Viewpoint(p.viewpoint)]))
    return parts


def compute_result(
    *,
    parts: list[AssessmentPart],
    scores: dict[int, Score],
    thresholds: rules.Thresholds,
    table: dict[str, int],
    grade_code: str,
    overrides: dict[str, str] | None = None,
    rating_override: int | None = None,
) -> Result:
    """One pupil's proposals from their scores (``scores`` by part id), and what stands with overrides."""
    inputs = [
        rules.PartResult(
            viewpoint=p.viewpoint,
            weight=p.weight,
            max_points=p.max_points,
            points=scores[p.pk].points if p.pk in scores and not scores[p.pk].absent else None,
        )
        for p in parts
    ]
    overrides = overrides or {}
    percentages = {v: rules.viewpoint_percentage(inputs, v) for v in VIEWPOINTS}
    proposed = {v: rules.grade_for(percentages[v], thresholds) for v in VIEWPOINTS}
    grades = {v: overrides.get(v, proposed[v]) for v in VIEWPOINTS}
    proposed_rating = rules.rating_for([grades[v] for v in VIEWPOINTS], grade_code, table)
    has_scale = rules.rating_scale(grade_code) is not None
    return Result(
        percentages=percentages,
        proposed=proposed,
        grades=grades,
        overridden={v for v in VIEWPOINTS if v in overrides},
        proposed_rating=proposed_rating,
        rating=(rating_override if rating_override is not None else proposed_rating) if has_scale else None,
        rating_overridden=rating_override is not None and has_scale,
    )


def _overrides(
    actor: Any, plans: Iterable[EvaluationPlan], students: Iterable[int]
) -> tuple[dict[tuple[int, int], dict[str, str]], dict[tuple[int, int], int]]:
    ids = list(students)
    plan_ids = [p.pk for p in plans]
    grades: dict[tuple[int, int], dict[str, str]] = defaultdict(dict)
    for g in ViewpointGrade.objects.visible_to(actor, "view").filter(plan__in=plan_ids, student__in=ids):
        grades[(g.plan_id, g.student_id)][g.viewpoint] = g.value
    ratings = {
        (r.plan_id, r.student_id): r.value
        for r in Rating.objects.visible_to(actor, "view").filter(plan__in=plan_ids, student__in=ids)
    }
    return grades, ratings


def pupil_result(
    *,
    actor: Any,
    plan: EvaluationPlan,
    student: Student,
    parts: list[AssessmentPart] | None = None,
    scores: dict[int, Score] | None = None,
) -> Result:
    """One pupil's proposals and what stands, freshly computed (after a save, which hands over the
    plan's parts and the pupil's scores it has just read and written)."""
    parts = plan_parts(plan) if parts is None else parts
    if scores is None:
        scores = {
            s.part_id: s
            for s in Score.objects.visible_to(actor, "view").filter(
                part__assessment__plan=plan, student=student
            )
        }
    thresholds, table = thresholds_for(plan)
    grades, ratings = _overrides(actor, [plan], [student.pk])
    return compute_result(
        parts=parts,
        scores=scores,
        thresholds=thresholds,
        table=table,
        grade_code=plan.grade_level.code,
        overrides=grades.get((plan.pk, student.pk)),
        rating_override=ratings.get((plan.pk, student.pk)),
    )


def grid_get(*, actor: Any, group: TeachingGroup, term: Term, plan: EvaluationPlan) -> Grid:
    """The grid: the group's pupils × the plan's parts, each cell with its version, each row with its
    proposals; and the distribution of the 観点 and 評定 that stand."""
    parts = plan_parts(plan)
    enrolments = group_enrolments(actor=actor, group=group, term=term)
    student_ids = [e.student_id for e in enrolments]
    by_pupil: dict[int, dict[int, Score]] = defaultdict(dict)
    for s in Score.objects.visible_to(actor, "view").filter(
        part__assessment__plan=plan, student__in=student_ids
    ):
        by_pupil[s.student_id][s.part_id] = s
    thresholds, table = thresholds_for(plan)
    grades, ratings = _overrides(actor, [plan], student_ids)
    columns = []
    spans: dict[int, int] = defaultdict(int)
    for p in parts:
        spans[p.assessment_id] += 1
    seen: set[int] = set()
    for p in parts:
        columns.append(
            Column(
                part=p,
                assessment_name=p.assessment.name,
                viewpoint_short=VIEWPOINT_SHORT[Viewpoint(p.viewpoint)],
                first_of_assessment=p.assessment_id not in seen,
                span=spans[p.assessment_id],
            )
        )
        seen.add(p.assessment_id)
    rows = []
    distribution: dict[str, dict[str, int]] = {str(v): {"A": 0, "B": 0, "C": 0} for v in VIEWPOINTS}
    distribution["rating"] = {str(n): 0 for n in range(rules.rating_scale(plan.grade_level.code) or 0, 0, -1)}
    for e in enrolments:
        mine = by_pupil.get(e.student_id, {})
        result = compute_result(
            parts=parts,
            scores=mine,
            thresholds=thresholds,
            table=table,
            grade_code=plan.grade_level.code,
            overrides=grades.get((plan.pk, e.student_id)),
            rating_override=ratings.get((plan.pk, e.student_id)),
        )
        for v in VIEWPOINTS:
            if result.grades[v]:
                distribution[str(v)][result.grades[v]] += 1  # type: ignore[index]
        if result.rating is not None:
            key = str(result.rating)
            distribution["rating"][key] = distribution["rating"].get(key, 0) + 1
        cells = [
            Cell(c, cell_text(mine[c.part.pk].points, mine[c.part.pk].absent), mine[c.part.pk].version)
            if c.part.pk in mine
            else Cell(c)
            for c in columns
        ]
        rows.append(
            GridRow(
                student=e.student,
                homeroom_name=e.homeroom.display_name if e.homeroom else "",
                roll_number=e.roll_number,
                cells=cells,
                result=result,
            )
        )
    return Grid(
        group=group,
        term=term,
        plan=plan,
        columns=columns,
        rows=rows,
        thresholds=thresholds,
        has_rating=rules.rating_scale(plan.grade_level.code) is not None,
        distribution=distribution,
    )


@dataclass
class ClassListRow:
    """成績一覧: one pupil of a class with the 観点 and 評定 that stand in each subject."""

    student: Student
    roll_number: int | None
    by_subject: list[Result | None]


@dataclass
class ClassList:
    homeroom: Homeroom
    term: Term
    plans: list[EvaluationPlan]
    rows: list[ClassListRow]
    averages: list[Decimal | None]
    distributions: list[dict[str, int]]


def class_list_get(*, actor: Any, homeroom: Homeroom, term: Term) -> ClassList:
    """Every rated subject's results for a class in a term (the plans the actor may see), with the
    average 評定 and the distribution of 評定 per subject."""
    plans = list(
        EvaluationPlan.objects.visible_to(actor, "view")
        .filter(term=term, grade_level=homeroom.grade_level_id, subject__is_rated=True)
        .select_related("subject", "grade_level", "school")
        .order_by("subject__order")
    )
    day = _reference_day(term)
    enrolments = list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(homeroom=homeroom, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("student")
        .order_by("roll_number")
    )
    ids = [e.student_id for e in enrolments]
    parts = {p.pk: plan_parts(p) for p in plans}
    scores: dict[tuple[int, int], dict[int, Score]] = defaultdict(dict)
    for s in (
        Score.objects.visible_to(actor, "view")
        .filter(part__assessment__plan__in=plans, student__in=ids)
        .select_related("part__assessment")
    ):
        scores[(s.part.assessment.plan_id, s.student_id)][s.part_id] = s
    grades, ratings = _overrides(actor, plans, ids)
    settings_by_plan = {p.pk: thresholds_for(p) for p in plans}
    rows = []
    for e in enrolments:
        results: list[Result | None] = []
        for p in plans:
            thresholds, table = settings_by_plan[p.pk]
            results.append(
                compute_result(
                    parts=parts[p.pk],
                    scores=scores.get((p.pk, e.student_id), {}),
                    thresholds=thresholds,
                    table=table,
                    grade_code=p.grade_level.code,
                    overrides=grades.get((p.pk, e.student_id)),
                    rating_override=ratings.get((p.pk, e.student_id)),
                )
            )
        rows.append(ClassListRow(student=e.student, roll_number=e.roll_number, by_subject=results))
    averages: list[Decimal | None] = []
    distributions: list[dict[str, int]] = []
    for i in range(len(plans)):
        values = [r.by_subject[i].rating for r in rows if r.by_subject[i] and r.by_subject[i].rating]  # type: ignore[union-attr]
        averages.append(
            (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01")) if values else None  # type: ignore[arg-type]
        )
        scale = rules.rating_scale(homeroom.grade_level.code) or 0
        dist: dict[str, int] = {str(n): 0 for n in range(scale, 0, -1)}
        for v in values:
            dist[str(v)] = dist.get(str(v), 0) + 1
        distributions.append(dist)
    return ClassList(
        homeroom=homeroom, term=term, plans=plans, rows=rows, averages=averages, distributions=distributions
    )


@dataclass
class RecordRow:
    """A pupil's ○ marks in a term: 行動の記録 items and 特別活動."""

    student: Student
    roll_number: int | None
    behaviour: set[str]
    activities: set[str]


def class_records_get(*, actor: Any, homeroom: Homeroom, term: Term) -> list[RecordRow]:
    """The pupils of a class in a term with their ○ marks (empty sets where nothing is marked yet)."""
    day = _reference_day(term)
    enrolments = list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(homeroom=homeroom, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("student")
        .order_by("roll_number")
    )
    ids = [e.student_id for e in enrolments]
    behaviour = {
        r.student_id: set(r.items)
        for r in BehaviourRecord.objects.visible_to(actor, "view").filter(term=term, student__in=ids)
    }
    activities = {
        r.student_id: set(r.items)
        for r in SpecialActivitiesRecord.objects.visible_to(actor, "view").filter(term=term, student__in=ids)
    }
    return [
        RecordRow(
            student=e.student,
            roll_number=e.roll_number,
            behaviour=behaviour.get(e.student_id, set()),
            activities=activities.get(e.student_id, set()),
        )
        for e in enrolments
    ]


# --- C1: results, texts and marks for the 通知表 and the 指導要録 (bulk) ----------------------------------


class ViewpointMap(dict[str, str | None]):
    """観点 → A/B/C, keyed by ``Viewpoint`` values (``Viewpoint.KNOWLEDGE`` == "knowledge").

    Looking up by the upper-case member name ("KNOWLEDGE") answers the same, so callers may use either.
    """

    def __missing__(self, key: str) -> str | None:
        lowered = key.lower() if isinstance(key, str) else key
        if lowered != key and lowered in self:
            return self[lowered]
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        return super().__contains__(key) or (isinstance(key, str) and super().__contains__(key.lower()))


@dataclass(frozen=True)
class SubjectResult:
    """A pupil's result in one rated subject: the 観点 and the 評定 that stand (overrides applied)."""

    subject: Subject
    viewpoints: dict[str, str | None]
    rating: int | None


@dataclass(frozen=True)
class Narratives:
    """A pupil's written evaluations of a term (or, with no term, of the year: the 指導要録's texts)."""

    remark: str = ""
    moral: str = ""
    foreign_language: str = ""
    integrated_activity: str = ""
    integrated_viewpoint: str = ""
    integrated_evaluation: str = ""


#: Narratives field of each kind (the subject teachers' notes are not part of it).
NARRATIVE_FIELDS: dict[str, str] = {
    RemarkKind.GENERAL: "remark",
    RemarkKind.MORAL: "moral",
    RemarkKind.FOREIGN_LANGUAGE: "foreign_language",
    RemarkKind.INTEGRATED_ACTIVITY: "integrated_activity",
    RemarkKind.INTEGRATED_VIEWPOINT: "integrated_viewpoint",
    RemarkKind.INTEGRATED_EVALUATION: "integrated_evaluation",
}


def _ids(students: Sequence[Student]) -> list[int]:
    return list(dict.fromkeys(s.pk for s in students))


def _enrolments_in_year(actor: Any, ids: list[int], school_year_ids: Iterable[int]) -> dict[int, Enrolment]:
    """Each pupil's last enrolment (latest start) in the given school years that ``actor`` may see:
    the school, grade and class the pupil's results of that year belong to. One query."""
    latest: dict[int, Enrolment] = {}
    for e in (
        Enrolment.objects.visible_to(actor, "view")
        .filter(student__in=ids, school_year__in=list(school_year_ids))
        .order_by("student_id", "start_date", "pk")
    ):
        latest[e.student_id] = e  # ordered by start: the last one wins
    return latest


def _results_by_term(
    actor: Any, ids: list[int], term_of_pupil: dict[int, Term], level_of_pupil: dict[int, int]
) -> dict[int, list[SubjectResult]]:
    """Results of each pupil in their term and grade, in a fixed number of queries (at most 7).

    The subjects listed are the rated subjects taught to the pupil's grade that year (a teaching
    group exists) or having a plan in the term; a subject without a plan or scores has empty values.
    """
    out: dict[int, list[SubjectResult]] = {pk: [] for pk in ids}
    pairs = {
        (term_of_pupil[pk].pk, level_of_pupil[pk])
        for pk in ids
        if pk in term_of_pupil and pk in level_of_pupil
    }
    if not pairs:
        return out
    terms = {t.pk: t for t in term_of_pupil.values()}
    plans = list(
        EvaluationPlan.objects.visible_to(actor, "view")
        .filter(
            term__in=list({t for t, _ in pairs}),
            grade_level__in=list({g for _, g in pairs}),
            subject__is_rated=True,
        )
        .select_related("subject", "grade_level", "school")
    )
    plan_at = {(p.term_id, p.grade_level_id, p.subject_id): p for p in plans}
    taught: Q = Q(pk__in=[])
    for term_id, level in pairs:
        term = terms[term_id]
        taught |= Q(school=term.school_id, school_year=term.school_year_id, grade_level=level)
    subjects_taught: dict[tuple[int, int], dict[int, Subject]] = defaultdict(dict)
    by_school_year_level = {(terms[t].school_id, terms[t].school_year_id, g): (t, g) for t, g in pairs}
    for group in TeachingGroup.objects.filter(taught, subject__is_rated=True).select_related("subject"):
        key = by_school_year_level.get((group.school_id, group.school_year_id, group.grade_level_id))
        if key is not None:
            subjects_taught[key][group.subject_id] = group.subject
    for p in plans:
        subjects_taught[(p.term_id, p.grade_level_id)][p.subject_id] = p.subject
    parts_of: dict[int, list[AssessmentPart]] = defaultdict(list)
    order = {v: i for i, v in enumerate(VIEWPOINTS)}
    if plans:
        for part in sorted(
            AssessmentPart.objects.filter(assessment__plan__in=plans).select_related("assessment"),
            key=lambda p: (p.assessment.order, p.assessment.pk, order[Viewpoint(p.viewpoint)]),
        ):
            parts_of[part.assessment.plan_id].append(part)
    scores: dict[tuple[int, int], dict[int, Score]] = defaultdict(dict)
    plan_of_part = {part.pk: plan_id for plan_id, ps in parts_of.items() for part in ps}
    if plan_of_part:
        for sc in Score.objects.visible_to(actor, "view").filter(
            part__in=list(plan_of_part), student__in=ids
        ):
            scores[(plan_of_part[sc.part_id], sc.student_id)][sc.part_id] = sc
    grades, ratings = _overrides(actor, plans, ids) if plans else ({}, {})
    school_rules = (
        {r.school_id: r for r in GradingRule.objects.filter(school__in={p.school_id for p in plans})}
        if plans
        else {}
    )
    settings_of = {p.pk: _thresholds(p, school_rules.get(p.school_id)) for p in plans}
    for pk in ids:
        pupil_term = term_of_pupil.get(pk)
        pupil_level = level_of_pupil.get(pk)
        if pupil_term is None or pupil_level is None:
            continue
        taught_here = subjects_taught.get((pupil_term.pk, pupil_level), {})
        for subject in sorted(taught_here.values(), key=lambda s: s.order):
            plan = plan_at.get((pupil_term.pk, pupil_level, subject.pk))
            if plan is None:
                out[pk].append(
                    SubjectResult(
                        subject=subject, viewpoints=ViewpointMap(dict.fromkeys(VIEWPOINTS)), rating=None
                    )
                )
                continue
            thresholds, table = settings_of[plan.pk]
            result = compute_result(
                parts=parts_of.get(plan.pk, []),
                scores=scores.get((plan.pk, pk), {}),
                thresholds=thresholds,
                table=table,
                grade_code=plan.grade_level.code,
                overrides=grades.get((plan.pk, pk)),
                rating_override=ratings.get((plan.pk, pk)),
            )
            out[pk].append(
                SubjectResult(
                    subject=subject,
                    viewpoints=ViewpointMap({str(v): result.grades[v] for v in VIEWPOINTS}),
                    rating=result.rating,
                )
            )
    return out


def results_for(*, actor: Any, students: Sequence[Student], term: Term) -> dict[int, list[SubjectResult]]:
    """Each pupil's 観点 and 評定 that stand in ``term`` (overrides applied), per rated subject in the
    subjects' display order; keys are ``Student.pk``, every pupil present (empty values where nothing
    is entered). Only the plans, scores and overrides ``actor`` may see count. At most 8 queries
    whatever the number of pupils."""
    ids = _ids(students)
    if not ids:
        return {}
    enrolments = {
        pk: e
        for pk, e in _enrolments_in_year(actor, ids, [term.school_year_id]).items()
        if e.school_id == term.school_id
    }
    return _results_by_term(
        actor, ids, {pk: term for pk in enrolments}, {pk: e.grade_level_id for pk, e in enrolments.items()}
    )


def _last_terms(school_year: SchoolYear, school_ids: Iterable[int]) -> dict[int, Term]:
    """The last term of the year of each school (terms are public calendar data)."""
    last: dict[int, Term] = {}
    for t in Term.objects.filter(school_year=school_year, school__in=list(set(school_ids))).order_by(
        "school_id", "number"
    ):
        last[t.school_id] = t
    return last


def year_results_for(
    *, actor: Any, students: Sequence[Student], school_year: SchoolYear
) -> dict[int, list[SubjectResult]]:
    """The year-end (学年末) results for the 指導要録: the result of the year's last term, at the school
    the pupil was last enrolled at that year (a pupil who moved schools is evaluated where they finished).
    Same shape and query bound as ``results_for`` (one more query for the terms)."""
    ids = _ids(students)
    if not ids:
        return {}
    enrolments = _enrolments_in_year(actor, ids, [school_year.pk])
    last = _last_terms(school_year, (e.school_id for e in enrolments.values()))
    term_of_pupil = {pk: last[e.school_id] for pk, e in enrolments.items() if e.school_id in last}
    return _results_by_term(actor, ids, term_of_pupil, {pk: e.grade_level_id for pk, e in enrolments.items()})


def narratives_for(
    *, actor: Any, students: Sequence[Student], school_year: SchoolYear, term: Term | None
) -> dict[int, Narratives]:
    """Each pupil's written evaluations: of ``term`` (the 通知表), or with ``term=None`` the year's (the
    指導要録: 総合所見, the year's 道徳 …). Keys are ``Student.pk``, every pupil present (empty texts
    where nothing is written). One query."""
    ids = _ids(students)
    if not ids:
        return {}
    texts: dict[int, dict[str, str]] = defaultdict(dict)
    rows = Remark.objects.visible_to(actor, "view").filter(
        student__in=ids, school_year=school_year, subject__isnull=True
    )
    rows = rows.filter(term=term) if term is not None else rows.filter(term__isnull=True)
    for kind, student_id, text in rows.values_list("kind", "student_id", "text"):
        field_name = NARRATIVE_FIELDS.get(kind)
        if field_name:
            texts[student_id][field_name] = text
    return {pk: Narratives(**texts.get(pk, {})) for pk in ids}


def marks_for(
    *,
    actor: Any,
    students: Sequence[Student],
    term: Term | None,
    school_year: SchoolYear | None = None,
) -> dict[int, tuple[list[str], list[str]]]:
    """Each pupil's ○ marks: (行動の記録 item codes, 特別活動 codes), in the forms' order (the order of
    ``BehaviourItem`` / ``SpecialActivity``). ``term=None``: the year-end marks, i.e. those of the last
    term of ``school_year`` (default: the school year containing today) at the pupil's last school that
    year. Keys are ``Student.pk``, every pupil present. At most 4 queries."""
    ids = _ids(students)
    if not ids:
        return {}
    term_of_pupil: dict[int, int] = {}
    if term is not None:
        term_of_pupil = dict.fromkeys(ids, term.pk)
    else:
        year = school_year or school_year_on(timezone.localdate())
        if year is None:
            return {pk: ([], []) for pk in ids}
        enrolments = _enrolments_in_year(actor, ids, [year.pk])
        last = _last_terms(year, (e.school_id for e in enrolments.values()))
        term_of_pupil = {pk: last[e.school_id].pk for pk, e in enrolments.items() if e.school_id in last}
    term_ids = list(set(term_of_pupil.values()))
    behaviour_order = {code: i for i, code in enumerate(BehaviourItem.values)}
    activity_order = {code: i for i, code in enumerate(SpecialActivity.values)}

    def read(model: Any, order: dict[str, int]) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        for student_id, term_id, items in (
            model.objects.visible_to(actor, "view")
            .filter(student__in=ids, term__in=term_ids)
            .values_list("student_id", "term_id", "items")
        ):
            if term_of_pupil.get(student_id) == term_id:
                found[student_id] = sorted(items, key=lambda c: order.get(c, len(order)))
        return found

    behaviour = read(BehaviourRecord, behaviour_order) if term_ids else {}
    activities = read(SpecialActivitiesRecord, activity_order) if term_ids else {}
    return {pk: (behaviour.get(pk, []), activities.get(pk, [])) for pk in ids}


# --- the homeroom teacher's writing page (所見, 道徳, 外国語活動, 総合) ------------------------------------


def remark_kinds_for(grade_code: str) -> list[str]:
    """The texts a pupil of this grade has: 所見 and 道徳 always; 外国語活動 in 小3・4; 総合 from 小3."""
    kinds: list[str] = [RemarkKind.GENERAL, RemarkKind.MORAL]
    if grade_code in {"P3", "P4"}:
        kinds.append(RemarkKind.FOREIGN_LANGUAGE)
    if grade_code not in {"P1", "P2"}:
        kinds += [
            RemarkKind.INTEGRATED_ACTIVITY,
            RemarkKind.INTEGRATED_VIEWPOINT,
            RemarkKind.INTEGRATED_EVALUATION,
        ]
    return kinds


def class_pupils(*, actor: Any, homeroom: Homeroom, term: Term | None) -> list[Enrolment]:
    """The class's pupils on the reference day (a term's: today inside it, else its last day; the year's:
    today inside it, else its last day), in roll-number order."""
    if term is not None:
        day = _reference_day(term)
    else:
        year = homeroom.school_year
        day = min(max(timezone.localdate(), year.start_date), year.end_date)
    return list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(homeroom=homeroom, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("student")
        .order_by("roll_number", "student__family_name_kana")
    )


@dataclass
class PupilTexts:
    """A pupil of the class list on the writing page, with the length of each text written."""

    enrolment: Enrolment
    lengths: dict[str, int]
    #: (kind's label, length) in the page's kind order, for the class list (0: nothing written).
    cells: list[tuple[str, int]] = field(default_factory=list)

    @property
    def student(self) -> Student:
        return self.enrolment.student


@dataclass
class TextBox:
    """One text box of the page: its kind, text, version (0: none yet) and the form's limit."""

    kind: str
    label: str
    text: str
    version: int
    limit: int
    updated_by: str = ""
    updated_at: dt.datetime | None = None

    @property
    def length(self) -> int:
        return len(self.text.replace("\n", ""))


@dataclass
class RemarkPage:
    """Everything the homeroom teacher needs to write one pupil's texts of a term (or of the year)."""

    homeroom: Homeroom
    term: Term | None
    kinds: list[str]
    pupils: list[PupilTexts]
    current: PupilTexts | None
    previous: Student | None
    following: Student | None
    boxes: list[TextBox]
    results: list[SubjectResult]
    has_rating: bool
    subject_notes: list[Remark]
    marks: tuple[list[str], list[str]]
    good_points: list[Any]
    topics: list[Any]
    attendance: Any
    attendance_period: tuple[dt.date, dt.date] | None
    phrases: dict[str, list[Phrase]]


def remark_limits_of(school_id: int) -> dict[tuple[str, bool], int]:
    """The school's character limits: (kind, per year?) → maximum, the defaults where it set none."""
    limits = dict(DEFAULT_LIMITS)
    for row in RemarkLimit.objects.filter(school=school_id):
        limits[(row.kind, row.yearly)] = row.max_chars
    return limits


def remark_page_get(
    *, actor: Any, homeroom: Homeroom, term: Term | None, student_uuid: Any = None
) -> RemarkPage:
    """The writing page of a class: the pupils with what is written, and for one pupil (the one asked
    for, else the first) the text boxes and, beside them, every subject's results, the subject teachers'
    notes, the ○ marks, the pupil's いいところ and shared topics of the year and the attendance of the
    period. A fixed number of queries for the class, plus a few for the one pupil."""
    from tsunagu.attendance.selectors import attendance_summaries
    from tsunagu.observations.selectors import good_points_for, topics_for

    year = homeroom.school_year
    kinds = remark_kinds_for(homeroom.grade_level.code)
    enrolments = class_pupils(actor=actor, homeroom=homeroom, term=term)
    ids = [e.student_id for e in enrolments]
    rows = Remark.objects.visible_to(actor, "view").filter(
        student__in=ids, school_year=year, kind__in=kinds, subject__isnull=True
    )
    rows = rows.filter(term=term) if term is not None else rows.filter(term__isnull=True)
    stored: dict[int, dict[str, Remark]] = defaultdict(dict)
    for r in rows.select_related("updated_by__staff_member"):
        stored[r.student_id][r.kind] = r
    labels = dict(RemarkKind.choices)
    pupils = []
    for e in enrolments:
        lengths = {k: len(r.text.replace("\n", "")) for k, r in stored.get(e.student_id, {}).items()}
        pupils.append(
            PupilTexts(
                enrolment=e, lengths=lengths, cells=[(str(labels[k]), lengths.get(k, 0)) for k in kinds]
            )
        )
    current = next((p for p in pupils if str(p.student.uuid) == str(student_uuid)), None)
    if current is None and student_uuid is None and pupils:
        current = pupils[0]
    limits = remark_limits_of(homeroom.school_id)
    page = RemarkPage(
        homeroom=homeroom,
        term=term,
        kinds=kinds,
        pupils=pupils,
        current=current,
        previous=None,
        following=None,
        boxes=[],
        results=[],
        has_rating=rules.rating_scale(homeroom.grade_level.code) is not None,
        subject_notes=[],
        marks=([], []),
        good_points=[],
        topics=[],
        attendance=None,
        attendance_period=None,
        phrases={},
    )
    if current is None:
        return page
    at = pupils.index(current)
    page.previous = pupils[at - 1].student if at > 0 else None
    page.following = pupils[at + 1].student if at + 1 < len(pupils) else None
    mine = stored.get(current.student.pk, {})
    for kind in kinds:
        r = mine.get(kind)
        page.boxes.append(
            TextBox(
                kind=kind,
                label=str(labels[kind]),
                text=r.text if r else "",
                version=r.version if r else 0,
                limit=limits[(kind, term is None)],
                updated_by=_staff_name(r.updated_by) if r else "",
                updated_at=r.updated_at if r else None,
            )
        )
    pupil = current.student
    if term is not None:
        page.results = results_for(actor=actor, students=[pupil], term=term).get(pupil.pk, [])
    else:
        page.results = year_results_for(actor=actor, students=[pupil], school_year=year).get(pupil.pk, [])
    notes = Remark.objects.visible_to(actor, "view").filter(
        student=pupil, school_year=year, kind=RemarkKind.SUBJECT
    )
    if term is not None:
        notes = notes.filter(term=term)
    page.subject_notes = list(
        notes.select_related("subject", "term").order_by("subject__order", "term__number")
    )
    page.marks = marks_for(actor=actor, students=[pupil], term=term, school_year=year)[pupil.pk]
    page.good_points = good_points_for(actor=actor, student=pupil, school_year=year)
    page.topics = topics_for(actor=actor, student=pupil, school_year=year)
    start = term.start_date if term is not None else year.start_date
    end = min(term.end_date if term is not None else year.end_date, timezone.localdate())
    if start <= end:
        page.attendance_period = (start, end)
        page.attendance = attendance_summaries(
            actor=actor, school=homeroom.school, start=start, end=end, student_ids=[pupil.pk]
        ).get(pupil.pk)
    bank: dict[str, list[Phrase]] = defaultdict(list)
    for phrase in Phrase.objects.visible_to(actor, "view").filter(school=homeroom.school_id, kind__in=kinds):
        bank[phrase.kind].append(phrase)
    page.phrases = dict(bank)
    return page


def _staff_name(user: Any) -> str:
    if user is None:
        return ""
    member = getattr(user, "staff_member", None)
    return member.full_name if member is not None else user.get_username()


# --- 成績個票: one sheet per pupil -------------------------------------------------------------------


@dataclass
class StudentGradeSheet:
    """成績個票: one pupil's 観点 and 評定 in every rated subject for a term, beside the class's average
    評定 per subject, with the pupil's attendance from the term's start to its end (or today)."""

    student: Student
    roll_number: int | None
    homeroom: Homeroom
    term: Term
    results: list[SubjectResult]
    class_averages: dict[int, Decimal | None]
    attendance: Any
    attendance_period: tuple[dt.date, dt.date] | None
    has_rating: bool


def grade_sheets_get(
    *, actor: Any, homeroom: Homeroom, term: Term, student_uuid: Any = None
) -> list[StudentGradeSheet]:
    """The 成績個票 of the class's pupils in ``term`` (of one pupil if ``student_uuid``), in roll-number
    order. A fixed number of queries for the whole class (results and attendance read in bulk)."""
    from tsunagu.attendance.selectors import attendance_summaries

    enrolments = class_pupils(actor=actor, homeroom=homeroom, term=term)
    results = results_for(actor=actor, students=[e.student for e in enrolments], term=term)
    sums: dict[int, list[int]] = defaultdict(list)
    for rows in results.values():
        for r in rows:
            if r.rating is not None:
                sums[r.subject.pk].append(r.rating)
    averages = {
        pk: (Decimal(sum(v)) / len(v)).quantize(Decimal("0.1")) if v else None for pk, v in sums.items()
    }
    if student_uuid is not None:
        enrolments = [e for e in enrolments if str(e.student.uuid) == str(student_uuid)]
    start, end = term.start_date, min(term.end_date, timezone.localdate())
    attendance: dict[int, Any] = {}
    if enrolments and start <= end:
        attendance = attendance_summaries(
            actor=actor,
            school=homeroom.school,
            start=start,
            end=end,
            student_ids=[e.student_id for e in enrolments],
        )
    has_rating = rules.rating_scale(homeroom.grade_level.code) is not None
    return [
        StudentGradeSheet(
            student=e.student,
            roll_number=e.roll_number,
            homeroom=homeroom,
            term=term,
            results=results.get(e.student_id, []),
            class_averages=averages,
            attendance=attendance.get(e.student_id),
            attendance_period=(start, end) if start <= end else None,
            has_rating=has_rating,
        )
        for e in enrolments
    ]


# --- 学年・教科別の成績一覧: distributions and averages across the classes of a grade ----------------------


@dataclass
class Tally:
    """Counts of one group of pupils in one subject: A/B/C per 観点, 評定 per value, and the average."""

    viewpoints: dict[str, dict[str, int]]
    ratings: dict[str, int]
    average: Decimal | None
    pupils: int


@dataclass
class SubjectSummary:
    """One subject of the grade: a tally per class, then the grade as a whole."""

    subject: Subject
    by_class: list[Tally]
    grade: Tally


@dataclass
class GradeSummary:
    """成績一覧 of a grade in a term: per subject, the distributions and averages of every class and of
    the grade (what the class list shows for one class, side by side)."""

    homerooms: list[Homeroom]
    term: Term
    subjects: list[SubjectSummary]
    scale: int


def _tally(results: list[SubjectResult], scale: int) -> Tally:
    viewpoints = {str(v): {"A": 0, "B": 0, "C": 0} for v in VIEWPOINTS}
    ratings = {str(n): 0 for n in range(scale, 0, -1)}
    values: list[int] = []
    for r in results:
        for v in VIEWPOINTS:
            grade = r.viewpoints.get(str(v))
            if grade in ("A", "B", "C"):
                viewpoints[str(v)][grade] += 1
        if r.rating is not None:
            ratings[str(r.rating)] = ratings.get(str(r.rating), 0) + 1
            values.append(r.rating)
    average = (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01")) if values else None
    return Tally(viewpoints=viewpoints, ratings=ratings, average=average, pupils=len(results))


def grade_summary_get(*, actor: Any, homeroom: Homeroom, term: Term) -> GradeSummary:
    """The distributions and averages of every rated subject for each class of ``homeroom``'s grade and
    for the grade, in ``term`` (only what ``actor`` may see counts). A fixed number of queries."""
    rooms = list(
        Homeroom.objects.visible_to(actor, "view_grade_summary")
        .filter(
            school=homeroom.school_id,
            school_year=homeroom.school_year_id,
            grade_level=homeroom.grade_level_id,
        )
        .select_related("grade_level")
        .order_by("is_special_needs", "order")
    )
    day = _reference_day(term)
    enrolments = list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(homeroom__in=rooms, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("student")
    )
    room_of = {e.student_id: e.homeroom_id for e in enrolments}
    results = results_for(actor=actor, students=[e.student for e in enrolments], term=term)
    scale = rules.rating_scale(homeroom.grade_level.code) or 0
    subjects: dict[int, Subject] = {}
    per: dict[tuple[int, int], list[SubjectResult]] = defaultdict(list)
    for student_id, rows in results.items():
        for r in rows:
            subjects.setdefault(r.subject.pk, r.subject)
            per[(r.subject.pk, room_of[student_id])].append(r)
    summaries = []
    for subject in sorted(subjects.values(), key=lambda s: s.order):
        by_class = [_tally(per.get((subject.pk, room.pk), []), scale) for room in rooms]
        everyone = [r for room in rooms for r in per.get((subject.pk, room.pk), [])]
        summaries.append(SubjectSummary(subject=subject, by_class=by_class, grade=_tally(everyone, scale)))
    return GradeSummary(homerooms=rooms, term=term, subjects=summaries, scale=scale)
