"""The 指導要録の写し and 抄本 in the transfer package (hook of ``tsunagu/students/package.py``).

Section ``guidance`` (the one the package lists as expected) holds, for the pupil's record at the
school: ``copy.json`` — the 写し (規則 §24③, on 転学): 様式1 and every year's 様式2 as signed, with the
versions' signers, dates, amendments and SHA-256, the current year live and marked ``final: false``; and
``extract.json`` — the 抄本 (on 進学): 様式1 and per year the 評定 and 出欠の記録 only; and
``attendance.csv`` — the 出欠の記録 of every year as printed. Only an actor who may read the record
(the principal) gets the section; for office staff it stays ``pending`` and the principal exports it.
Layout: docs/imports/records-transfer-section.md.
"""

from __future__ import annotations

from typing import Any

from tsunagu.records.models import CumulativeRecord
from tsunagu.records.selectors import YearView, record_years
from tsunagu.students.package import PackageSection

#: Version of this section's layout; bump on any change (docs/imports/records-transfer-section.md).
SECTION_VERSION = "1.0"


def _versions(versions: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "number": v.number,
            "sha256": v.content_sha256,
            "written_by": v.author_name,
            "written_at": v.created_at,
            "signed_by": v.signer_name,
            "signed_at": v.signed_at,
            "reason": v.reason,
        }
        for v in versions
    ]


def _year(y: YearView) -> dict[str, Any]:
    return {
        "school_year": y.school_year.year,
        "status": y.status,
        "final": y.status == "signed",
        "retention_until": {
            "form1": y.enrolment_section.retention_until,
            "form2": y.guidance_section.retention_until,
        },
        "form1_versions": _versions(y.form1_versions),
        "form2_versions": _versions(y.form2_versions),
        "form2": y.form2,
    }


def package_sections(*, actor: Any, student: Any, school: Any) -> list[PackageSection]:
    """The 写し and 抄本 of ``student``'s 指導要録 at ``school``, when ``actor`` may read it."""
    record = (
        CumulativeRecord.objects.visible_to(actor, "view")
        .filter(student=student, school=school)
        .select_related("student", "school")
        .first()
    )
    if record is None:
        return []
    years = record_years(actor=actor, record=record)
    form1 = years[-1].form1 if years else {}
    copy = {"format": "tsunagu-cumulative-record", "version": SECTION_VERSION, "form1": form1,
            "years": [_year(y) for y in years]}  # fmt: skip
    extract = {
        "format": "tsunagu-cumulative-record-extract",
        "version": SECTION_VERSION,
        "form1": form1,
        "years": [
            {
                "school_year": y.school_year.year,
                "final": y.status == "signed",
                "grade": y.form2.get("grade"),
                "ratings": [[s["name"], s["rating"]] for s in y.form2.get("subjects", [])],
                "attendance": y.form2.get("attendance", {}),
            }
            for y in years
        ],
    }
    columns = ["days_instructional", "days_excused", "days_required", "days_absent", "days_present", "note"]
    attendance: list[list[Any]] = [["school_year", "final", *columns]]
    attendance += [
        [
            y.school_year.year,
            int(y.status == "signed"),
            *(y.form2.get("attendance", {}).get(c, "") for c in columns),
        ]
        for y in years
    ]
    return [
        PackageSection(
            key="guidance",
            title="指導要録の写し・抄本（様式1・様式2）",
            files={"copy.json": copy, "extract.json": extract, "attendance.csv": attendance},
            note="署名前の年度は final=false（確定前の内容）",
        )
    ]
