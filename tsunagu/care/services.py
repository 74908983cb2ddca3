"""Writes of 配慮事項: the nurse enters and edits care notes (every version kept by simple_history)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tsunagu.care.models import ALLERGENS, CareKind, CareNote, Severity
from tsunagu.core.policy import registry
from tsunagu.core.views import ensure_visible_after_write
from tsunagu.students.models import Student


@dataclass
class CareInput:
    """A care note as entered (see :class:`~tsunagu.care.models.CareNote` for the fields)."""

    kind: str
    condition: str = ""
    allergens: list[str] = field(default_factory=list)
    other_allergens: str = ""
    severity: str = ""
    anaphylaxis_history: bool = False
    epipen: bool = False
    epipen_location: str = ""
    essentials: str = ""
    doctor: str = ""
    action_plan: str = ""
    medication: str = ""
    emergency_contacts: str = ""
    management_table: bool = False
    is_active: bool = True


def _validate(data: CareInput) -> dict[str, str]:
    """The problems of ``data``, in Japanese, by field."""
    errors: dict[str, str] = {}
    if data.kind not in CareKind.values:
        errors["kind"] = "種類を選んでください。"
    if data.severity and data.severity not in Severity.values:
        errors["severity"] = "重症度の選択が正しくありません。"
    unknown = [a for a in data.allergens if a not in ALLERGENS]
    if unknown:
        errors["allergens"] = "アレルゲンの選択が正しくありません。"
    if data.kind == CareKind.FOOD_ALLERGY and not (data.allergens or data.other_allergens.strip()):
        errors["allergens"] = "食物アレルギーには原因となる食物を選ぶか入力してください。"
    if data.kind in {CareKind.CHRONIC, CareKind.MEDICATION, CareKind.OTHER} and not data.condition.strip():
        errors["condition"] = "病名・内容を入れてください。"
    if data.epipen and not data.epipen_location.strip():
        errors["epipen_location"] = "エピペンの保管場所を入れてください。"
    if data.kind == CareKind.MEDICATION and not data.medication.strip():
        errors["medication"] = "学校での服薬の内容（薬の名前・時間）を入れてください。"
    limits = {
        "condition": 60,
        "other_allergens": 100,
        "epipen_location": 100,
        "essentials": 200,
        "doctor": 100,
    }
    for name, limit in limits.items():
        if len(getattr(data, name)) > limit:
            errors[name] = f"{limit}字以内にしてください。"
    return errors


def _apply(note: CareNote, data: CareInput) -> None:
    for name in CareInput.__dataclass_fields__:
        value = getattr(data, name)
        setattr(note, name, value.strip() if isinstance(value, str) else value)
    note.allergens = [a for a in ALLERGENS if a in set(data.allergens)]
    if not note.epipen:
        note.epipen_location = ""


@transaction.atomic
def care_note_create(*, actor: Any, student: Student, data: CareInput) -> CareNote:
    """The nurse enters a care note for ``student`` (a pupil of their school)."""
    if not registry.allows_any(actor, CareNote, "add") or (
        not Student.objects.visible_to(actor, "view").filter(pk=student.pk).exists()
    ):
        raise PermissionDenied("この児童生徒の配慮事項は入力できません。")
    errors = _validate(data)
    if errors:
        raise ValidationError(errors)
    note = CareNote(student=student, recorded_by=actor)
    _apply(note, data)
    note.full_clean()
    note.save()
    ensure_visible_after_write(actor, note, "change")
    return note


@transaction.atomic
def care_note_update(*, actor: Any, note: CareNote, data: CareInput) -> CareNote:
    """The nurse edits a care note; the previous version stays in its history."""
    found = CareNote.objects.visible_to(actor, "change").select_for_update().filter(pk=note.pk).first()
    if found is None:
        raise PermissionDenied("この配慮事項は変更できません。")
    errors = _validate(data)
    if errors:
        raise ValidationError(errors)
    _apply(found, data)
    found.recorded_by = actor
    found.full_clean()
    found.save()
    ensure_visible_after_write(actor, found, "change")
    return found
