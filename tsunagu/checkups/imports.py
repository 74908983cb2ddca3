"""CSV import of measurements (身長・体重・視力) from measuring equipment, for one school and this year.

Two phases. :func:`measurement_import_plan` reads and checks *every* row and returns a plan — what each
row would change, and each problem with its row, column and a Japanese message — without writing.
:func:`measurement_import_commit` recomputes the plan inside a transaction and writes all of it or, if
any row has a problem, nothing. A blank cell leaves the stored value as it is, so importing the same
file again changes nothing (idempotent). Encodings: UTF-8 with or without BOM and Shift_JIS (CP932).
The layout is documented in docs/imports/health-exam.md; keep the two in step.

A pupil is found by 学年 + 組 + 出席番号 at the school (this year's class), or by the pupil's ID (UUID)
when the column is filled; an optional 氏名 column is compared with the roster to catch shifted rows.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import re
import unicodedata
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tsunagu.checkups import services
from tsunagu.checkups.models import GeneralExamRecord
from tsunagu.checkups.services import number_fields, parse_number
from tsunagu.org.models import School, SchoolKind, SchoolYear
from tsunagu.students.imports import RegisterFileError, decode
from tsunagu.students.models import Enrolment
from tsunagu.students.selectors import enrolled_on, reference_day

#: Column name → model field of the measured values (the order of the template).
VALUE_COLUMNS = {
    "身長": "height_cm",
    "体重": "weight_kg",
    "視力右": "vision_right",
    "視力左": "vision_left",
    "矯正視力右": "vision_right_corrected",
    "矯正視力左": "vision_left_corrected",
}
KEY_COLUMNS = ("児童生徒ID", "学年", "組", "出席番号", "氏名", "測定日")
COLUMNS = (*KEY_COLUMNS, *VALUE_COLUMNS)
DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
GRADE = re.compile(r"^(?:小|中|P|J|小学|中学)?(\d)(?:年)?$")


class ImportFileError(Exception):
    """The file cannot be read at all (encoding, emptiness, header)."""


@dataclasses.dataclass(frozen=True)
class Problem:
    """A problem in the file: ``row`` as a spreadsheet numbers it (the header is 1), ``column`` its name."""

    row: int
    column: str
    message: str


@dataclasses.dataclass
class PlanRow:
    """One checked row: the pupil and the values it brings (None: leave as is)."""

    row: int
    enrolment: Enrolment
    values: dict[str, Decimal | None]
    exam_date: dt.date | None
    record: GeneralExamRecord | None = None
    changes: dict[str, tuple[Decimal | None, Decimal]] = dataclasses.field(default_factory=dict)

    @property
    def change_list(self) -> list[tuple[str, Decimal | None, Decimal]]:
        """(column name, old value, new value) of each change, in the layout's order."""
        return [
            (column, *self.changes[name]) for column, name in VALUE_COLUMNS.items() if name in self.changes
        ]


@dataclasses.dataclass
class ImportPlan:
    """The checked file."""

    encoding: str
    rows: list[PlanRow]
    problems: list[Problem]
    data_digest: str

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changing(self) -> list[PlanRow]:
        return [r for r in self.rows if r.changes]

    @property
    def digest(self) -> str:
        """A fingerprint of the file and of what the plan would change (the confirmation carries it)."""
        text = self.data_digest + "".join(f"|{r.row}:{sorted(r.changes)}" for r in self.rows)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def _parse_date(text: str) -> dt.date | None:
    match = DATE.match(_norm(text))
    if not match:
        raise ValueError
    return dt.date(*(int(part) for part in match.groups()))


def measurement_import_plan(
    *, actor: Any, school: School, school_year: SchoolYear, data: bytes
) -> ImportPlan:
    """Check every row of the file (see the module docstring); writes nothing."""
    try:
        text, encoding = decode(data)
    except RegisterFileError as exc:
        raise ImportFileError(str(exc)) from exc
    reader = csv.reader(io.StringIO(text))
    header = [_norm(h) for h in next(reader, [])]
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise ImportFileError(_("Unknown columns: %(names)s") % {"names": "、".join(unknown)})
    if not any(h in VALUE_COLUMNS for h in header):
        raise ImportFileError(_("The file has no column of measured values (身長, 体重, 視力右 …)."))
    if "児童生徒ID" not in header and not {"学年", "組", "出席番号"} <= set(header):
        raise ImportFileError(_("The file needs the columns 学年, 組 and 出席番号, or 児童生徒ID."))

    day = reference_day(school_year)
    enrolments = list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), school=school, school_year=school_year, homeroom__isnull=False)
        .select_related("student", "homeroom__grade_level", "grade_level")
    )
    by_place = {(e.grade_level.number, e.homeroom.name, e.roll_number): e for e in enrolments if e.homeroom}
    by_uuid = {str(e.student.uuid): e for e in enrolments}
    stage = "P" if school.kind == SchoolKind.ELEMENTARY else "J"
    existing = {
        g.exam.student_id: g
        for g in GeneralExamRecord.objects.visible_to(actor, "view")
        .filter(exam__school_year=school_year, exam__student__in=[e.student_id for e in enrolments])
        .select_related("exam")
    }
    specs = number_fields()
    rows: list[PlanRow] = []
    problems: list[Problem] = []
    seen: dict[int, int] = {}
    for number, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        cells = {name: (raw[i] if i < len(raw) else "") for i, name in enumerate(header) if name}
        found: list[Problem] = []

        def problem(column: str, message: str, found: list[Problem] = found, number: int = number) -> None:
            found.append(Problem(number, column, message))

        enrolment = None
        pupil_id = _norm(cells.get("児童生徒ID", ""))
        if pupil_id:
            try:
                enrolment = by_uuid.get(str(uuid.UUID(pupil_id)))
            except ValueError:
                problem("児童生徒ID", _("Not a pupil ID."))
            else:
                if enrolment is None:
                    problem("児童生徒ID", _("No pupil of this school has this ID."))
        else:
            grade_match = GRADE.match(_norm(cells.get("学年", "")))
            room = _norm(cells.get("組", ""))
            room = f"{room}組" if room.isdigit() else room
            roll = _norm(cells.get("出席番号", ""))
            if not grade_match:
                problem("学年", _("Write the grade as a number (e.g. 4)."))
            if not room:
                problem("組", _("Required."))
            if not roll.isdigit():
                problem("出席番号", _("Write the roll number as a number."))
            if grade_match and room and roll.isdigit():
                enrolment = by_place.get((int(grade_match.group(1)), room, int(roll)))
                if enrolment is None:
                    problem(
                        "出席番号",
                        _("No pupil %(grade)s年%(room)s %(roll)s番 at this school this year.")
                        % {"grade": grade_match.group(1), "room": room, "roll": roll},
                    )
        if enrolment is not None and enrolment.grade_level.stage != stage:
            enrolment = None
        name = _norm(cells.get("氏名", "")).replace(" ", "")
        if enrolment is not None and name:
            student = enrolment.student
            if name not in {
                _norm(student.full_name).replace(" ", ""),
                _norm(student.full_name_kana).replace(" ", ""),
            }:
                problem(
                    "氏名", _("The name does not match the roster (%(name)s).") % {"name": student.full_name}
                )
        if enrolment is not None:
            if enrolment.student_id in seen:
                problem(
                    "出席番号" if not pupil_id else "児童生徒ID",
                    _("The same pupil as row %(row)d.") % {"row": seen[enrolment.student_id]},
                )
            seen.setdefault(enrolment.student_id, number)
        exam_date = None
        if _norm(cells.get("測定日", "")):
            try:
                exam_date = _parse_date(cells["測定日"])
            except ValueError:
                problem("測定日", _("Write the date as 2026-04-15."))
            else:
                if exam_date and not (school_year.start_date <= exam_date <= school_year.end_date):
                    problem("測定日", _("The date is not in this school year."))
        values: dict[str, Decimal | None] = {}
        for column, field_name in VALUE_COLUMNS.items():
            if column not in cells:
                continue
            try:
                values[field_name] = parse_number(cells[column], specs[field_name])
            except ValidationError as exc:
                problem(column, " ".join(exc.messages))
        problems += found
        if found or enrolment is None:
            continue
        record = existing.get(enrolment.student_id)
        plan_row = PlanRow(row=number, enrolment=enrolment, values=values, exam_date=exam_date, record=record)
        for field_name, value in values.items():
            old = getattr(record, field_name) if record else None
            if value is not None and value != old:
                plan_row.changes[field_name] = (old, value)
        rows.append(plan_row)
    if not rows and not problems:
        raise ImportFileError(_("The file has no rows."))
    return ImportPlan(
        encoding=encoding, rows=rows, problems=problems, data_digest=hashlib.sha256(data).hexdigest()
    )


class StaleImport(Exception):
    """The data changed between the check and the confirmation: check the file again."""


def measurement_import_commit(
    *, actor: Any, school: School, school_year: SchoolYear, data: bytes, expected_digest: str = ""
) -> ImportPlan:
    """Check the file again and write every change, or nothing when any row has a problem."""
    with transaction.atomic():
        plan = measurement_import_plan(actor=actor, school=school, school_year=school_year, data=data)
        if not plan.ok:
            return plan
        if expected_digest and expected_digest != plan.digest:
            raise StaleImport
        for row in plan.changing:
            homeroom = row.enrolment.homeroom
            assert homeroom is not None
            values = {name: new for name, (_old, new) in row.changes.items()}
            services.measurements_write(
                actor=actor,
                homeroom=homeroom,
                enrolment=row.enrolment,
                values=values,
                exam_date=row.exam_date,
            )
    return plan


def template_csv() -> str:
    """The header line of the layout, for a blank template."""
    return ",".join(COLUMNS) + "\r\n"
