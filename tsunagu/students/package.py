"""The transfer package (転学パッケージ): a pupil's records from this school, for a school outside the ward.

Inside the ward the records move with the pupil (the receiving school sees them from the transfer
date). A school outside the ward gets a documented bundle instead — a zip of JSON and CSV files
described field by field in docs/imports/transfer-package.md — which the office downloads and hands
on with the 指導要録の写し and the 健康診断票.

Only what the actor may read goes in: the pupil, their guardians (contact details only of links
without a contact restriction), the enrolment history at this school, and per school year the
出欠の記録 (:func:`tsunagu.attendance.selectors.attendance_summary`) and the day's marks.

Other apps add their part through a hook: a module ``<app>/transfer_package.py`` with a function
``package_sections(*, actor, student, school) -> list[PackageSection]`` (found by
:func:`tsunagu.core.apphooks.app_hooks`, as the menu and home page are). Each section becomes a folder
``sections/<key>/`` of the zip. :data:`EXPECTED_SECTIONS` names the parts the next school expects
(健康診断票, 指導要録 様式2); while no app provides one, the manifest lists it as ``pending``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from tsunagu.core.apphooks import app_hooks
from tsunagu.org.models import School
from tsunagu.students.models import Enrolment, EnrolmentEvent, GuardianLink, Student

#: The version of the package's layout (docs/imports/transfer-package.md); bump on any change.
FORMAT_VERSION = "1.0"

#: The 出欠の記録 columns of ``attendance_summary.csv`` (keys of ``AttendanceSummary.as_dict``).
SUMMARY_COLUMNS = (
    "days_instructional",
    "days_excused",
    "days_required",
    "days_absent",
    "days_present",
    "days_late",
    "days_early_leave",
    "days_deemed_present",
)

#: Sections the next school expects, by key, until an app provides them (then its own title is used).
EXPECTED_SECTIONS = {
    "health": "健康診断票（学校保健安全法施行規則 第8条）",
    "guidance": "指導要録 指導に関する記録（様式2）の写し",
}


@dataclass
class PackageSection:
    """One app's part of the package: ``files`` (name → rows for CSV, or any JSON value for ``.json``)
    go to ``sections/<key>/``. ``rows`` for a ``.csv`` file is a list of lists, header first."""

    key: str
    title: str
    files: dict[str, Any] = field(default_factory=dict)
    note: str = ""


SectionHook = Callable[..., Iterable[PackageSection]]


def _section_hooks() -> tuple[SectionHook, ...]:
    """Every installed app's ``transfer_package.package_sections``."""
    return app_hooks("transfer_package", "package_sections")


def _csv(rows: Iterable[Iterable[Any]]) -> bytes:
    """CSV as the 学齢簿 import reads it: UTF-8 with a BOM (Excel opens it as Japanese), CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8-sig")


def _json(value: Any) -> bytes:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


def _school_years(enrolments: list[Enrolment]) -> list[tuple[Any, dt.date, dt.date]]:
    """(school year, first day, last day) of the pupil's time at the school, per school year."""
    spans: dict[int, tuple[Any, dt.date, dt.date]] = {}
    today = timezone.localdate()
    for e in enrolments:
        year = e.school_year
        end = min(e.end_date or year.end_date, year.end_date, max(today, e.start_date))
        if year.pk in spans:
            _, first, last = spans[year.pk]
            spans[year.pk] = (year, min(first, e.start_date), max(last, end))
        else:
            spans[year.pk] = (year, e.start_date, end)
    return sorted(spans.values(), key=lambda s: s[0].year)


def transfer_package(*, actor: Any, student: Student, school: School) -> tuple[bytes, dict[str, Any]]:
    """The zip of ``student``'s records at ``school`` as ``actor`` may read them, and its manifest."""
    from tsunagu.attendance.models import AttendanceMark
    from tsunagu.attendance.selectors import attendance_summary

    may_address = Student.objects.visible_to(actor, "view_address").filter(pk=student.pk).exists()
    pupil = {
        "uuid": student.uuid,
        "family_name": student.family_name,
        "given_name": student.given_name,
        "family_name_kana": student.family_name_kana,
        "given_name_kana": student.given_name_kana,
        "sex": student.sex,
        "birth_date": student.birth_date,
        "postal_code": student.postal_code if may_address else None,
        "address": student.address if may_address else None,
        "address_protected": student.address_protected,
        "needs_care": student.needs_care,
    }
    links = list(
        GuardianLink.objects.visible_to(actor, "view")
        .filter(student=student)
        .select_related("guardian")
        .order_by("-is_primary_contact", "id")
    )
    guardians: list[list[Any]] = [
        [
            "family_name",
            "given_name",
            "family_name_kana",
            "given_name_kana",
            "relationship",
            "has_custody",
            "contact_restricted",
            "is_primary_contact",
            "phone",
            "email",
            "postal_code",
            "address",
        ]
    ]
    for link in links:
        g = link.guardian
        contact = not link.contact_restricted
        guardians.append(
            [
                g.family_name,
                g.given_name,
                g.family_name_kana,
                g.given_name_kana,
                link.relationship,
                int(link.has_custody),
                int(link.contact_restricted),
                int(link.is_primary_contact),
                g.phone if contact else "",
                g.email if contact else "",
                g.postal_code if contact and may_address else "",
                g.address if contact and may_address else "",
            ]
        )
    enrolments = list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(student=student, school=school)
        .select_related("school", "school_year", "grade_level", "homeroom__grade_level")
        .order_by("start_date", "id")
    )
    enrolment_rows: list[list[Any]] = [
        [
            "school_code",
            "school_name",
            "school_year",
            "grade",
            "class",
            "roll_number",
            "start_date",
            "end_date",
        ]
    ]
    enrolment_rows += [
        [
            e.school.mext_code,
            e.school.name,
            e.school_year.year,
            e.grade_level.code,
            e.homeroom.display_name if e.homeroom else "",
            e.roll_number,
            e.start_date,
            e.end_date,
        ]
        for e in enrolments
    ]
    events = (
        EnrolmentEvent.objects.visible_to(actor, "view")
        .filter(student=student, enrolment__school=school)
        .order_by("date", "id")
    )
    event_rows: list[list[Any]] = [
        ["date", "kind", "left_on", "other_school_name", "other_school_address", "reason"]
    ]
    event_rows += [
        [e.date, e.kind, e.left_on, e.other_school_name, e.other_school_address, e.reason] for e in events
    ]
    summary_rows: list[list[Any]] = [["school_year", "from", "to", *SUMMARY_COLUMNS]]
    for year, first, last in _school_years(enrolments):
        totals = attendance_summary(
            actor=actor, student=student, school=school, start=first, end=last
        ).as_dict()
        summary_rows.append([year.year, first, last, *(totals[k] for k in SUMMARY_COLUMNS)])
    marks = (
        AttendanceMark.objects.visible_to(actor, "view")
        .filter(student=student, school=school)
        .order_by("date")
        .values_list("date", "kind", "arrived_at", "left_at", "reason", "place")
    )
    mark_rows = [["date", "mark", "arrived_at", "left_at", "reason", "place"], *marks]

    sections: list[dict[str, Any]] = [
        {"key": "students", "title": "学籍", "status": "included", "files": [
            "pupil.json", "guardians.csv", "enrolments.csv", "enrolment_events.csv"]},
        {"key": "attendance", "title": "出欠の記録", "status": "included", "files": [
            "attendance_summary.csv", "attendance_marks.csv"]},
    ]  # fmt: skip
    files: dict[str, bytes] = {
        "pupil.json": _json(pupil),
        "guardians.csv": _csv(guardians),
        "enrolments.csv": _csv(enrolment_rows),
        "enrolment_events.csv": _csv(event_rows),
        "attendance_summary.csv": _csv(summary_rows),
        "attendance_marks.csv": _csv(mark_rows),
    }
    provided: set[str] = set()
    for hook in _section_hooks():
        for section in hook(actor=actor, student=student, school=school):
            names = []
            for name, content in section.files.items():
                path = f"sections/{section.key}/{name}"
                files[path] = _csv(content) if name.endswith(".csv") else _json(content)
                names.append(path)
            provided.add(section.key)
            sections.append(
                {"key": section.key, "title": section.title, "status": "included", "files": names}
                | ({"note": section.note} if section.note else {})
            )
    for key, title in EXPECTED_SECTIONS.items():
        if key not in provided:
            sections.append({"key": key, "title": title, "status": "pending", "files": []})
    manifest = {
        "format": "tsunagu-transfer-package",
        "version": FORMAT_VERSION,
        "created_at": timezone.now(),
        "school": {"code": school.mext_code, "name": school.name, "address": school.address},
        "pupil_uuid": student.uuid,
        "sections": sections,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", _json(manifest))
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue(), json.loads(_json(manifest))


def package_filename(*, student: Student, school: School, day: dt.date) -> str:
    """転学パッケージ_さくら小_20261201_1a2b3c4d.zip (the pupil's ID, never the name, in a file name)."""
    from tsunagu.students.exports import short_school_name

    return f"転学パッケージ_{short_school_name(school.name)}_{day:%Y%m%d}_{str(student.uuid)[:8]}.zip"
