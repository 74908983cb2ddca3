"""CSV import of a teaching group's scores: two phases, all or nothing.

The file has one row per pupil: ``組`` and ``出席番号`` (or ``ID``, the pupil's UUID), optionally ``氏名``
(ignored), then one column per assessment part headed as the grid's CSV export heads it
(``単元テスト1（知）``). Cells are points, ``欠`` or empty (empty leaves the stored value alone). Phase one
checks every row and cell and reports row, column and message in Japanese without writing; phase two
writes every row in one transaction, or nothing. Importing the same file twice changes nothing.
UTF-8 (with or without BOM) and Shift_JIS are read.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tsunagu.grades import selectors, services
from tsunagu.grades.models import EvaluationPlan
from tsunagu.org.models import TeachingGroup, Term
from tsunagu.students.imports import RegisterFileError, decode

CLASS_HEADERS = {"組", "学級", "クラス"}
ROLL_HEADERS = {"出席番号", "番号", "番"}
ID_HEADERS = {"ID", "id", "児童生徒ID", "UUID"}
NAME_HEADERS = {"氏名", "名前", "ふりがな"}


@dataclass
class Problem:
    """One problem of the file: row (1 = header), column name and message."""

    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What the file would do (or did): pupils and cells to change, and every problem."""

    problems: list[Problem] = field(default_factory=list)
    pupils: int = 0
    cells: int = 0
    changed: int = 0
    conflicts: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def _homeroom_key(text: str) -> str:
    """``2年1組``, ``1組``, ``1`` → ``1`` (the class within the grade)."""
    raw = _norm(text)
    if "年" in raw:
        raw = raw.split("年", 1)[1]
    return raw.removesuffix("組").strip()


def score_import(
    *, actor: Any, group: TeachingGroup, term: Term, plan: EvaluationPlan, data: bytes, commit: bool
) -> ImportReport:
    """Check (and with ``commit`` write) a CSV of scores for ``group`` in ``plan``."""
    report = ImportReport()
    try:
        text, _encoding = decode(data)
    except RegisterFileError as exc:
        report.problems.append(Problem(0, "", str(exc)))
        return report
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        report.problems.append(Problem(0, "", _("The file is empty.")))
        return report
    header = [_norm(h) for h in rows[0]]
    grid = selectors.grid_get(actor=actor, group=group, term=term, plan=plan)
    by_label = {_norm(c.label): c for c in grid.columns}
    class_at = next((i for i, h in enumerate(header) if h in CLASS_HEADERS), None)
    roll_at = next((i for i, h in enumerate(header) if h in ROLL_HEADERS), None)
    id_at = next((i for i, h in enumerate(header) if h in ID_HEADERS), None)
    columns: list[tuple[int, Any]] = []
    for i, h in enumerate(header):
        if i in (class_at, roll_at, id_at) or h in NAME_HEADERS or not h:
            continue
        column = by_label.get(h)
        if column is None:
            report.problems.append(
                Problem(1, rows[0][i], _("No assessment of this plan is headed “%(h)s”.") % {"h": rows[0][i]})
            )
            continue
        columns.append((i, column))
    if id_at is None and roll_at is None:
        report.problems.append(Problem(1, "", _("The file needs a column 出席番号 (with 組) or ID.")))
    if report.problems:
        return report
    by_uuid = {str(r.student.uuid): r for r in grid.rows}
    by_roll = {(_homeroom_key(r.homeroom_name), r.roll_number): r for r in grid.rows}
    single_class = len({_homeroom_key(r.homeroom_name) for r in grid.rows}) == 1
    planned: list[tuple[Any, list[services.CellInput]]] = []
    seen: dict[int, int] = {}
    for line, cells in enumerate(rows[1:], start=2):
        if not any(_norm(c) for c in cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        row = None
        if id_at is not None and _norm(cells[id_at]):
            row = by_uuid.get(_norm(cells[id_at]).lower())
            if row is None:
                report.problems.append(
                    Problem(line, rows[0][id_at], _("No pupil of this group has this ID."))
                )
                continue
        else:
            roll = _norm(cells[roll_at]) if roll_at is not None else ""
            klass = _homeroom_key(cells[class_at]) if class_at is not None else ""
            if not roll.isdigit():
                report.problems.append(
                    Problem(line, rows[0][roll_at] if roll_at is not None else "", _("Give the roll number."))
                )
                continue
            if not klass:
                if not single_class:
                    report.problems.append(
                        Problem(line, "組", _("This group has several classes: give the class (組)."))
                    )
                    continue
                klass = _homeroom_key(grid.rows[0].homeroom_name) if grid.rows else ""
            row = by_roll.get((klass, int(roll)))
            if row is None:
                report.problems.append(
                    Problem(
                        line,
                        "出席番号",
                        _("No pupil of this group is %(c)s組 %(n)s番.") % {"c": klass, "n": roll},
                    )
                )
                continue
        if row.student.pk in seen:
            report.problems.append(
                Problem(
                    line, "", _("The same pupil is already in row %(row)s.") % {"row": seen[row.student.pk]}
                )
            )
            continue
        seen[row.student.pk] = line
        inputs = []
        for i, column in columns:
            value = cells[i] if i < len(cells) else ""
            if not _norm(value):
                continue
            try:
                services.parse_cell(value, column.part.max_points)
            except ValidationError as exc:
                report.problems.append(Problem(line, rows[0][i], " ".join(exc.messages)))
                continue
            inputs.append(services.CellInput(part=column.part, text=value, version=0))
        report.cells += len(inputs)
        planned.append((row.student, inputs))
    report.pupils = len(planned)
    if report.problems or not commit:
        return report
    with transaction.atomic():
        for student, inputs in planned:
            if inputs:
                result = services.score_row_save(
                    actor=actor, plan=plan, student=student, cells=inputs, source="csv", check_versions=False
                )
                report.changed += result.changed
                report.conflicts += len(result.conflicts)
        if report.conflicts:
            transaction.set_rollback(True)
            report.problems.append(
                Problem(
                    0,
                    "",
                    _("Scores changed while the file was being written; nothing was imported. Try again."),
                )
            )
            report.changed = 0
    return report
