"""Demo data of the health exams: a year of exams (April–June) for this school year and the previous
one, for every pupil in a homeroom, with believable distributions.

Each pupil keeps their own build across the years (a height z-score and a degree of obesity that drift
a little), so the growth chart of a pupil reads like a child growing. Vision worsens with age (about a
third of elementary and over half of junior-high pupils below 1.0); teeth erupt by age, with a few
decayed (C) and treated (○) teeth, more in some mouths than others. The findings become 受診勧告
follow-ups: last year's almost all answered, this year's about half still waiting. The cast pupil
(``student``) has a vision letter waiting and a dental one answered, for the guardian's view.

Rows are written in bulk (no change history: they were never changed).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import translation

from tsunagu.checkups import derive
from tsunagu.checkups.models import (
    DentalExamRecord,
    ExamFollowUp,
    FollowUpItem,
    GeneralExamRecord,
    HealthExam,
    Hearing,
    Nutrition,
    UrineResult,
)
from tsunagu.checkups.services import proposed_items
from tsunagu.demo.steps import DemoContext, demo_step
from tsunagu.students.models import Enrolment

BATCH = 2000
#: Mean height (cm) by sex and age (学校保健統計, rounded) and its standard deviation.
MEAN_HEIGHT = {
    "M": {
        6: 116.7,
        7: 122.6,
        8: 128.3,
        9: 133.9,
        10: 139.1,
        11: 145.2,
        12: 152.6,
        13: 159.8,
        14: 165.2,
        15: 168.3,
    },
    "F": {
        6: 115.8,
        7: 121.6,
        8: 127.4,
        9: 133.5,
        10: 140.1,
        11: 146.6,
        12: 151.9,
        13: 154.8,
        14: 156.5,
        15: 157.2,
    },
}
HEIGHT_SD = 5.5
VISION_STEPS = [
    Decimal(v) for v in ("1.5", "1.2", "1.0", "0.9", "0.8", "0.7", "0.6", "0.5", "0.4", "0.3", "0.2", "0.1")
]
#: The age from which each permanent tooth position (1–7) has usually erupted.
ERUPTION_AGE = {1: 6, 2: 7, 3: 10, 4: 10, 5: 11, 6: 6, 7: 12}
RESULTS: dict[str, list[str]] = {
    FollowUpItem.VISION: ["近視のため眼鏡を処方", "経過観察（半年後に再検査）", "仮性近視・点眼治療"],
    FollowUpItem.DENTAL: ["治療済み", "治療中", "経過観察"],
    FollowUpItem.GROWTH: ["経過観察", "食事指導を受けた"],
}
CLINICS = ["すずかけ眼科", "みどり歯科クリニック", "さくら小児科", "中央歯科医院", "駅前眼科"]


class _Pupil:
    """A pupil's constant build: height z-score, baseline 肥満度, caries risk, myopia tendency."""

    def __init__(self, rng: random.Random) -> None:
        self.height_z = rng.gauss(0, 1)
        tail = rng.random()
        self.obesity = rng.gauss(0, 8) + (
            rng.uniform(18, 45) if tail < 0.09 else -rng.uniform(15, 25) if tail < 0.11 else 0
        )
        self.caries = rng.choice([0.0, 0.0, 0.01, 0.03, 0.08])
        self.myopia = rng.random()


def _q(value: float, places: str = "0.1") -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _vision(
    rng: random.Random, pupil: _Pupil, age: int
) -> tuple[Decimal, Decimal, Decimal | None, Decimal | None]:
    """Uncorrected right/left and, for most pupils with poor vision, corrected values (glasses)."""
    # The share below 1.0 grows with age: ~25 % at 6, ~60 % at 14.
    threshold = 0.25 + max(0, age - 6) * 0.045
    last = len(VISION_STEPS) - 1
    if pupil.myopia > threshold:
        return rng.choice(VISION_STEPS[:3]), rng.choice(VISION_STEPS[:3]), None, None
    severity = (threshold - pupil.myopia) / threshold
    index = 3 + int(severity * 8)
    right = VISION_STEPS[min(last, max(3, index + rng.randint(-1, 1)))]
    left = VISION_STEPS[min(last, max(3, index + rng.randint(-1, 1)))]
    glasses = min(right, left) <= Decimal("0.3") and rng.random() < 0.7
    corrected = Decimal("1.0") if glasses else None
    return right, left, corrected, corrected


def _teeth(rng: random.Random, pupil: _Pupil, age: int) -> dict[str, str]:
    """A 歯式 for the age: erupted permanent teeth, primary teeth where they have not yet come."""
    teeth: dict[str, str] = {}
    for quadrant, _p, _d in derive.QUADRANTS:
        lower = quadrant in {"LL", "LR"}
        for position in range(1, 8):
            erupts = ERUPTION_AGE[position] - (1 if lower and position in {1, 3} else 0)
            molar = position >= 4
            if age >= erupts:
                roll = rng.random()
                risk = pupil.caries * (2 if molar else 0.3)
                symbol = (
                    derive.DECAYED
                    if roll < risk
                    else derive.FILLED
                    if roll < risk * 2.2
                    else derive.CO
                    if roll < risk * 2.2 + 0.01
                    else derive.SOUND
                )
                teeth[derive.tooth_code(quadrant, position, False)] = symbol
            elif position <= 5:
                roll = rng.random()
                risk = pupil.caries * (3 if molar else 0.5)
                symbol = (
                    derive.DECAYED
                    if roll < risk
                    else derive.FILLED
                    if roll < risk * 2.5
                    else derive.WATCH_PRIMARY
                    if roll < risk * 2.5 + 0.01
                    else derive.SOUND
                )
                teeth[derive.tooth_code(quadrant, position, True)] = symbol
    return teeth


def _score(roll: float, watch: float, refer: float) -> int:
    """A dental score: 2 with probability ``refer``, 1 with ``watch − refer``, else 0."""
    return 2 if roll < refer else 1 if roll < watch else 0


def _exam_day(rng: random.Random, year: Any) -> dt.date:
    start = dt.date(year.year, 4, 15)
    return start + dt.timedelta(days=rng.randint(0, 70))


@demo_step(order=60)
def health_exams(ctx: DemoContext) -> None:
    """Exams, records and follow-ups for this year and last (see the module docstring)."""
    with translation.override("ja"):  # the findings are stored as the letters print them
        _seed(ctx)


def _seed(ctx: DemoContext) -> None:
    rng = random.Random(ctx.seed * 31 + 7)  # noqa: S311 - demo data, not secrets
    pupils: dict[int, _Pupil] = {}
    exams: list[HealthExam] = []
    generals: list[GeneralExamRecord] = []
    dentals: list[DentalExamRecord] = []
    for year in (ctx.previous_year, ctx.school_year):
        enrolments = (
            Enrolment.objects.filter(
                school_year=year, homeroom__isnull=False, school__in=list(ctx.schools.values())
            )
            .filter(start_date__lte=dt.date(year.year, 6, 30))
            .select_related("student__user")
            .order_by("student_id", "start_date")
        )
        seen: set[int] = set()
        for e in enrolments:
            if e.student_id in seen or (year == ctx.school_year and dt.date(year.year, 4, 15) > ctx.today):
                continue
            seen.add(e.student_id)
            student = e.student
            pupil = pupils.setdefault(e.student_id, _Pupil(rng))
            age = derive.age_on(student.birth_date, year.start_date)
            exam = HealthExam(
                student_id=e.student_id,
                school_year=year,
                school_id=e.school_id,
                grade_level_id=e.grade_level_id,
                homeroom_id=e.homeroom_id,
                age=age,
            )
            exam.student = student
            exams.append(exam)
            day = _exam_day(rng, year)
            means = MEAN_HEIGHT.get(student.sex, MEAN_HEIGHT["F"])
            height = _q(
                means.get(age, means[min(means, key=lambda a: abs(a - age))]) + pupil.height_z * HEIGHT_SD
            )
            standard = derive.standard_weight(student.sex, age, height) or Decimal("25")
            obesity = pupil.obesity + rng.gauss(0, 2)
            weight = _q(float(standard) * (1 + obesity / 100))
            right, left, right_c, left_c = _vision(rng, pupil, age)
            is_cast = student.user_id is not None and student.user.username == "student"
            if is_cast and year == ctx.school_year:
                right, left, right_c, left_c = Decimal("0.5"), Decimal("0.6"), None, None
            generals.append(
                GeneralExamRecord(
                    exam=exam,
                    exam_date=day,
                    height_cm=height,
                    weight_kg=weight,
                    nutrition=Nutrition.NORMAL,
                    vision_right=right,
                    vision_left=left,
                    vision_right_corrected=right_c,
                    vision_left_corrected=left_c,
                    hearing_right=Hearing.ABNORMAL if rng.random() < 0.01 else Hearing.NORMAL,
                    hearing_left=Hearing.NORMAL,
                    urine_protein=UrineResult.POSITIVE if rng.random() < 0.01 else UrineResult.NEGATIVE,
                    urine_glucose=UrineResult.NEGATIVE,
                    skin_disease="アトピー性皮膚炎" if rng.random() < 0.03 else "",
                    ent_disease="アレルギー性鼻炎" if rng.random() < 0.04 else "",
                    doctor_date=day,
                )
            )
            teeth = _teeth(rng, pupil, age)
            if is_cast and year == ctx.school_year:
                teeth[derive.tooth_code("LR", 6, False)] = derive.DECAYED
            dentals.append(
                DentalExamRecord(
                    exam=exam,
                    exam_date=day + dt.timedelta(days=7),
                    jaw_joint=0,
                    alignment=1 if rng.random() < 0.1 else 0,
                    plaque=_score(rng.random(), 0.20, 0.03),
                    gingiva=_score(rng.random(), 0.15, 0.02),
                    teeth=teeth,
                    dentist_date=day + dt.timedelta(days=7),
                )
            )
    HealthExam.objects.bulk_create(exams, batch_size=BATCH)
    GeneralExamRecord.objects.bulk_create(generals, batch_size=BATCH)
    DentalExamRecord.objects.bulk_create(dentals, batch_size=BATCH)

    follow_ups: list[ExamFollowUp] = []
    for exam, general, dental in zip(exams, generals, dentals, strict=True):
        exam.general = general
        exam.dental = dental
        user = exam.student.user
        is_cast = user is not None and user.username == "student"
        this_year = exam.school_year_id == ctx.school_year.pk
        for item, finding in proposed_items(exam, exam.student.sex).items():
            letter = (general.exam_date or ctx.today) + dt.timedelta(days=rng.randint(10, 18))
            answered = rng.random() < (0.5 if this_year else 0.9)
            if is_cast and this_year:
                answered = item == FollowUpItem.DENTAL
            returned = min(letter + dt.timedelta(days=rng.randint(7, 40)), ctx.today) if answered else None
            follow_ups.append(
                ExamFollowUp(
                    exam=exam,
                    student_id=exam.student_id,
                    school_id=exam.school_id,
                    item=item,
                    finding=finding[:200],
                    letter_date=letter if letter <= ctx.today else None,
                    returned_on=returned if returned and letter <= ctx.today else None,
                    result=rng.choice(RESULTS.get(item, ["異常なし", "経過観察"])) if returned else "",
                    clinic=rng.choice(CLINICS) if returned else "",
                )
            )
    ExamFollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
