"""Roster files: Excel (.xlsx), CSV and a printable A4 名簿 (PDF), from a :class:`RosterExport`.

The three formats carry the same table as the roster page — same pupils, filters and order, dates in
the page's short 和暦 (R8.4.1) — so that what a teacher prints matches what they saw. Rosters are
personal data: the views log every export (:func:`tsunagu.core.audit.log_access`, action ``export``).

- Excel: a Japanese header row, frozen; column widths set; 出席番号 as numbers.
- CSV: UTF-8 with a BOM (Excel opens it as Japanese), or Shift_JIS (CP932) for older tools; a
  character that CP932 cannot hold (e.g. some 異体字) is written as ``?`` in that option only.
- PDF: Typst (``students/typst/roster.typ``); a class per page, the header row repeated on each page.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.utils.translation import gettext as _

from tsunagu.core.pdf import render_pdf
from tsunagu.core.templatetags.tsunagu import wareki as wareki_filter
from tsunagu.core.wareki import school_year_label, school_year_of, wareki
from tsunagu.students.selectors import RosterExport

FORMATS = ("xlsx", "csv", "pdf")
#: Column widths in Excel's units (about one half-width character), by column key.
_XLSX_WIDTHS = {
    "class": 12,
    "roll": 6,
    "name": 16,
    "kana": 20,
    "sex": 5,
    "birth": 11,
    "guardian": 16,
    "phone": 15,
    "address": 40,
    "care": 6,
}
#: Relative column widths of the PDF (the address column is never printed: the 名簿 is posted).
_PDF_WIDTHS = {
    "roll": 0.55,
    "name": 1.6,
    "kana": 1.9,
    "sex": 0.5,
    "birth": 1.0,
    "guardian": 1.5,
    "phone": 1.4,
    "care": 0.6,
}


def columns(export: RosterExport, *, with_class: bool, with_address: bool) -> list[tuple[str, str]]:
    """(key, Japanese header) of the columns the actor may have, in the page's order."""
    cols = [("class", _("Class"))] if with_class else []
    cols += [
        ("roll", _("No.")),
        ("name", _("Name")),
        ("kana", _("Reading")),
        ("sex", _("Sex")),
        ("birth", _("Date of birth")),
    ]
    if export.show_contacts:
        cols += [("guardian", _("Guardian")), ("phone", _("Contact"))]
    if with_address and export.show_address:
        cols.append(("address", _("Address")))
    cols.append(("care", _("Care")))
    return cols


def _cells(export: RosterExport, keys: list[str]) -> list[list[Any]]:
    care = _("Care")
    exchange = _("exchange")
    out = []
    for label, row in export.rows:
        values = {
            "class": f"{label}（{exchange}）" if row.is_exchange else label,
            "roll": row.roll_number,
            "name": row.name,
            "kana": row.kana,
            "sex": row.sex,
            "birth": wareki_filter(row.birth_date, "short"),
            "guardian": row.contact_name,
            "phone": row.contact_phone,
            "address": export.addresses.get(row.student_id, ""),
            "care": care if row.needs_care else "",
        }
        out.append([values[k] for k in keys])
    return out


def roster_xlsx(export: RosterExport) -> bytes:
    """The roster as an Excel workbook: one sheet, frozen Japanese header, numeric 出席番号."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    cols = columns(export, with_class=True, with_address=True)
    book = Workbook()
    sheet = book.active
    sheet.title = export.title[:31]
    sheet.append([header for _k, header in cols])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E6E6E6")
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    for values in _cells(export, [k for k, _h in cols]):
        sheet.append(values)
    for index, (key, _header) in enumerate(cols, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _XLSX_WIDTHS[key]
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.print_title_rows = "1:1"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def roster_csv(export: RosterExport, *, shift_jis: bool = False) -> bytes:
    """The roster as CSV (CRLF lines): UTF-8 with a BOM, or Shift_JIS (CP932) when asked."""
    cols = columns(export, with_class=True, with_address=True)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([header for _k, header in cols])
    for values in _cells(export, [k for k, _h in cols]):
        writer.writerow(["" if v is None else v for v in values])
    if shift_jis:
        return text.getvalue().encode("cp932", errors="replace")
    return text.getvalue().encode("utf-8-sig")


def roster_pdf(export: RosterExport, *, printed_by: str, today: dt.date) -> bytes:
    """The printable A4 名簿: a class per page, the header row repeated when a class runs over."""
    cols = columns(export, with_class=False, with_address=False)
    keys = [k for k, _h in cols]
    groups: list[dict[str, Any]] = []
    by_label: dict[str, dict[str, Any]] = {}
    for (label, row), values in zip(export.rows, _cells(export, keys), strict=True):
        group = by_label.get(label)
        if group is None:
            group = by_label[label] = {"label": label, "rows": []}
            groups.append(group)
        if row.is_exchange:
            values[0] = _("exchange")
        group["rows"].append(["" if v is None else str(v) for v in values])
    for group in groups:
        group["count"] = _("%(n)s pupils") % {"n": len(group["rows"])}
    data = {
        "title": _("Roster: %(name)s") % {"name": export.title},
        "subtitle": f"{export.school.name}　{school_year_label(school_year_of(today))}",
        "columns": [header for _k, header in cols],
        "widths": [_PDF_WIDTHS[k] for k in keys],
        "groups": groups,
        "empty": _("No pupils match these filters."),
        "footer": _("Printed on %(day)s by %(user)s") % {"day": wareki(today), "user": printed_by},
    }
    return render_pdf("students/typst/roster.typ", data)


def short_school_name(name: str) -> str:
    """さくら小学校 → さくら小, みどり中学校 → みどり中 (the names schools use on their own files)."""
    for long, short in (("義務教育学校", "学園"), ("小学校", "小"), ("中学校", "中")):
        if name.endswith(long):
            return name[: -len(long)] + short
    return name


def roster_filename(export: RosterExport, extension: str, today: dt.date) -> str:
    """さくら小_4年1組_名簿_20261201.xlsx (the school alone for the whole school)."""
    school = short_school_name(export.school.name)
    parts = [school] if export.title == export.school.name else [school, export.title]
    return "_".join([*parts, "名簿", today.strftime("%Y%m%d")]) + f".{extension}"
