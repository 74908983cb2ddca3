"""Writes of the health exams: keyword-only, validated, atomic, checked against the policy.

The entry grids save row by row: each pupil's row is validated on its own and written in its own
savepoint, so a typo in one row never loses the rest of the class, and the bad cells come back with a
Japanese message each. Every write re-checks, inside its transaction, that the actor may still change
what it wrote (ARCHITECTURE §4).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.checkups import derive
from tsunagu.checkups.models import (
    URINE_REFER,
    DentalExamRecord,
    DentalScore,
    ExamFollowUp,
    FollowUpItem,
    GeneralExamRecord,
    HealthExam,
    Hearing,
)
from tsunagu.core.views import ensure_visible_after_write
from tsunagu.org.models import Homeroom, SchoolYear
from tsunagu.students.models import Enrolment

# --- cell parsing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberField:
    """A numeric cell of a grid or an import: its label, range and decimals."""

    name: str
    label: str
    low: Decimal
    high: Decimal
    places: int


def number_fields() -> dict[str, NumberField]:
    """The measured values the grids and the import take (labels in the current language)."""
    return {
        "height_cm": NumberField("height_cm", _("Height"), Decimal("60.0"), Decimal("200.0"), 1),
        "weight_kg": NumberField("weight_kg", _("Weight"), Decimal("10.0"), Decimal("150.0"), 1),
        "vision_right": NumberField("vision_right", _("Vision R"), derive.VISION_MIN, derive.VISION_MAX, 2),
        "vision_left": NumberField("vision_left", _("Vision L"), derive.VISION_MIN, derive.VISION_MAX, 2),
        "vision_right_corrected": NumberField(
            "vision_right_corrected", _("Corrected R"), derive.VISION_MIN, derive.VISION_MAX, 2
        ),
        "vision_left_corrected": NumberField(
            "vision_left_corrected", _("Corrected L"), derive.VISION_MIN, derive.VISION_MAX, 2
        ),
    }


MEASUREMENT_FIELDS = tuple(number_fields())


def parse_number(text: str, spec: NumberField) -> Decimal | None:
    """A cell's number (full-width digits accepted), None when blank; ValidationError in Japanese."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValidationError(_("Enter a number.")) from None
    if not number.is_finite():
        raise ValidationError(_("Enter a number."))
    if number < spec.low or number > spec.high:
        raise ValidationError(
            _("Enter a value from %(low)s to %(high)s.") % {"low": spec.low, "high": spec.high}
        )
    step = Decimal(1).scaleb(-spec.places)
    if number != number.quantize(step):
        raise ValidationError(_("At most %(n)d decimal places.") % {"n": spec.places})
    return number.quantize(step)


# --- the exam of a pupil this year -----------------------------------------------------------------------


def _exam_for(*, actor: Any, enrolment: Enrolment, school_year: SchoolYear) -> HealthExam:
    """The pupil's exam of ``school_year`` at the enrolment's school, created when missing."""
    exam = (
        HealthExam.objects.visible_to(actor, "change")
        .filter(student_id=enrolment.student_id, school_year=school_year)
        .first()
    )
    if exam is not None:
        return exam
    if (
        HealthExam.objects.visible_to(actor, "view")
        .filter(student_id=enrolment.student_id, school_year=school_year)
        .exists()
    ):
        raise PermissionDenied(_("This year's exam was done by another school."))
    birth = enrolment.student.birth_date
    return HealthExam.objects.create(
        student_id=enrolment.student_id,
        school_year=school_year,
        school_id=enrolment.school_id,
        grade_level_id=enrolment.grade_level_id,
        homeroom_id=enrolment.homeroom_id,
        age=derive.age_on(birth, school_year.start_date),
    )


def _check_homeroom(actor: Any, homeroom: Homeroom) -> None:
    if not Homeroom.objects.filter(pk=homeroom.pk).visible_to(actor, "checkup_entry").exists():
        raise PermissionDenied


@dataclass
class RowResult:
    """What became of one row of a grid: saved, unchanged, or refused with a message per cell."""

    student_id: int
    saved: bool = False
    errors: dict[str, str] = field(default_factory=dict)


def measurements_save(
    *,
    actor: Any,
    homeroom: Homeroom,
    enrolments: list[Enrolment],
    rows: dict[int, dict[str, str]],
    exam_date: dt.date | None = None,
) -> list[RowResult]:
    """Save the grid of 身長・体重・視力: ``rows`` maps a pupil's id to its cells (field → text).

    Each row is checked and written on its own; a row with any bad cell is not written at all. A row
    whose cells are all blank and that has no exam yet is skipped (no empty exams).
    """
    _check_homeroom(actor, homeroom)
    specs = number_fields()
    results = []
    for enrolment in enrolments:
        cells = rows.get(enrolment.student_id)
        if cells is None:
            continue
        result = RowResult(student_id=enrolment.student_id)
        values: dict[str, Decimal | None] = {}
        for name, spec in specs.items():
            try:
                values[name] = parse_number(cells.get(name, ""), spec)
            except ValidationError as exc:
                result.errors[name] = " ".join(exc.messages)
        results.append(result)
        if result.errors:
            continue
        result.saved = measurements_write(
            actor=actor, homeroom=homeroom, enrolment=enrolment, values=values, exam_date=exam_date
        )
    return results


def measurements_write(
    *,
    actor: Any,
    homeroom: Homeroom,
    enrolment: Enrolment,
    values: dict[str, Any],
    exam_date: dt.date | None,
) -> bool:
    """Write the measured ``values`` (field → value; fields not named stay as they are) into the pupil's
    general record of the homeroom's year, creating the exam if needed; True when something changed."""
    return _write_record(
        actor=actor,
        model=GeneralExamRecord,
        homeroom=homeroom,
        enrolment=enrolment,
        values=values,
        exam_date=exam_date,
    )


def _write_record(
    *,
    actor: Any,
    model: type[GeneralExamRecord] | type[DentalExamRecord],
    homeroom: Homeroom,
    enrolment: Enrolment,
    values: dict[str, Any],
    exam_date: dt.date | None,
) -> bool:
    """Set ``values`` on the pupil's record of ``model`` for the homeroom's year (in a savepoint, so one
    row's failure leaves the others); a row of blanks creates nothing. True when something changed."""
    with transaction.atomic():
        existing = (
            model.objects.visible_to(actor, "change")
            .filter(exam__student_id=enrolment.student_id, exam__school_year=homeroom.school_year_id)
            .first()
        )
        if existing is None and all(v in (None, "", {}) for v in values.values()):
            return False
        exam = _exam_for(actor=actor, enrolment=enrolment, school_year=homeroom.school_year)
        record = existing or model(exam=exam)
        changed = record.pk is None
        for name, value in values.items():
            if getattr(record, name) != value:
                setattr(record, name, value)
                changed = True
        if exam_date and record.exam_date is None:
            record.exam_date = exam_date
            changed = True
        if changed:
            record.save()
            ensure_visible_after_write(actor, record, "change")
        return changed


def dental_save(
    *,
    actor: Any,
    homeroom: Homeroom,
    enrolments: list[Enrolment],
    rows: dict[int, dict[str, str]],
    exam_date: dt.date | None = None,
) -> list[RowResult]:
    """Save the 歯式 grid: per pupil the four quadrant texts (``UR``, ``UL``, ``LL``, ``LR``) and the
    four scores (``jaw_joint``, ``alignment``, ``plaque``, ``gingiva``: 0, 1, 2 or blank)."""
    _check_homeroom(actor, homeroom)
    results = []
    for enrolment in enrolments:
        cells = rows.get(enrolment.student_id)
        if cells is None:
            continue
        result = RowResult(student_id=enrolment.student_id)
        results.append(result)
        teeth: dict[str, str] = {}
        for quadrant, _p, _d in derive.QUADRANTS:
            try:
                teeth.update(derive.parse_quadrant(cells.get(quadrant, ""), quadrant))
            except ValidationError as exc:
                result.errors[quadrant] = " ".join(exc.messages)
        scores: dict[str, int | None] = {}
        for name in DENTAL_SCORES:
            try:
                scores[name] = parse_score(cells.get(name, ""))
            except ValidationError as exc:
                result.errors[name] = " ".join(exc.messages)
        if result.errors:
            continue
        result.saved = _write_record(
            actor=actor,
            model=DentalExamRecord,
            homeroom=homeroom,
            enrolment=enrolment,
            values={"teeth": teeth, **scores},
            exam_date=exam_date,
        )
    return results


DENTAL_SCORES = ("jaw_joint", "alignment", "plaque", "gingiva")


def parse_score(text: str) -> int | None:
    """A dental score 0, 1 or 2 (blank: not examined)."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    if not value:
        return None
    if value not in {"0", "1", "2"}:
        raise ValidationError(_("Enter 0, 1 or 2."))
    return int(value)


@transaction.atomic
def exam_records_update(
    *,
    actor: Any,
    exam: HealthExam,
    general: dict[str, Any],
    dental: dict[str, Any],
    quadrants: dict[str, str],
) -> tuple[GeneralExamRecord, DentalExamRecord]:
    """Change every item of one exam (the per-pupil form): ``general`` and ``dental`` hold cleaned model
    fields, ``quadrants`` the 歯式 as four texts (parsed here; errors raise ValidationError)."""
    exam = HealthExam.objects.visible_to(actor, "change").get(pk=exam.pk)
    teeth = derive.parse_chart(quadrants)
    general_record = GeneralExamRecord.objects.visible_to(actor, "change").filter(exam=exam).first()
    dental_record = DentalExamRecord.objects.visible_to(actor, "change").filter(exam=exam).first()
    general_record = general_record or GeneralExamRecord(exam=exam)
    dental_record = dental_record or DentalExamRecord(exam=exam)
    for name, value in general.items():
        setattr(general_record, name, value)
    for name, value in dental.items():
        setattr(dental_record, name, value)
    dental_record.teeth = teeth
    for record in (general_record, dental_record):
        record.full_clean(exclude=["exam"])
        record.save()
        ensure_visible_after_write(actor, record, "change")
    return general_record, dental_record


# --- 事後措置 ------------------------------------------------------------------------------------------


def _fmt(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}" if value < 1 else f"{value:.1f}"


def proposed_items(exam: HealthExam, sex: str) -> dict[str, str]:
    """The findings of an exam that call for a 受診勧告, as {item: finding in words}.

    視力: an uncorrected grade B–D in either eye, unless the corrected acuity of that eye reaches A.
    Dental: any untreated tooth, or a score of 2. 肥満度: ±20 % and beyond. Any written finding of a
    disease item, 聴力 abnormal, 尿 + or more.
    """
    items: dict[str, str] = {}
    general: GeneralExamRecord | None = getattr(exam, "general", None)
    dental: DentalExamRecord | None = getattr(exam, "dental", None)
    if general is not None:
        grades = general.vision_grades
        eyes = []
        for side, label in (("right", _("R")), ("left", _("L"))):
            bare = grades[side]
            if bare in derive.VISION_REFER and grades[f"{side}_corrected"] != "A":
                eyes.append(f"{label} {bare}（{_fmt(getattr(general, f'vision_{side}'))}）")
        if eyes:
            items[FollowUpItem.VISION] = _("Uncorrected vision %(eyes)s") % {"eyes": "・".join(eyes)}
        if Hearing.ABNORMAL in (general.hearing_right, general.hearing_left):
            items[FollowUpItem.HEARING] = _("Hearing: abnormal")
        for item, name in (
            (FollowUpItem.EYE, "eye_disease"),
            (FollowUpItem.ENT, "ent_disease"),
            (FollowUpItem.SKIN, "skin_disease"),
            (FollowUpItem.SPINE, "spine_chest_limbs"),
            (FollowUpItem.HEART, "heart_disease"),
            (FollowUpItem.OTHER, "other_disease"),
        ):
            text = getattr(general, name)
            if text:
                items[item] = text
        urine = [
            f"{label} {value}"
            for label, value in ((_("protein"), general.urine_protein), (_("glucose"), general.urine_glucose))
            if value in URINE_REFER
        ]
        if urine:
            items[FollowUpItem.URINE] = _("Urine %(what)s") % {"what": "・".join(urine)}
        pct = general.obesity_pct(sex, exam.age)
        if pct is not None and (pct >= 20 or pct <= -20):
            category = derive.ObesityCategory(derive.obesity_category(pct)).label
            items[FollowUpItem.GROWTH] = _("Degree of obesity %(pct)s%% (%(category)s)") % {
                "pct": f"{pct:+.1f}",
                "category": category,
            }
    if dental is not None:
        counts = dental.counts
        parts = []
        if counts.has_untreated:
            parts.append(
                _("untreated teeth: permanent %(d)d, primary %(pd)d")
                % {"d": counts.d, "pd": counts.primary_d}
            )
        for name, label in (
            ("jaw_joint", _("jaw joint")),
            ("alignment", _("alignment and bite")),
            ("plaque", _("plaque")),
            ("gingiva", _("gingiva")),
        ):
            if getattr(dental, name) == DentalScore.REFER:
                parts.append(_("%(what)s needs a dentist") % {"what": label})
        if parts:
            items[FollowUpItem.DENTAL] = "、".join(parts)
    return items


def followups_propose(*, actor: Any, exams: list[HealthExam]) -> int:
    """Bring the proposed follow-ups of ``exams`` in line with their findings: add missing items, update
    the wording of proposed ones, drop proposed ones whose finding is gone. Issued and returned
    follow-ups are never touched. Returns how many were added. Idempotent."""
    added = 0
    with transaction.atomic():
        for exam in exams:
            if not HealthExam.objects.filter(pk=exam.pk).visible_to(actor, "change").exists():
                continue
            wanted = proposed_items(exam, exam.student.sex)
            current = {f.item: f for f in ExamFollowUp.objects.visible_to(actor, "change").filter(exam=exam)}
            for item, finding in wanted.items():
                found = current.get(item)
                if found is None:
                    ExamFollowUp.objects.create(
                        exam=exam,
                        student_id=exam.student_id,
                        school_id=exam.school_id,
                        item=item,
                        finding=finding[:200],
                        recorded_by=actor,
                    )
                    added += 1
                elif found.status == "proposed" and found.finding != finding[:200]:
                    found.finding = finding[:200]
                    found.save()
            for item, found in current.items():
                if item not in wanted and found.status == "proposed":
                    found.delete()
    return added


@transaction.atomic
def followups_issue(*, actor: Any, follow_ups: list[ExamFollowUp], day: dt.date | None = None) -> int:
    """Mark the letters of ``follow_ups`` as issued on ``day`` (today); already issued ones keep their
    date. Returns how many were newly issued."""
    day = day or timezone.localdate()
    ids = [f.pk for f in follow_ups if f.letter_date is None and f.returned_on is None]
    issued = 0
    for follow_up in ExamFollowUp.objects.visible_to(actor, "change").filter(
        pk__in=ids, letter_date__isnull=True
    ):
        follow_up.letter_date = day
        follow_up.recorded_by = actor
        follow_up.save()  # one by one, so that the change history records each letter
        issued += 1
    return issued


@transaction.atomic
def followup_return(
    *, actor: Any, follow_up: ExamFollowUp, returned_on: dt.date, result: str, clinic: str = ""
) -> ExamFollowUp:
    """Record the returned slip (受診結果のお知らせ): the date, the doctor's result and the clinic."""
    follow_up = ExamFollowUp.objects.visible_to(actor, "change").get(pk=follow_up.pk)
    result, clinic = result.strip(), clinic.strip()
    if not result:
        raise ValidationError(_("Enter the result the guardian reported."))
    if returned_on > timezone.localdate():
        raise ValidationError(_("The return date cannot be in the future."))
    if follow_up.letter_date and returned_on < follow_up.letter_date:
        raise ValidationError(_("The return date cannot be before the letter was issued."))
    follow_up.returned_on = returned_on
    follow_up.result = result[:200]
    follow_up.clinic = clinic[:100]
    follow_up.recorded_by = actor
    if follow_up.letter_date is None:
        follow_up.letter_date = returned_on
    follow_up.save()
    ensure_visible_after_write(actor, follow_up, "change")
    return follow_up
