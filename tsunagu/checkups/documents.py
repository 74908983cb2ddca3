"""PDF documents of the health exams: the 受診勧告 letters of a class and the 健康診断票 of a pupil.

Python prepares every printed value (和暦 dates, grades, counts); the Typst templates in ``typst/`` only
lay them out (docs/decisions/0010).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tsunagu.checkups import derive
from tsunagu.checkups.models import ExamFollowUp
from tsunagu.checkups.selectors import ClassRow, ExamView, today
from tsunagu.core.pdf import render_pdf
from tsunagu.core.wareki import school_year_label, wareki
from tsunagu.org.models import Homeroom
from tsunagu.students.models import Student


def _num(value: Decimal | None) -> str:
    """A measured value as written on the form: 130.5, 1.0, 0.05 (at least one decimal)."""
    if value is None:
        return ""
    text = f"{value:f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _date(value: Any) -> str:
    return wareki(value) if value else ""


def letters_pdf(*, homeroom: Homeroom, pupils: list[tuple[ClassRow, list[ExamFollowUp]]]) -> bytes:
    """One letter per pupil (items with issued, unanswered letters), each with a tear-off return slip."""
    school = homeroom.school
    letters = []
    for row, items in pupils:
        letter_date = min(f.letter_date for f in items if f.letter_date)
        letters.append(
            {
                "date": wareki(letter_date),
                "pupil": f"{homeroom.display_name} {row.enrolment.roll_number or ''}番 "
                f"{row.student.full_name}",
                "items": [[f.get_item_display(), f.finding] for f in items],
                "slip_items": [f.get_item_display() for f in items],
            }
        )
    data = {
        "school": school.name,
        "sender": f"{school.name}長",
        "year": school_year_label(homeroom.school_year.year),
        "letters": letters,
        "empty": "受診勧告の対象となる児童生徒はいません。",
    }
    return render_pdf("checkups/typst/letters.typ", data)


def _general_column(view: ExamView) -> list[str]:
    g = view.general
    grades = view.vision

    def eye(side: str) -> str:
        bare = getattr(g, f"vision_{side}") if g else None
        corrected = getattr(g, f"vision_{side}_corrected") if g else None
        text = f"{grades.get(side, '')}（{_num(bare)}）" if bare is not None else ""
        if corrected is not None:
            text += f" 矯正 {grades.get(side + '_corrected', '')}（{_num(corrected)}）"
        return text

    pct = view.obesity_pct
    hearing = {"normal": "○", "abnormal": "所見あり", "": ""}
    follow = "、".join(f"{f.get_item_display()}受診勧告" for f in view.follow_ups if f.item != "dental")
    if not g:
        return (
            [school_year_label(view.exam.school_year.year), str(view.exam.grade_level), str(view.exam.age)]
            + [""] * 20
            + [follow]
        )
    return [
        school_year_label(view.exam.school_year.year),
        str(view.exam.grade_level),
        str(view.exam.age),
        _num(g.height_cm),
        _num(g.weight_kg),
        f"{pct:+.1f}%（{view.obesity_label}）" if pct is not None else "",
        g.get_nutrition_display() if g.nutrition else "",
        g.spine_chest_limbs,
        eye("right"),
        eye("left"),
        g.eye_disease,
        hearing[g.hearing_right],
        hearing[g.hearing_left],
        g.ent_disease,
        g.skin_disease,
        " ".join(x for x in (g.tuberculosis, g.tuberculosis_guidance) if x),
        g.heart_ecg,
        g.heart_disease,
        f"{g.urine_protein} / {g.urine_glucose}" if g.urine_protein or g.urine_glucose else "",
        g.other_disease,
        g.doctor_remarks,
        _date(g.doctor_date),
        g.remarks,
        follow,
    ]


GENERAL_ROWS = [
    "年度",
    "学年",
    "年齢",
    "身長 (cm)",
    "体重 (kg)",
    "肥満度",
    "栄養状態",
    "脊柱・胸郭・四肢",
    "視力 右",
    "視力 左",
    "眼の疾病及び異常",
    "聴力 右",
    "聴力 左",
    "耳鼻咽頭疾患",
    "皮膚疾患",
    "結核",
    "心臓 臨床医学的検査",
    "心臓 疾病及び異常",
    "尿 蛋白 / 糖",
    "その他の疾病及び異常",
    "学校医 所見",
    "学校医 月日",
    "備考",
    "事後措置",
]


def _chart_rows(teeth: dict[str, str]) -> list[list[dict[str, Any]]]:
    """The 歯式 as printed: upper jaw (右 8→1, 左 1→8) and lower jaw, each cell the symbol of the
    permanent tooth, or of the primary tooth (``primary``) in positions 1–5."""
    rows = []
    for right, left in (("UR", "UL"), ("LR", "LL")):
        cells = []
        for quadrant, positions in ((right, range(8, 0, -1)), (left, range(1, 9))):
            for position in positions:
                primary = teeth.get(derive.tooth_code(quadrant, position, True)) if position <= 5 else None
                permanent = teeth.get(derive.tooth_code(quadrant, position, False))
                cells.append({"s": primary or permanent or "", "primary": bool(primary)})
        rows.append(cells)
    return rows


def _dental_year(view: ExamView) -> dict[str, Any]:
    d = view.dental
    counts = view.counts
    follow = "、".join("受診勧告" for f in view.follow_ups if f.item == "dental")
    return {
        "year": school_year_label(view.exam.school_year.year),
        "grade": str(view.exam.grade_level),
        "age": str(view.exam.age),
        "scores": [
            "" if d is None or getattr(d, n) is None else str(getattr(d, n))
            for n in ("jaw_joint", "alignment", "plaque", "gingiva")
        ],
        "chart": _chart_rows(d.teeth if d else {}),
        "primary": [str(counts.primary_present), str(counts.primary_d), str(counts.primary_f)]
        if counts
        else [""] * 3,
        "permanent": [str(counts.permanent_present), str(counts.d), str(counts.f), str(counts.m)]
        if counts
        else [""] * 4,
        "other": d.other_disease if d else "",
        "remarks": " ".join(x for x in (d.dentist_remarks, _date(d.dentist_date)) if x) if d else "",
        "follow": follow,
    }


def exam_card_pdf(*, student: Student, history: list[ExamView]) -> bytes:
    """The pupil's 健康診断票: 一般 (a column per year) and 歯・口腔 (a row per year), every year."""
    columns = [_general_column(v) for v in history]
    data = {
        "name": student.full_name,
        "kana": student.full_name_kana,
        "sex": student.get_sex_display(),
        "birth": wareki(student.birth_date),
        "schools": "、".join(dict.fromkeys(v.exam.school.name for v in history)),
        "general_rows": [[label, *(c[i] for c in columns)] for i, label in enumerate(GENERAL_ROWS)],
        "years": len(columns),
        "dental": [_dental_year(v) for v in history],
        "printed": wareki(today()),
    }
    return render_pdf("checkups/typst/exam_card.typ", data)
