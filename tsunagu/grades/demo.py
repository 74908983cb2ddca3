"""Demo data of grades: evaluation plans with units, criteria and assessments for two subjects per
grade (国語 and 算数 at elementary schools, 数学 and 英語 at junior high) in every term begun so far, and
scores with a realistic spread for every pupil.

Each pupil has an ability per subject (mean 72%, sd 13%); each score varies around it; about 2% of
cells are 欠. In every class one or two pupils' results fall in the current term (ability −25 points),
so their 観点 drop to C in the grid and the class list. In the current term only the assessments dated
up to today are scored; later ones are planned and empty. The teacher of さくら小 4年1組 has set one
pupil's 主体的 by hand, with a reason, so an override shows in the demo.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tsunagu.demo.steps import DemoContext, demo_step
from tsunagu.grades.models import (
    Assessment,
    AssessmentKind,
    AssessmentPart,
    EvaluationCriterion,
    EvaluationPlan,
    GradingRule,
    Score,
    Unit,
    Viewpoint,
    ViewpointGrade,
)
from tsunagu.org.models import Term
from tsunagu.students.models import Enrolment

BATCH = 2000
SUBJECTS = {"P": ["JA", "MA"], "J": ["JMA", "JFL"]}
UNITS = {
    "JA": ["物語を読もう", "説明文を読もう"],
    "MA": ["計算のしかた", "図形"],
    "JMA": ["式の計算", "一次関数"],
    "JFL": ["過去形を使って話そう", "比較の表現"],
}
CRITERIA = {
    Viewpoint.KNOWLEDGE: "基本的な事項を理解し、正しく使うことができる。",
    Viewpoint.THINKING: "根拠を明らかにして考え、自分の言葉で表現している。",
    Viewpoint.ATTITUDE: "粘り強く取り組み、学習を振り返って次に生かそうとしている。",
}
#: (name, kind, {viewpoint: max points}, day offset into the term)
ASSESSMENTS: list[tuple[str, str, dict[str, int], int]] = [
    ("単元テスト1", AssessmentKind.TEST, {Viewpoint.KNOWLEDGE: 50, Viewpoint.THINKING: 50}, 30),
    ("ワークシート", AssessmentKind.TASK, {Viewpoint.THINKING: 10, Viewpoint.ATTITUDE: 10}, 40),
    ("単元テスト2", AssessmentKind.TEST, {Viewpoint.KNOWLEDGE: 60, Viewpoint.THINKING: 40}, 60),
    ("振り返りカード", AssessmentKind.OBSERVATION, {Viewpoint.ATTITUDE: 5}, 70),
    ("期末テスト", AssessmentKind.TEST, {Viewpoint.KNOWLEDGE: 50, Viewpoint.THINKING: 50}, 95),
]


@demo_step(order=70)
def grades(ctx: DemoContext) -> None:
    """Plans, assessments and scores of the terms begun so far (see the module docstring)."""
    rng = ctx.rng
    schools = list(ctx.schools.values())
    GradingRule.objects.bulk_create([GradingRule(school=s) for s in schools])
    terms = list(
        Term.objects.filter(
            school__in=schools, school_year=ctx.school_year, start_date__lte=ctx.today
        ).order_by("school_id", "number")
    )
    current = {t.school_id: t for t in terms if t.start_date <= ctx.today <= t.end_date}
    enrolments = list(
        Enrolment.objects.filter(school__in=schools, school_year=ctx.school_year, end_date__isnull=True)
        .select_related("grade_level")
        .order_by("school_id", "homeroom_id", "roll_number", "student_id")
    )
    pupils: dict[tuple[int, int], list[Any]] = {}
    for e in enrolments:
        pupils.setdefault((e.school_id, e.grade_level_id), []).append(e)
    # One or two pupils per class whose results fall this term.
    falling: set[int] = set()
    by_room: dict[int | None, list[Any]] = {}
    for e in enrolments:
        by_room.setdefault(e.homeroom_id, []).append(e)
    for room in by_room.values():
        for e in rng.sample(room, min(len(room), rng.choice([1, 2]))):
            falling.add(e.student_id)
    ability: dict[tuple[int, str], float] = {}

    codes = _subject_codes()
    ids = {code: pk for pk, code in codes.items()}
    plans: list[EvaluationPlan] = []
    grade_levels = {e.grade_level_id: e.grade_level for e in enrolments}
    for term in terms:
        for (school_id, grade_id), _rows in pupils.items():
            if school_id != term.school_id:
                continue
            stage = grade_levels[grade_id].stage
            for code in SUBJECTS[stage]:
                plans.append(
                    EvaluationPlan(
                        school_id=school_id,
                        school_year=ctx.school_year,
                        term=term,
                        subject_id=ids[code],
                        grade_level_id=grade_id,
                    )
                )
    EvaluationPlan.objects.bulk_create(plans, batch_size=BATCH)
    units, criteria, assessments = [], [], []
    for plan in plans:
        own = [
            Unit(plan=plan, order=i, title=t) for i, t in enumerate(UNITS[codes[plan.subject_id]], start=1)
        ]
        units += own
        for i, (name, kind, _parts, offset) in enumerate(ASSESSMENTS, start=1):
            assessments.append(
                Assessment(
                    plan=plan,
                    unit=own[0] if i <= 2 else own[-1],
                    name=name,
                    kind=kind,
                    order=i,
                    date=plan.term.start_date + dt.timedelta(days=offset),
                )
            )
    Unit.objects.bulk_create(units, batch_size=BATCH)
    for unit in units:
        for viewpoint, text in CRITERIA.items():
            criteria.append(EvaluationCriterion(unit=unit, viewpoint=viewpoint, text=text))
    EvaluationCriterion.objects.bulk_create(criteria, batch_size=BATCH)
    Assessment.objects.bulk_create(assessments, batch_size=BATCH)
    parts = []
    for a in assessments:
        for vp, max_points in ASSESSMENTS[a.order - 1][2].items():
            parts.append(AssessmentPart(assessment=a, viewpoint=vp, max_points=Decimal(max_points)))
    AssessmentPart.objects.bulk_create(parts, batch_size=BATCH)

    plan_of = {p.pk: p for p in plans}
    scores = []
    for part in parts:
        assessment = part.assessment
        plan = plan_of[assessment.plan_id]
        if assessment.date is None or assessment.date > ctx.today:
            continue
        this_term = current.get(plan.school_id) == plan.term
        for e in pupils.get((plan.school_id, plan.grade_level_id), []):
            key = (e.student_id, codes[plan.subject_id])
            if key not in ability:
                ability[key] = min(0.98, max(0.2, rng.gauss(0.72, 0.13)))
            level = ability[key] - (0.28 if this_term and e.student_id in falling else 0)
            if rng.random() < 0.02:
                scores.append(Score(student_id=e.student_id, part=part, absent=True))
                continue
            share = min(1.0, max(0.0, rng.gauss(level, 0.08)))
            scores.append(
                Score(student_id=e.student_id, part=part, points=Decimal(round(share * int(part.max_points))))
            )
    Score.objects.bulk_create(scores, batch_size=BATCH)
    _cast_override(ctx, plans, codes)


def _subject_codes() -> dict[int, str]:
    from tsunagu.org.models import Subject

    return {pk: code for code, pk in Subject.objects.values_list("code", "pk")}


def _cast_override(ctx: DemoContext, plans: list[EvaluationPlan], codes: dict[int, str]) -> None:
    """The cast teacher has set one pupil's 主体的 in 国語 (term 1) by hand."""
    from tsunagu.accounts.models import User
    from tsunagu.org.models import Homeroom

    sakura = ctx.schools.get("sakura")
    if sakura is None:
        return
    room = Homeroom.objects.filter(
        school=sakura, school_year=ctx.school_year, grade_level__code="P4", name="1組"
    ).first()
    plan = next(
        (
            p
            for p in plans
            if p.school_id == sakura.pk
            and codes[p.subject_id] == "JA"
            and p.term.number == 1
            and room is not None
            and p.grade_level_id == room.grade_level_id
        ),
        None,
    )
    teacher = User.objects.filter(username="teacher").first()
    pupil = Enrolment.objects.filter(homeroom=room, end_date__isnull=True).order_by("roll_number").last()
    if plan is None or pupil is None:
        return
    ViewpointGrade.objects.create(
        student_id=pupil.student_id,
        plan=plan,
        viewpoint=Viewpoint.ATTITUDE,
        value="A",
        reason="発表や振り返りでの粘り強い取り組みを授業観察で確認したため",
        set_by=teacher,
    )
