"""Exports of grades: the grid as CSV (also the import template) and the 成績一覧 as an Excel workbook."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from tsunagu.grades.models import VIEWPOINT_SHORT
from tsunagu.grades.selectors import VIEWPOINTS, ClassList, Grid


def grid_csv(grid: Grid) -> str:
    """The grid as CSV: 組, 出席番号, 氏名, one column per part (the headers the import reads)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["組", "出席番号", "氏名", *[c.label for c in grid.columns]])
    for row in grid.rows:
        writer.writerow(
            [row.homeroom_name, row.roll_number or "", row.student.full_name, *[c.text for c in row.cells]]
        )
    return out.getvalue()


def class_list_xlsx(data: ClassList) -> bytes:
    """成績一覧 as .xlsx: one row per pupil, 観点 (知・思・主) and 評定 per subject, then the average and
    distribution of 評定 per subject; Japanese font, borders and a frozen header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "成績一覧"
    font = Font(name="BIZ UDゴシック", size=10)
    bold = Font(name="BIZ UDゴシック", size=10, bold=True)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="E8EEF7")
    centre = Alignment(horizontal="center", vertical="center")
    title = f"{data.homeroom.display_name} {data.term.name} 成績一覧"
    ws.cell(row=1, column=1, value=title).font = Font(name="BIZ UDゴシック", size=12, bold=True)
    ws.cell(row=2, column=1, value="番").font = bold
    ws.cell(row=2, column=2, value="氏名").font = bold
    col = 3
    for plan in data.plans:
        ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + 3)
        ws.cell(row=2, column=col, value=plan.subject.name)
        for i, v in enumerate(VIEWPOINTS):
            ws.cell(row=3, column=col + i, value=VIEWPOINT_SHORT[v])
        ws.cell(row=3, column=col + 3, value="評定")
        col += 4
    for r, row in enumerate(data.rows, start=4):
        ws.cell(row=r, column=1, value=row.roll_number)
        ws.cell(row=r, column=2, value=row.student.full_name)
        col = 3
        for result in row.by_subject:
            for i, v in enumerate(VIEWPOINTS):
                ws.cell(row=r, column=col + i, value=(result.grades[v] if result else None) or "")
            ws.cell(row=r, column=col + 3, value=result.rating if result and result.rating else None)
            col += 4
    last = 3 + len(data.rows)
    ws.cell(row=last + 1, column=2, value="評定平均")
    ws.cell(row=last + 2, column=2, value="評定分布")
    col = 3
    for avg, dist in zip(data.averages, data.distributions, strict=True):
        ws.cell(row=last + 1, column=col + 3, value=float(avg) if avg is not None else None)
        ws.cell(
            row=last + 2, column=col + 3, value=" ".join(f"{k}:{dist[k]}" for k in sorted(dist, reverse=True))
        )
        col += 4
    max_col = 2 + 4 * len(data.plans)
    for r in range(2, last + 3):
        for c in range(1, max_col + 1):
            cell = ws.cell(row=r, column=c)
            cell.font = bold if r <= 3 else font
            cell.border = border
            if c != 2:
                cell.alignment = centre
            if r <= 3:
                cell.fill = head_fill
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 16
    ws.freeze_panes = "C4"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
