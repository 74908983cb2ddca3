"""成績個票 as PDF (Typst, one A4 page per pupil) and as an Excel workbook (one worksheet per pupil),
from ``selectors.grade_sheets_get``. Python prepares every printed value; the template only lays out."""

from __future__ import annotations

import io
import re
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from tsunagu.core.pdf import render_pdf
from tsunagu.core.wareki import school_year_label, wareki
from tsunagu.grades.selectors import VIEWPOINTS, StudentGradeSheet

TEMPLATE = "grades/typst/grade_sheet.typ"
TITLE = "成績個票"
ATTENDANCE_HEADS = [
    "授業日数",
    "出席停止・忌引等",
    "出席しなければならない日数",
    "欠席日数",
    "出席日数",
    "遅刻",
    "早退",
]
VIEWPOINT_HEADS = ["知識・技能", "思考・判断・表現", "主体的に学習に取り組む態度"]


def _attendance(sheet: StudentGradeSheet) -> list[list[str]]:
    a = sheet.attendance
    values = (
        [
            a.days_instructional,
            a.days_excused,
            a.days_required,
            a.days_absent,
            a.days_present,
            a.days_late,
            a.days_early_leave,
        ]
        if a is not None
        else [None] * len(ATTENDANCE_HEADS)
    )
    return [[head, "" if v is None else str(v)] for head, v in zip(ATTENDANCE_HEADS, values, strict=True)]


def _period(sheet: StudentGradeSheet) -> str:
    if sheet.attendance_period is None:
        return ""
    start, end = sheet.attendance_period
    return f"（{wareki(start)}〜{wareki(end)}）"


def sheet_rows(sheet: StudentGradeSheet) -> list[dict[str, str]]:
    """One row per subject: name, the three 観点 (or –), 評定 and the class's average 評定."""
    rows = []
    for r in sheet.results:
        grades = [r.viewpoints.get(v) or "–" for v in VIEWPOINTS]
        average = sheet.class_averages.get(r.subject.pk)
        rows.append(
            {
                "name": r.subject.name,
                "k": grades[0],
                "t": grades[1],
                "a": grades[2],
                "rating": str(r.rating) if r.rating is not None else "–",
                "average": str(average) if average is not None else "–",
            }
        )
    return rows


def sheets_data(sheets: list[StudentGradeSheet]) -> dict[str, Any]:
    """The template's data (see the header of ``grade_sheet.typ``)."""
    first = sheets[0]
    printed = f"{wareki(timezone.localdate())} 作成"
    return {
        "title": TITLE,
        "school": first.homeroom.school.name,
        "year": school_year_label(first.homeroom.school_year.year),
        "term": first.term.name,
        "class_name": first.homeroom.display_name,
        "sheets": [
            {
                "roll": str(s.roll_number or ""),
                "name": s.student.full_name,
                "kana": s.student.full_name_kana,
                "subjects": sheet_rows(s),
                "has_rating": s.has_rating,
                "attendance": _attendance(s),
                "period": _period(s),
                "printed": printed,
            }
            for s in sheets
        ],
    }


def sheets_pdf(sheets: list[StudentGradeSheet]) -> bytes:
    """The sheets as one PDF, one A4 page per pupil."""
    return render_pdf(TEMPLATE, sheets_data(sheets))


_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def sheets_xlsx(sheets: list[StudentGradeSheet]) -> bytes:
    """The sheets as .xlsx, one worksheet per pupil named ``番号 氏名``: Japanese font, ruled cells,
    A4 portrait fitted to one page."""
    wb = Workbook()
    wb.remove(wb.active)
    font = Font(name="BIZ UDゴシック", size=10)
    bold = Font(name="BIZ UDゴシック", size=10, bold=True)
    title_font = Font(name="BIZ UDゴシック", size=16, bold=True)
    red = Font(name="BIZ UDゴシック", size=10, bold=True, color="B3261E")
    thin = Side(style="thin", color="777777")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="E8EEF7")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    used: set[str] = set()
    for s in sheets:
        name = _BAD_TITLE.sub("", f"{s.roll_number or ''} {s.student.full_name}".strip())[:31] or "sheet"
        while name in used:
            name = name[:28] + f"_{len(used)}"
        used.add(name)
        ws = wb.create_sheet(title=name)
        ws["A1"] = TITLE
        ws["A1"].font = title_font
        ws["A2"] = (
            f"{s.homeroom.school.name}　{school_year_label(s.homeroom.school_year.year)}　{s.term.name}"
        )
        ws["A3"] = f"{s.homeroom.display_name}　{s.roll_number or ''}番　{s.student.full_name}"
        ws["A2"].font = ws["A3"].font = bold
        heads = ["教科", *VIEWPOINT_HEADS, *(["評定", "学級平均"] if s.has_rating else [])]
        for c, head in enumerate(heads, start=1):
            cell = ws.cell(row=5, column=c, value=head)
            cell.font, cell.fill, cell.border, cell.alignment = bold, head_fill, border, centre
        row = 6
        for r in sheet_rows(s):
            values = [
                r["name"],
                r["k"],
                r["t"],
                r["a"],
                *([r["rating"], r["average"]] if s.has_rating else []),
            ]
            for c, value in enumerate(values, start=1):
                cell = ws.cell(row=row, column=c, value=_number(value) if c >= 5 else value)
                cell.font = red if value == "C" else font
                cell.border, cell.alignment = border, centre
            row += 1
        row += 1
        ws.cell(row=row, column=1, value=f"出欠の記録 {_period(s)}").font = bold
        row += 1
        for c, (head, value) in enumerate(_attendance(s), start=1):
            top = ws.cell(row=row, column=c, value=head)
            top.font, top.fill, top.border, top.alignment = bold, head_fill, border, centre
            cell = ws.cell(row=row + 1, column=c, value=_number(value))
            cell.font, cell.border, cell.alignment = font, border, centre
        ws.row_dimensions[5].height = 32
        ws.row_dimensions[row].height = 32
        ws.column_dimensions["A"].width = 14
        for letter in "BCDEFG":
            ws.column_dimensions[letter].width = 14
        ws.page_setup.orientation = "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    if not wb.worksheets:
        wb.create_sheet(title=TITLE)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _number(value: str) -> Any:
    """Numbers stay numbers in Excel (sums, averages); dashes and empty cells stay text."""
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value
