"""Access-matrix cases of the 指導要録 and 調査書 pages (see tsunagu/core/tests/access_matrix.py).

Class I: the homeroom teacher of the pupil this year (teacher: さくら小 4年1組; outsider: かえで小 3年1組)
and the principal of the record's school (principal: さくら小). Every other role has no rule (403).
Signing and amendments: the principal only. 調査書: 中3 homeroom teachers and principals; the cast has
none at みどり中, so every rule holder gets 404 there (the 200 cases are in test_transcripts.py).
"""

from __future__ import annotations

from typing import Any

from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import Case, Places, expect
from tsunagu.org.models import Homeroom
from tsunagu.records.models import CumulativeRecord, EnrolmentSection, GuidanceSection
from tsunagu.students.models import Enrolment, Student

RULE_HOLDERS = ("principal", "teacher", "outsider")


def _record(student: Student, school: Any) -> CumulativeRecord:
    """The pupil's record at ``school`` with a section for each year there (as the class page opens them)."""
    with system_scope(reason="access matrix opens a record"):
        record, _ = CumulativeRecord.objects.get_or_create(student=student, school=school)
        years = set(
            Enrolment.objects.filter(student=student, school=school).values_list("school_year", flat=True)
        )
        for year in years:
            EnrolmentSection.objects.get_or_create(record=record, school_year_id=year)
            GuidanceSection.objects.get_or_create(record=record, school_year_id=year)
        return record


def _record_kwargs(pick: Any, school: str = "school") -> Any:
    return lambda p: {"record_uuid": _record(pick(p), getattr(p, school)).uuid}


def _year_kwargs(p: Places) -> dict[str, Any]:
    record = _record(p.classmate, p.school)
    with system_scope(reason="access matrix finds a section"):
        section = GuidanceSection.objects.filter(record=record).order_by("-school_year__year").first()
        return {"record_uuid": record.uuid, "year_uuid": section.school_year.uuid}


def _signed_year_kwargs(p: Places) -> dict[str, Any]:
    record = _record(p.classmate, p.school)
    with system_scope(reason="access matrix finds a section"):
        section = GuidanceSection.objects.filter(record=record).order_by("school_year__year").first()
        return {"record_uuid": record.uuid, "year_uuid": section.school_year.uuid, "form_name": "form2"}


def _j3(p: Places) -> Homeroom:
    with system_scope(reason="access matrix finds a 中3 class"):
        return Homeroom.objects.filter(
            school=p.junior_high, school_year=p.homeroom.school_year, grade_level__code="J3"
        ).first()


def _j3_pupil(p: Places) -> dict[str, Any]:
    room = _j3(p)
    with system_scope(reason="access matrix finds a 中3 pupil"):
        pupil = Enrolment.objects.filter(homeroom=room, end_date__isnull=True).first().student
    return {"homeroom_uuid": room.uuid, "student_uuid": pupil.uuid}


CASES: list[Case] = [
    Case("records:index", "the menu page", expect(403, principal=200, teacher=200, outsider=200)),
    Case(
        "records:homeroom",
        "the teacher's class",
        expect(403, principal=200, teacher=200, outsider=404),
        lambda p: {"homeroom_uuid": p.homeroom.uuid},
    ),
    Case(
        "records:homeroom",
        "the teacher's class last year",
        expect(403, principal=200, teacher=404, outsider=404),
        lambda p: {"homeroom_uuid": p.teachers_last_year_homeroom.uuid},
    ),
    Case(
        "records:homeroom",
        "another school's class",
        expect(403, principal=404, teacher=404, outsider=200),
        lambda p: {"homeroom_uuid": p.outsider_homeroom.uuid},
    ),
    Case(
        "records:homeroom_submit",
        "the teacher's class (nothing ticked)",
        expect(403, principal="redirect", teacher="redirect", outsider=404),
        lambda p: {"homeroom_uuid": p.homeroom.uuid},
        method="post",
    ),
    Case(
        "records:homeroom_sign",
        "the teacher's class (no password)",
        expect(403, principal="redirect"),
        lambda p: {"homeroom_uuid": p.homeroom.uuid},
        method="post",
    ),
    Case(
        "records:record",
        "a classmate's record",
        expect(403, principal=200, teacher=200, outsider=404),
        _record_kwargs(lambda p: p.classmate),
    ),
    Case(
        "records:record",
        "a pupil of another class",
        expect(403, principal=200, teacher=404, outsider=404),
        _record_kwargs(lambda p: p.other_class_pupil),
    ),
    Case(
        "records:record",
        "last year's pupil of the teacher",
        expect(403, principal=200, teacher=404, outsider=404),
        _record_kwargs(lambda p: p.last_years_pupil),
    ),
    Case(
        "records:record",
        "a pupil who left (転学)",
        expect(403, principal=200, teacher=404, outsider=404),
        _record_kwargs(lambda p: p.left_pupil),
    ),
    Case(
        "records:record",
        "a pupil of another school",
        expect(403, principal=404, teacher=404, outsider=200),
        _record_kwargs(lambda p: p.other_school_pupil, "other_school"),
    ),
    Case(
        "records:record_pdf",
        "a classmate's record",
        expect(403, principal=200, teacher=200, outsider=404),
        _record_kwargs(lambda p: p.classmate),
    ),
    Case(
        "records:record_drafts",
        "a classmate's current year",
        expect(403, principal=200, teacher=200, outsider=404),
        _year_kwargs,
    ),
    Case(
        "records:record_amend",
        "a classmate's signed year",
        expect(403, principal=200),
        _signed_year_kwargs,
    ),
    Case(
        "records:transcripts",
        "a 中3 class at みどり中",
        expect(403, principal=404, teacher=404, outsider=404),
        lambda p: {"homeroom_uuid": _j3(p).uuid},
    ),
    Case(
        "records:transcript",
        "a 中3 pupil at みどり中",
        expect(403, principal=404, teacher=404, outsider=404),
        _j3_pupil,
    ),
    Case(
        "records:transcript_pdf",
        "a 中3 pupil at みどり中",
        expect(403, principal=404, teacher=404, outsider=404),
        _j3_pupil,
    ),
]
