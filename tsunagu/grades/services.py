"""Writes of grades: plans and assessments, score rows (with versions, so nothing is silently
overwritten), and the teacher's overrides of 観点 and 評定 with a reason.

Every write checks access on the rows it touches through the policy registry (the view has already
checked the page), runs in a transaction, and records who changed what: ``ScoreChange`` for scores,
the history tables for plans and overrides.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.grades.models import (
    DEFAULT_LIMITS,
    Assessment,
    AssessmentPart,
    BehaviourItem,
    BehaviourRecord,
    EvaluationCriterion,
    EvaluationPlan,
    Phrase,
    Rating,
    Remark,
    RemarkKind,
    RemarkLimit,
    Score,
    ScoreChange,
    SpecialActivitiesRecord,
    SpecialActivity,
    Unit,
    Viewpoint,
    ViewpointGrade,
    cell_text,
)
from tsunagu.grades.selectors import remark_limits_of
from tsunagu.org.models import School, SchoolYear, Subject, Term
from tsunagu.students.models import Student

ABSENT_WORDS = {"欠", "欠席", "ケツ", "けつ", "x", "X"}


def parse_cell(text: str, max_points: Decimal) -> tuple[Decimal | None, bool]:
    """A typed or pasted cell → (points, absent). Full-width digits are accepted (NFKC); ``欠`` marks an
    absence; empty means not entered. ValidationError with a Japanese message otherwise."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if raw == "":
        return None, False
    if raw in ABSENT_WORDS or raw == unicodedata.normalize("NFKC", "欠"):
        return None, True
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(
            _("“%(text)s” is not a score. Enter a number, 欠 for absent, or leave it empty.")
            % {"text": text.strip()}
        ) from None
    if not value.is_finite() or value < 0 or value > max_points:
        raise ValidationError(
            _("%(value)s is outside 0–%(max)s.") % {"value": raw, "max": cell_text(max_points, False)}
        )
    if value != value.quantize(Decimal("0.1")):
        raise ValidationError(_("Scores have at most one decimal place."))
    return value, False


@dataclass(frozen=True)
class CellInput:
    """One cell of a row save: the part, the text typed, and the version the page showed (0: empty)."""

    part: AssessmentPart
    text: str
    version: int


@dataclass
class CellState:
    """A cell as stored now."""

    part: AssessmentPart
    text: str
    version: int


@dataclass
class Conflict:
    """A cell somebody else changed since the page was loaded: both values, so the teacher chooses."""

    part: AssessmentPart
    mine: str
    theirs: str
    version: int
    by: str
    at: dt.datetime | None


@dataclass
class RowSaveResult:
    saved: list[CellState] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    changed: int = 0
    #: Every score of the pupil in the plan as stored after the save (by part id), for the proposals.
    scores: dict[int, Score] = field(default_factory=dict)


def _who(user: Any) -> str:
    if user is None:
        return ""
    member = getattr(user, "staff_member", None)
    return member.full_name if member is not None else user.get_username()


def _conflict(current: Score, mine: str) -> Conflict:
    return Conflict(
        part=current.part,
        mine=mine,
        theirs=current.display,
        version=current.version,
        by=_who(current.updated_by),
        at=current.updated_at,
    )


def score_row_save(
    *,
    actor: Any,
    plan: EvaluationPlan,
    student: Student,
    cells: list[CellInput],
    source: str = "grid",
    check_versions: bool = True,
) -> RowSaveResult:
    """Save one pupil's cells of a plan.

    Every cell is validated first; any invalid cell refuses the whole row (ValidationError keyed by
    the part's UUID) and nothing is written. A cell whose stored version differs from the version the
    page showed is a conflict — unless it already holds the same value — and is left as stored; the
    other cells are saved. The write itself is a compare-and-set on the version (``UPDATE … WHERE
    version = n``), so two saves racing from the same version cannot both win, on SQLite or PostgreSQL.
    ``check_versions=False`` is for imports, which deliberately set what the file says.
    """
    errors: dict[str, list[str]] = {}
    parsed: list[tuple[CellInput, Decimal | None, bool]] = []
    for cell in cells:
        if cell.part.assessment.plan_id != plan.pk:
            raise PermissionDenied("part of another plan")
        try:
            points, absent = parse_cell(cell.text, cell.part.max_points)
        except ValidationError as exc:
            errors[str(cell.part.uuid)] = exc.messages
            continue
        parsed.append((cell, points, absent))
    if errors:
        raise ValidationError(errors)
    result = RowSaveResult()
    now = timezone.now()
    changes: list[ScoreChange] = []
    created: list[int] = []
    with transaction.atomic():
        # The rows the actor may change, read once; the writes below go by primary key (and version)
        # through the unscoped base manager, and new rows are checked against the policy at the end.
        current = {
            s.part_id: s
            for s in Score.objects.visible_to(actor, "change")
            .filter(student=student, part__assessment__plan=plan)
            .select_related("updated_by__staff_member")
        }
        result.scores = current
        for cell, points, absent in parsed:
            new_text = cell_text(points, absent)
            score = current.get(cell.part.pk)
            if score is None:
                if points is None and not absent:
                    result.saved.append(CellState(cell.part, "", 0))
                    continue
                try:
                    with transaction.atomic():
                        score = Score.objects.create(
                            student=student,
                            part=cell.part,
                            points=points,
                            absent=absent,
                            version=1,
                            updated_by=actor,
                        )
                except IntegrityError:
                    # Somebody created the cell a moment ago (or it is not the actor's to change).
                    theirs = _fresh(actor, student=student, part=cell.part)
                    if theirs.display != new_text:
                        result.conflicts.append(_conflict(theirs, new_text))
                    else:
                        result.saved.append(CellState(cell.part, theirs.display, theirs.version))
                    continue
                created.append(score.pk)
                current[cell.part.pk] = score
                changes.append(ScoreChange(score=score, by=actor, after=new_text, version=1, source=source))
                result.saved.append(CellState(cell.part, new_text, 1))
                result.changed += 1
                continue
            if score.display == new_text:
                result.saved.append(CellState(cell.part, new_text, score.version))
                continue
            if check_versions and score.version != cell.version:
                result.conflicts.append(_conflict(score, new_text))
                continue
            updated = Score._base_manager.filter(pk=score.pk, version=score.version).update(
                points=points, absent=absent, version=F("version") + 1, updated_by=actor, updated_at=now
            )
            if updated == 0:
                result.conflicts.append(_conflict(_fresh(actor, pk=score.pk), new_text))
                continue
            changes.append(
                ScoreChange(
                    score=score,
                    by=actor,
                    before=score.display,
                    after=new_text,
                    version=score.version + 1,
                    source=source,
                )
            )
            result.saved.append(CellState(cell.part, new_text, score.version + 1))
            result.changed += 1
            score.points, score.absent, score.version = points, absent, score.version + 1
        if created and Score.objects.visible_to(actor, "change").filter(pk__in=created).count() != len(
            created
        ):
            raise PermissionDenied("score out of scope")  # rolls the whole row back
        ScoreChange.objects.bulk_create(changes)
    return result


def _fresh(actor: Any, **lookup: Any) -> Score:
    """A score as stored now, for a conflict; PermissionDenied when the actor may not see it."""
    score = (
        Score.objects.visible_to(actor, "view")
        .select_related("updated_by__staff_member", "part")
        .filter(**lookup)
        .first()
    )
    if score is None:
        raise PermissionDenied("score out of scope")
    return score


# --- plans ---------------------------------------------------------------------------------------


def _check_plan(actor: Any, plan: EvaluationPlan) -> None:
    if not EvaluationPlan.objects.filter(pk=plan.pk).visible_to(actor, "change").exists():
        raise PermissionDenied("plan out of scope")


@transaction.atomic
def plan_create(*, actor: Any, term: Term, subject_id: int, grade_level_id: int) -> EvaluationPlan:
    """A new, empty plan for a subject and grade in a term (or the existing one: creating is idempotent).

    Refused unless the actor may change the plan once it exists (the transaction rolls back)."""
    plan, _created = EvaluationPlan.objects.get_or_create(
        term=term,
        subject_id=subject_id,
        grade_level_id=grade_level_id,
        defaults={"school_id": term.school_id, "school_year_id": term.school_year_id},
    )
    _check_plan(actor, plan)
    return plan


@transaction.atomic
def plan_copy_from(*, actor: Any, plan: EvaluationPlan, source: EvaluationPlan) -> int:
    """Copy units, criteria and assessments (with their parts) of ``source`` — e.g. last year's plan of
    the same subject, grade and term — into ``plan``. Returns the number of assessments copied."""
    _check_plan(actor, plan)
    if not EvaluationPlan.objects.filter(pk=source.pk).visible_to(actor, "view").exists():
        raise PermissionDenied("source plan out of scope")
    units = {}
    for unit in source.units.all():
        new = Unit.objects.create(
            plan=plan,
            order=unit.order,
            title=unit.title,
            curriculum_code=unit.curriculum_code,
            hours=unit.hours,
        )
        units[unit.pk] = new
        EvaluationCriterion.objects.bulk_create(
            EvaluationCriterion(
                unit=new, viewpoint=c.viewpoint, text=c.text, curriculum_code=c.curriculum_code
            )
            for c in unit.criteria.all()
        )
    count = 0
    for a in source.assessments.prefetch_related("parts"):
        new_a = Assessment.objects.create(
            plan=plan,
            unit=units.get(a.unit_id) if a.unit_id else None,
            name=a.name,
            kind=a.kind,
            order=a.order,
        )
        AssessmentPart.objects.bulk_create(
            AssessmentPart(assessment=new_a, viewpoint=p.viewpoint, max_points=p.max_points, weight=p.weight)
            for p in a.parts.all()
        )
        count += 1
    return count


@transaction.atomic
def plan_update(
    *, actor: Any, plan: EvaluationPlan, a_threshold: Decimal | None, c_threshold: Decimal | None, note: str
) -> EvaluationPlan:
    """Set the plan's own thresholds (empty: the school's) and note."""
    _check_plan(actor, plan)
    plan.a_threshold, plan.c_threshold, plan.note = a_threshold, c_threshold, note
    plan.full_clean()
    if a_threshold is not None and c_threshold is not None and c_threshold > a_threshold:
        raise ValidationError(_("The C threshold must not be above the A threshold."))
    plan.save()
    return plan


@transaction.atomic
def unit_add(
    *,
    actor: Any,
    plan: EvaluationPlan,
    title: str,
    curriculum_code: str = "",
    criteria: dict[str, str] | None = None,
) -> Unit:
    """Add a unit at the end of the plan, with its criteria per 観点 (empty texts skipped)."""
    _check_plan(actor, plan)
    if curriculum_code and not (curriculum_code.isdigit() and len(curriculum_code) <= 16):
        raise ValidationError(_("A curriculum code has up to 16 digits."))
    order = (plan.units.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    unit = Unit(plan=plan, order=order, title=title.strip(), curriculum_code=curriculum_code)
    unit.full_clean()
    unit.save()
    for viewpoint, text in (criteria or {}).items():
        if text.strip():
            EvaluationCriterion.objects.create(unit=unit, viewpoint=Viewpoint(viewpoint), text=text.strip())
    return unit


@transaction.atomic
def assessment_add(
    *,
    actor: Any,
    plan: EvaluationPlan,
    name: str,
    kind: str,
    parts: dict[str, tuple[Decimal, Decimal]],
    unit: Unit | None = None,
    date: dt.date | None = None,
) -> Assessment:
    """Add an assessment evaluating the 観点 in ``parts`` (viewpoint → (max points, weight))."""
    _check_plan(actor, plan)
    if not parts:
        raise ValidationError(_("Choose at least one viewpoint with its maximum points."))
    if unit is not None and unit.plan_id != plan.pk:
        raise PermissionDenied("unit of another plan")
    order = (plan.assessments.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    assessment = Assessment(plan=plan, name=name.strip(), kind=kind, unit=unit, date=date, order=order)
    assessment.full_clean()
    assessment.save()
    for viewpoint, (max_points, weight) in parts.items():
        part = AssessmentPart(
            assessment=assessment, viewpoint=Viewpoint(viewpoint), max_points=max_points, weight=weight
        )
        part.full_clean()
        part.save()
    return assessment


@transaction.atomic
def assessment_delete(*, actor: Any, assessment: Assessment) -> None:
    """Remove an assessment in which no pupil has a score yet (it would take the scores with it).

    The check counts every pupil's scores, also those of groups the actor does not teach."""
    _check_plan(actor, assessment.plan)
    from tsunagu.core.scope import system_scope

    with system_scope(reason="an assessment is removed only when no pupil has a score in it"):
        has_scores = (
            Score.objects.filter(part__assessment=assessment)
            .exclude(points__isnull=True, absent=False)
            .exists()
        )
    if has_scores:
        raise ValidationError(_("This assessment has scores; it cannot be removed."))
    assessment.delete()


# --- overrides ------------------------------------------------------------------------------------


@transaction.atomic
def result_override(
    *,
    actor: Any,
    plan: EvaluationPlan,
    student: Student,
    grades: dict[str, str | None],
    rating: int | None,
    reason: str,
    max_rating: int | None,
) -> None:
    """Set (or clear, with None) the teacher's 観点 and 評定 for a pupil, overriding the proposals.

    A reason is required for any override; the history tables keep every earlier value and reason."""
    reason = reason.strip()
    if (any(v for v in grades.values()) or rating is not None) and not reason:
        raise ValidationError(_("Give a reason for the change."))
    if rating is not None and (max_rating is None or not 1 <= rating <= max_rating):
        raise ValidationError(_("This grade has no rating of %(value)s.") % {"value": rating})
    if not Student.objects.visible_to(actor, "view").filter(pk=student.pk).exists():
        raise PermissionDenied("pupil out of scope")
    vg = ViewpointGrade.objects.visible_to(actor, "change")
    for viewpoint, value in grades.items():
        existing = vg.filter(plan=plan, student=student, viewpoint=viewpoint).first()
        if value:
            if existing is None:
                existing = ViewpointGrade(plan=plan, student=student, viewpoint=viewpoint)
            existing.value, existing.reason, existing.set_by = value, reason, actor
            existing.save()
            if not vg.filter(pk=existing.pk).exists():
                raise PermissionDenied("viewpoint grade out of scope")
        elif existing is not None:
            existing.delete()
    rt = Rating.objects.visible_to(actor, "change")
    existing_rating = rt.filter(plan=plan, student=student).first()
    if rating is not None:
        if existing_rating is None:
            existing_rating = Rating(plan=plan, student=student)
        existing_rating.value, existing_rating.reason, existing_rating.set_by = rating, reason, actor
        existing_rating.save()
        if not rt.filter(pk=existing_rating.pk).exists():
            raise PermissionDenied("rating out of scope")
    elif existing_rating is not None:
        existing_rating.delete()


# --- 行動の記録 and 特別活動 -------------------------------------------------------------------------


@transaction.atomic
def class_records_save(
    *, actor: Any, term: Term, marks: dict[Student, tuple[set[str], set[str]]], elementary: bool
) -> int:
    """Save the ○ marks of a class in a term: per pupil (行動の記録 items, 特別活動). Unknown codes are
    refused; クラブ活動 only at an elementary school. Returns how many records changed; each change
    is kept in the history."""
    allowed_activities = set(SpecialActivity.values) - (set() if elementary else {SpecialActivity.CLUB})
    changed = 0
    for student, (behaviour, activities) in marks.items():
        if not behaviour <= set(BehaviourItem.values) or not activities <= allowed_activities:
            raise ValidationError(_("Unknown item."))
        for model, items in ((BehaviourRecord, behaviour), (SpecialActivitiesRecord, activities)):
            writable = model.objects.visible_to(actor, "change")
            record = writable.filter(student=student, term=term).first()
            ordered = sorted(items)
            if record is None:
                if not ordered:
                    continue
                record = model(student=student, term=term)
            elif sorted(record.items) == ordered:
                continue
            record.items, record.updated_by = ordered, actor
            record.save()
            if not writable.filter(pk=record.pk).exists():
                raise PermissionDenied("record out of scope")
            changed += 1
    return changed


# --- written evaluations (所見, 道徳, 外国語活動, 総合) and the phrase bank ---------------------------------


def normalise_text(text: str) -> str:
    """The text as stored: line ends unified, trailing spaces of lines and the whole dropped."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def text_length(text: str) -> int:
    """Characters a text takes on a form: line breaks do not count (the form's box wraps by itself).
    The page's counter counts the same way (``remarks.js``)."""
    return len(text.replace("\n", ""))


@dataclass
class RemarkSaveResult:
    """The outcome of a save: the row as stored, or a conflict with the text somebody else saved."""

    remark: Remark | None
    version: int
    conflict: bool = False
    theirs: str = ""
    by: str = ""
    at: dt.datetime | None = None


def remark_save(
    *,
    actor: Any,
    student: Student,
    school: School,
    school_year: SchoolYear,
    term: Term | None,
    kind: str,
    text: str,
    version: int,
    subject: Subject | None = None,
) -> RemarkSaveResult:
    """Save one text of a pupil (``term`` None: the year's text for the 指導要録).

    ``version`` is the one the page showed (0: no text yet). When somebody saved in between, nothing is
    written and the result carries their text (a conflict), unless it already equals this one. The
    school's character limit is enforced (ValidationError in Japanese). Every write goes into the
    history with who and when."""
    if kind not in RemarkKind.values:
        raise ValidationError(_("Unknown item."))
    if (kind == RemarkKind.SUBJECT) != (subject is not None):
        raise ValidationError(_("Unknown item."))
    if term is not None and (term.school_id != school.pk or term.school_year_id != school_year.pk):
        raise ValidationError(_("Unknown item."))
    text = normalise_text(text)
    limit = remark_limits_of(school.pk)[(kind, term is None)]
    if text_length(text) > limit:
        raise ValidationError(
            _("%(count)s characters: this form holds at most %(limit)s.")
            % {"count": text_length(text), "limit": limit}
        )
    lookup: dict[str, Any] = {
        "student": student,
        "school_year": school_year,
        "kind": kind,
        "subject": subject,
        "term": term,
    }
    with transaction.atomic():
        writable = Remark.objects.visible_to(actor, "change")
        found = writable.filter(**lookup).values_list("pk", flat=True).first()
        if found is None:
            if Remark.objects.visible_to(actor, "view").filter(**lookup).exists():
                raise PermissionDenied("remark out of scope")
            if version != 0:
                # The page showed a text that has since been removed: a conflict with the empty text.
                if not text:
                    return RemarkSaveResult(remark=None, version=0)
                return RemarkSaveResult(remark=None, version=0, conflict=True, theirs="")
            if not text:
                return RemarkSaveResult(remark=None, version=0)
            remark = Remark(school=school, text=text, version=1, updated_by=actor, **lookup)
            remark._history_user = actor  # type: ignore[attr-defined]
            try:
                with transaction.atomic():
                    remark.save()
            except IntegrityError:
                # Created by somebody else a moment ago.
                theirs = Remark.objects.visible_to(actor, "view").filter(**lookup).first()
                if theirs is None:
                    raise PermissionDenied("remark out of scope") from None
                if theirs.text == text:
                    return RemarkSaveResult(remark=theirs, version=theirs.version)
                return _remark_conflict(theirs)
            if not writable.filter(pk=remark.pk).exists():
                raise PermissionDenied("remark out of scope")  # rolls back
            return RemarkSaveResult(remark=remark, version=1)
        # Lock the row: two saves from the same version cannot both win.
        remark = (
            Remark._base_manager.select_for_update(of=("self",))
            .select_related("updated_by__staff_member")
            .get(pk=found)
        )
        if remark.text == text:
            return RemarkSaveResult(remark=remark, version=remark.version)
        if remark.version != version:
            return _remark_conflict(remark)
        remark.text, remark.version, remark.updated_by = text, remark.version + 1, actor
        remark._history_user = actor  # type: ignore[attr-defined]
        remark.save()
        return RemarkSaveResult(remark=remark, version=remark.version)


def _remark_conflict(theirs: Remark) -> RemarkSaveResult:
    return RemarkSaveResult(
        remark=theirs,
        version=theirs.version,
        conflict=True,
        theirs=theirs.text,
        by=_who(theirs.updated_by),
        at=theirs.updated_at,
    )


@transaction.atomic
def phrase_add(*, actor: Any, school: School, kind: str, topic: str, text: str) -> Phrase:
    """Add a phrase to the school's bank (every teacher of the school may)."""
    text, topic = normalise_text(text), topic.strip()
    if kind not in RemarkKind.values:
        raise ValidationError(_("Unknown item."))
    if not text:
        raise ValidationError(_("Enter the phrase."))
    if len(text) > 300 or len(topic) > 30:
        raise ValidationError(_("The phrase is too long."))
    phrase = Phrase.objects.create(school=school, kind=kind, topic=topic, text=text, created_by=actor)
    if not Phrase.objects.visible_to(actor, "change").filter(pk=phrase.pk).exists():
        raise PermissionDenied("phrase bank of another school")  # rolls back
    return phrase


@transaction.atomic
def phrase_update(*, actor: Any, phrase: Phrase, topic: str, text: str) -> Phrase:
    """Change a phrase of the bank."""
    if not Phrase.objects.visible_to(actor, "change").filter(pk=phrase.pk).exists():
        raise PermissionDenied("phrase bank of another school")
    text, topic = normalise_text(text), topic.strip()
    if not text:
        raise ValidationError(_("Enter the phrase."))
    if len(text) > 300 or len(topic) > 30:
        raise ValidationError(_("The phrase is too long."))
    phrase.text, phrase.topic = text, topic
    phrase.save(update_fields=["text", "topic", "updated_at"])
    return phrase


@transaction.atomic
def phrase_delete(*, actor: Any, phrase: Phrase) -> None:
    """Remove a phrase from the bank."""
    if not Phrase.objects.visible_to(actor, "change").filter(pk=phrase.pk).exists():
        raise PermissionDenied("phrase bank of another school")
    phrase.delete()


@transaction.atomic
def remark_limits_set(*, actor: Any, school: School, limits: dict[tuple[str, bool], int]) -> None:
    """Set the school's character limits ((kind, per year?) → maximum); a limit equal to the default
    leaves no row, so a later change of the default reaches the school."""
    from tsunagu.org.models import School as SchoolModel

    if not SchoolModel.objects.filter(pk=school.pk).visible_to(actor, "set_remark_limits").exists():
        raise PermissionDenied("another school")
    for (kind, yearly), value in limits.items():
        if kind not in RemarkKind.values or not 10 <= value <= 2000:
            raise ValidationError(_("Enter a number of characters from 10 to 2000."))
        if value == DEFAULT_LIMITS[(kind, yearly)]:
            RemarkLimit.objects.filter(school=school, kind=kind, yearly=yearly).delete()
        else:
            RemarkLimit.objects.update_or_create(
                school=school, kind=kind, yearly=yearly, defaults={"max_chars": value}
            )
