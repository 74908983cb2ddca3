"""The printed 指導要録 (様式1 and 様式2) and 調査書: Python prepares every printed value, the Typst
templates in ``records/typst/`` only lay them out (decision 0010)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tsunagu.core.pdf import render_pdf
from tsunagu.core.wareki import school_year_label, wareki
from tsunagu.org.models import Homeroom
from tsunagu.records.models import CumulativeRecord
from tsunagu.records.rules import SUBJECT_NAMES, Weighting, transcript_points_exact
from tsunagu.records.selectors import TranscriptRow, YearView, principal_names

#: The 9 subjects of the 調査書 in the form's order.
TRANSCRIPT_SUBJECTS = [
    (code, SUBJECT_NAMES[code]) for code in ("JJA", "JSS", "JMA", "JSC", "JMU", "JAR", "JPE", "JTH", "JFL")
]

_STATUS = {"draft": "未確定（記入中）", "submitted": "提出済み（校長の署名待ち）", "signed": "署名済み"}


def _signature(versions: list[Any]) -> dict[str, Any]:
    signed = [v for v in versions if v.signed_at]
    if not signed:
        return {}
    last = signed[-1]
    return {
        "signer": last.signer_name,
        "signed_at": wareki(timezone.localtime(last.signed_at).date()),
        "sha256": last.content_sha256,
        "version": last.number,
        "amendments": [
            {
                "number": v.number,
                "reason": v.reason,
                "by": v.signer_name,
                "on": wareki(timezone.localtime(v.signed_at).date()),
            }
            for v in signed[1:]
        ],
    }


def _item(event: dict[str, Any] | None, *keys: str) -> str:
    if not event:
        return ""
    return "　".join(str(event.get(k) or "") for k in keys if event.get(k))


def record_data(*, record: CumulativeRecord, years: list[YearView], copy: bool) -> dict[str, Any]:
    """The print data of a record: 様式1 from the latest year, and one 様式2 page per year."""
    stage = "P" if record.school.kind == "B1" else "J"
    form1 = years[-1].form1 if years else {}
    columns = 6 if stage == "P" else 3
    by_grade = {y["grade"]: y for y in form1.get("years", [])}
    year_rows = [
        [
            f"第{n}学年",
            by_grade[n]["year_label"] if n in by_grade else "",
            by_grade[n]["class"] if n in by_grade else "",
            str(by_grade[n]["roll_number"] or "") if n in by_grade else "",
            by_grade[n]["principal"] if n in by_grade else "",
            by_grade[n]["homeroom_teacher"] if n in by_grade else "",
        ]
        for n in range(1, columns + 1)
    ]
    pupil = form1.get("pupil", {})
    guardian = form1.get("guardian", {})
    school = form1.get("school", {})
    form1_rows = [
        ["入学前の経歴", form1.get("prior_history", "")],
        ["入学", _item(form1.get("entry"), "date", "grade")],
        ["編入学等", _item(form1.get("admission"), "date", "grade", "reason")],
        ["転入学", _item(form1.get("transfer_in"), "date", "grade", "school", "address", "reason")],
        ["転学・退学等", _item(form1.get("transfer_out"), "date", "left_on", "school", "address", "reason")
         or _item(form1.get("withdrawal"), "date", "reason")],
        ["卒業", _item(form1.get("graduation"), "date")],
        ["進学先・就職先等", form1.get("next_destination", "")],
        ["学校名及び所在地", f"{school.get('name', '')}　{school.get('address', '')}"],
    ]  # fmt: skip
    pages = []
    for y in years:
        c = y.form2
        pages.append(
            {
                "year_label": c.get("year_label", school_year_label(y.school_year.year)),
                "grade": f"第{c.get('grade') or ''}学年　{c.get('class', '')}",
                "status": _STATUS.get(y.status, ""),
                "subjects": [
                    [
                        s["name"],
                        *[v for _label, v in s["viewpoints"]],
                        "" if s["rating"] is None else str(s["rating"]),
                    ]
                    for s in c.get("subjects", [])
                ],
                "moral": c.get("moral", ""),
                "foreign_language": c.get("foreign_language", "") if stage == "P" else None,
                "integrated": c.get("integrated", {}),
                "special_activities": [
                    [label, "○" if on else ""] for label, on in c.get("special_activities", [])
                ],
                "behaviour": [[label, "○" if on else ""] for label, on in c.get("behaviour", [])],
                "remark": c.get("remark", ""),
                "attendance": c.get("attendance", {}),
                "signature": _signature(y.form2_versions),
            }
        )
    return {
        "copy": copy,
        "stage": stage,
        "school": school.get("name", record.school.name),
        "pupil": pupil,
        "guardian": guardian,
        "form1_rows": form1_rows,
        "year_rows": year_rows,
        "form1_signature": _signature(years[-1].form1_versions) if years else {},
        "pages": pages,
        "printed_on": wareki(timezone.localdate()),
    }


def multi_year_data(*, years: list[YearView], stage: str) -> dict[str, Any]:
    """様式2 in the MEXT multi-year layout: one column per grade (小 6, 中 3), rows per subject and 観点."""
    grades = list(range(1, (6 if stage == "P" else 3) + 1))
    by_grade = {y.form2.get("grade"): y.form2 for y in years if y.form2.get("grade")}

    def per_grade(pick: Any) -> list[str]:
        return [pick(by_grade[g]) if g in by_grade else "" for g in grades]

    def text_of(g: int, key: str, sub: str | None = None) -> str:
        if g not in by_grade:
            return ""
        value = by_grade[g].get(key, {} if sub else "")
        return str((value or {}).get(sub, "") if sub else (value or ""))

    subjects: dict[str, str] = {}
    for y in years:
        for s in y.form2.get("subjects", []):
            subjects.setdefault(s["code"], s["name"])

    def cell_of(code: str, index: int | None) -> Any:
        def pick(c: dict[str, Any]) -> str:
            found = next((s for s in c.get("subjects", []) if s["code"] == code), None)
            if found is None:
                return ""
            if index is None:
                return "" if found["rating"] is None else str(found["rating"])
            return str(found["viewpoints"][index][1] or "")

        return pick

    learning = []
    for code, name in subjects.items():
        for i, label in enumerate(("知識・技能", "思考・判断・表現", "主体的に学習に取り組む態度")):
            learning.append([name if i == 0 else "", label, *per_grade(cell_of(code, i))])
        learning.append(["", "評定", *per_grade(cell_of(code, None))])
    latest = years[-1].form2 if years else {}
    activities = [label for label, _on in latest.get("special_activities", [])]
    items = [label for label, _on in latest.get("behaviour", [])]

    def marked(key: str, label: str) -> Any:
        return lambda c: "○" if any(lbl == label and on for lbl, on in c.get(key, [])) else ""

    columns = ("days_instructional", "days_excused", "days_required", "days_absent", "days_present", "note")
    return {
        "grades": [f"第{g}学年" for g in grades],
        "learning": learning,
        "moral": [[f"第{g}学年", text_of(g, "moral")] for g in grades],
        "foreign_language": [[f"第{g}学年", text_of(g, "foreign_language")] for g in (3, 4)]
        if stage == "P"
        else [],
        "integrated": [
            [f"第{g}学年", *(text_of(g, "integrated", k) for k in ("activity", "viewpoint", "evaluation"))]
            for g in grades
            if stage == "J" or g >= 3
        ],
        "special_activities": [
            [label, *per_grade(marked("special_activities", label))] for label in activities
        ],
        "behaviour": [[label, *per_grade(marked("behaviour", label))] for label in items],
        "remarks": [[f"第{g}学年", text_of(g, "remark")] for g in grades],
        "attendance": [[f"第{g}学年", *(text_of(g, "attendance", c) for c in columns)] for g in grades],
    }


def record_pdf(
    *, record: CumulativeRecord, years: list[YearView], copy: bool = False, multi_year: bool = False
) -> bytes:
    """様式1 then 様式2: one page a year, or (``multi_year``) the MEXT layout with a column per grade."""
    data = record_data(record=record, years=years, copy=copy)
    if multi_year:
        data["multi"] = multi_year_data(years=years, stage=data["stage"])
        return render_pdf("records/typst/cumulative_record_years.typ", data)
    return render_pdf("records/typst/cumulative_record.typ", data)


def transcript_data(*, homeroom: Homeroom, row: TranscriptRow, weighting: Weighting) -> dict[str, Any]:
    """The 調査書's print data (出席停止 days are not printed: MEXT 2021)."""
    pupil = row.enrolment.student
    exact = transcript_points_exact(row.score, weighting) if row.score is not None else None
    return {
        "school": homeroom.school.name,
        "school_address": homeroom.school.address,
        "year_label": school_year_label(homeroom.school_year.year),
        "name": pupil.full_name,
        "kana": pupil.full_name_kana,
        "sex": "男" if pupil.sex == "M" else "女" if pupil.sex == "F" else "",
        "birth_date": wareki(pupil.birth_date),
        "class": homeroom.display_name,
        "subjects": [
            [name, "" if row.ratings.get(code) is None else str(row.ratings[code])]
            for code, name in TRANSCRIPT_SUBJECTS
        ],
        "score": "" if row.score is None else str(row.score),
        "score_error": row.error,
        "points": "" if row.points is None else str(row.points),
        "points_exact": "" if exact is None else f"{exact:.2f}",
        "ratio": weighting.label,
        "points_max": str(weighting.transcript_max),
        "absences": [[label, str(days)] for label, days in row.absences],
        "absence_reason": row.transcript.absence_reason if row.transcript else "",
        "remarks": row.transcript.remarks if row.transcript else "",
        "printed_on": wareki(timezone.localdate()),
        "principal": principal_names(homeroom.school, [homeroom.school_year_id]).get(
            homeroom.school_year_id, ""
        ),
    }


def transcript_pdf(*, homeroom: Homeroom, row: TranscriptRow, weighting: Weighting) -> bytes:
    return render_pdf(
        "records/typst/transcript.typ", transcript_data(homeroom=homeroom, row=row, weighting=weighting)
    )
