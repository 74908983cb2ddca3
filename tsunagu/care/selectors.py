"""Reads of 配慮事項. Every selector takes the ``actor`` and narrows with ``visible_to``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tsunagu.care.models import CareNote
from tsunagu.org.models import Homeroom, School
from tsunagu.students.models import Enrolment, Student
from tsunagu.students.selectors import enrolled_on, search_filter


@dataclass(frozen=True)
class CareSummary:
    """What a teacher sees of one note: the summary line, and where the EpiPen is kept."""

    uuid: str
    kind: str
    summary: str
    epipen: bool
    epipen_location: str


def _summary(note: CareNote) -> CareSummary:
    return CareSummary(
        uuid=str(note.uuid),
        kind=note.kind,
        summary=note.summary,
        epipen=note.epipen,
        epipen_location=note.epipen_location,
    )


def care_summary_for(*, actor: Any, students: Iterable[Student | int]) -> dict[int, list[CareSummary]]:
    """The current care notes of ``students`` as ``actor`` may see them, summaries only, by pupil id
    (one query; pupils without a visible note are absent). For other apps (the karte, rosters)."""
    ids = [s if isinstance(s, int) else s.pk for s in students]
    result: dict[int, list[CareSummary]] = defaultdict(list)
    if not ids:
        return {}
    notes = (
        CareNote.objects.visible_to(actor, "view")
        .filter(student_id__in=ids, is_active=True)
        .order_by("student_id", "kind", "id")
    )
    for note in notes:
        result[note.student_id].append(_summary(note))
    return dict(result)


def may_view_detail(*, actor: Any, note: CareNote) -> bool:
    """May ``actor`` read the class-I detail of ``note`` (nurse, principal)?"""
    return CareNote.objects.visible_to(actor, "view_detail").filter(pk=note.pk).exists()


def pupil_notes(*, actor: Any, student: Student) -> tuple[list[CareNote], set[int]]:
    """Every note of ``student`` the actor may see (current first), and the ids whose detail they may read."""
    notes = list(
        CareNote.objects.visible_to(actor, "view")
        .filter(student=student)
        .order_by("-is_active", "kind", "id")
    )
    detail = set(
        CareNote.objects.visible_to(actor, "view_detail").filter(student=student).values_list("pk", flat=True)
    )
    return notes, detail


@dataclass
class CareLine:
    """One pupil of a class list with their notes."""

    enrolment: Enrolment
    notes: list[CareSummary]


def class_care_list(*, actor: Any, homeroom: Homeroom, day: dt.date) -> list[CareLine]:
    """このクラスの配慮事項: the pupils of ``homeroom`` on ``day`` who have a note the actor may see, by
    roll number (two queries). A subject teacher sees only the pupils they teach."""
    enrolments = list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), homeroom=homeroom)
        .select_related("student")
        .order_by("roll_number", "student__family_name_kana")
    )
    notes = care_summary_for(actor=actor, students=[e.student_id for e in enrolments])
    return [CareLine(e, notes[e.student_id]) for e in enrolments if e.student_id in notes]


def school_care_list(*, actor: Any, school: School, day: dt.date) -> list[CareLine]:
    """Every pupil of ``school`` today with a current note, by grade and class (the nurse's overview)."""
    enrolments = list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), school=school, student__care_notes__is_active=True)
        .distinct()
        .select_related("student", "homeroom", "grade_level")
        .order_by("grade_level__order", "homeroom__order", "roll_number")
    )
    notes = care_summary_for(actor=actor, students=[e.student_id for e in enrolments])
    return [CareLine(e, notes[e.student_id]) for e in enrolments if e.student_id in notes]


def pupil_search(*, actor: Any, school: School, query: str, day: dt.date) -> list[Enrolment]:
    """Pupils of ``school`` on ``day`` whose name or kana contains ``query`` (at most 30)."""
    if not query.strip():
        return []
    return list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), school=school)
        .filter(search_filter(query, "student__"))
        .select_related("student", "homeroom")
        .order_by("grade_level__order", "homeroom__order", "roll_number")[:30]
    )
