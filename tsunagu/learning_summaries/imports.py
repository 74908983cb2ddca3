"""Import of test results (定期テスト・単元テスト・学力経年調査) from CSV or Excel: two phases, all or
nothing.

:func:`test_results_plan` reads and checks *every* row and returns a plan — what each row would write
and every problem with its row, column and a Japanese message — without writing. :func:`test_results_commit`
recomputes the plan inside one transaction and writes all of it or, when any row has a problem,
nothing. A row whose result is already stored with the same values changes nothing, so importing the
same file twice changes nothing (idempotent). The layout is in docs/imports/test-results.md; keep the
two in step.

One row per pupil × subject. A pupil is found by 児童生徒ID (UUID) or by 学年 + 組 + 出席番号 at the
school in the school year of the test date; an optional 氏名 is compared with the roster to catch
shifted rows. A grade head may import rows of their own grade only (``import_test_results`` on the
pupil's class). CSV in UTF-8 (BOM or not) or Shift_JIS; Excel ``.xlsx`` (first sheet).
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
import zipfile
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.learning_summaries.models import Test, TestImport, TestKind, TestResult
from tsunagu.learning_summaries.subjects import subject_code
from tsunagu.org.models import Homeroom, School, SchoolYear, Subject
from tsunagu.students.imports import RegisterFileError, decode
from tsunagu.students.models import Enrolment

KIND_NAMES = {
    "定期テスト": TestKind.PERIODIC,
    "定期考査": TestKind.PERIODIC,
    "単元テスト": TestKind.UNIT,
    "学力経年調査": TestKind.LONGITUDINAL,
    "経年調査": TestKind.LONGITUDINAL,
}
VIEWPOINT_COLUMNS = {
    "知識・技能": "knowledge",
    "思考・判断・表現": "thinking",
    "主体的に学習に取り組む態度": "attitude",
}
REQUIRED = ("種別", "テスト名", "実施日", "教科", "得点", "満点")
KEY_COLUMNS = ("児童生徒ID", "学年", "組", "出席番号", "氏名")
COLUMNS = (*REQUIRED[:3], *KEY_COLUMNS, *REQUIRED[3:])
QUESTION = re.compile(r"^問(\d{1,3})$")
DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
GRADE = re.compile(r"^(?:小|中|P|J|小学|中学)?(\d)(?:年|年生)?$")
MAX_ROWS = 20000


class ImportFileError(Exception):
    """The file cannot be read at all (encoding, format, emptiness, header)."""


@dataclasses.dataclass(frozen=True)
class Problem:
    """A problem of the file: ``row`` as a spreadsheet numbers it (the header is 1), ``column`` its name."""

    row: int
    column: str
    message: str


@dataclasses.dataclass
class PlanRow:
    """What one row would write: the pupil, the test, the subject and the result; ``status`` is
    ``new``, ``changed`` or ``same``."""

    row: int
    enrolment: Enrolment
    kind: str
    name: str
    taken_on: dt.date
    subject: Subject
    score: Decimal
    max_score: Decimal
    detail: dict[str, Any]
    status: str = "new"

    @property
    def kind_label(self) -> str:
        return str(TestKind(self.kind).label)


@dataclasses.dataclass
class ImportPlan:
    """The whole file checked: rows, problems, and how the file was read."""

    rows: list[PlanRow] = dataclasses.field(default_factory=list)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    encoding: str = ""
    digest: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changing(self) -> list[PlanRow]:
        return [r for r in self.rows if r.status != "same"]


def _norm(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()


def _excel_cell(value: Any) -> str:
    """An Excel cell as the text a CSV would hold: dates as ISO dates, whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(data: bytes, file_name: str = "") -> tuple[list[list[str]], str]:
    """The file's rows as lists of text and the format's name; ImportFileError when it cannot be read."""
    if data.startswith(b"PK\x03\x04") or file_name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise ImportFileError(
                _("The Excel file could not be read. Save it as .xlsx and try again.")
            ) from exc
        sheet = book.worksheets[0]
        rows = [[_excel_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows, "Excel (.xlsx)"
    try:
        text, encoding = decode(data)
    except RegisterFileError as exc:
        raise ImportFileError(str(exc)) from exc
    return list(csv.reader(io.StringIO(text))), f"CSV {encoding}"


def _date(text: str) -> dt.date | None:
    match = DATE.match(_norm(text))
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(_norm(text).replace(",", ""))
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value >= Decimal("100000"):
        return None
    return value.quantize(Decimal("0.01"))


def _room_key(text: str) -> str:
    """``4年1組``, ``1組``, ``1`` → ``1``; ``ひまわり学級`` stays."""
    raw = _norm(text)
    if "年" in raw:
        raw = raw.split("年", 1)[1]
    return raw.removesuffix("組").strip()


def _display_name(enrolment: Enrolment) -> str:
    return _norm(enrolment.student.family_name + enrolment.student.given_name).replace(" ", "")


class _Roster:
    """The enrolments of the school the actor may import rows for, found by ID or by grade, class and
    number on the test day (two queries, whatever the number of rows)."""

    def __init__(self, *, actor: Any, school: School) -> None:
        rooms = Homeroom.objects.filter(school=school).visible_to(actor, "import_test_results")
        self.enrolments = list(
            Enrolment.objects.filter(school=school, homeroom__in=rooms)
            .visible_to(actor, "view")
            .select_related("student", "homeroom", "grade_level", "school_year")
        )
        self.years = list(SchoolYear.objects.order_by("start_date"))
        self.allowed_grades = {e.grade_level.number for e in self.enrolments}

    def year_of(self, day: dt.date) -> SchoolYear | None:
        return next((y for y in self.years if y.start_date <= day <= y.end_date), None)

    def _on(self, e: Enrolment, day: dt.date) -> bool:
        return e.start_date <= day and (e.end_date is None or e.end_date >= day)

    def by_id(self, pupil: uuid.UUID, day: dt.date) -> Enrolment | None:
        return next((e for e in self.enrolments if e.student.uuid == pupil and self._on(e, day)), None)

    def by_place(self, grade: int, room: str, number: int, day: dt.date) -> Enrolment | None:
        return next(
            (
                e
                for e in self.enrolments
                if self._on(e, day)
                and e.grade_level.number == grade
                and e.homeroom is not None
                and _room_key(e.homeroom.name) == room
                and e.roll_number == number
            ),
            None,
        )


def test_results_plan(*, actor: Any, school: School, data: bytes, file_name: str = "") -> ImportPlan:
    """Check every row of the file (module docstring) and say what it would write; writes nothing."""
    rows, encoding = read_table(data, file_name)
    rows = [r for r in rows if any(_norm(c) for c in r)]
    if not rows:
        raise ImportFileError(_("The file is empty."))
    if len(rows) > MAX_ROWS + 1:
        raise ImportFileError(
            _("The file has more than %(n)d rows. Split it and import each part.") % {"n": MAX_ROWS}
        )
    header = [_norm(c) for c in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(
            _("The first line must name the columns. Missing: %(columns)s.") % {"columns": "、".join(missing)}
        )
    if "児童生徒ID" not in header and not {"学年", "組", "出席番号"} <= set(header):
        raise ImportFileError(
            _("A pupil is found by 児童生徒ID or by 学年, 組 and 出席番号: add those columns.")
        )
    col = {name: i for i, name in enumerate(header) if name}
    questions = {name: i for name, i in col.items() if QUESTION.match(name)}
    viewpoints = {name: i for name, i in col.items() if name in VIEWPOINT_COLUMNS}
    plan = ImportPlan(encoding=encoding, digest=hashlib.sha256(data).hexdigest())
    roster = _Roster(actor=actor, school=school)
    subjects = {s.code: s for s in Subject.objects.all()}
    stage = "J" if school.kind == "J" else "P"
    seen: dict[tuple[str, str, dt.date, int, int], int] = {}

    for number, raw in enumerate(rows[1:], start=2):

        def cell(name: str, raw: list[str] = raw) -> str:
            index = col.get(name)
            return _norm(raw[index]) if index is not None and index < len(raw) else ""

        problems: list[Problem] = []

        def problem(
            column: str, message: str, number: int = number, problems: list[Problem] = problems
        ) -> None:
            problems.append(Problem(number, column, message))

        kind = KIND_NAMES.get(cell("種別"))
        if kind is None:
            problem("種別", _("Write 定期テスト, 単元テスト or 学力経年調査."))
        name = cell("テスト名")
        if not name:
            problem("テスト名", _("The test's name is missing."))
        elif len(name) > 100:
            problem("テスト名", _("The test's name is longer than 100 characters."))
        day = _date(cell("実施日"))
        if day is None:
            problem("実施日", _("Write the date as 2026-07-10 or 2026/7/10."))
        elif day > timezone.localdate():
            problem("実施日", _("The date is in the future."))
        elif roster.year_of(day) is None:
            problem("実施日", _("No school year holds this date."))
        code = subject_code(cell("教科"), stage) if cell("教科") else None
        subject = subjects.get(code or "")
        if subject is None:
            problem("教科", _("Unknown subject: write its name (国語, 算数 …) or its code."))
        elif subject.stage != stage:
            problem("教科", _("This subject is not taught at this school's stage."))
        score, top = _number(cell("得点")), _number(cell("満点"))
        if score is None:
            problem("得点", _("Write the score as a number (0 or more)."))
        if top is None or top == 0:
            problem("満点", _("Write the maximum score as a number above 0."))
        if score is not None and top is not None and top > 0 and score > top:
            problem("得点", _("The score is above the maximum score."))
        detail: dict[str, Any] = {}
        for column, index in sorted(questions.items(), key=lambda item: int(item[0][1:])):
            text = _norm(raw[index]) if index < len(raw) else ""
            if not text:
                continue
            value = _number(text)
            if value is None:
                problem(column, _("Write the points as a number (0 or more), or leave the cell empty."))
            else:
                detail.setdefault("questions", {})[column[1:]] = float(value)
        for column, index in viewpoints.items():
            text = _norm(raw[index]) if index < len(raw) else ""
            if not text:
                continue
            value = _number(text)
            if value is None:
                problem(column, _("Write the points as a number (0 or more), or leave the cell empty."))
            else:
                detail.setdefault("viewpoints", {})[VIEWPOINT_COLUMNS[column]] = float(value)
        enrolment = None
        if day is not None:
            enrolment = _find_pupil(roster, cell, day, problem)
        if (
            enrolment is not None
            and cell("氏名")
            and cell("氏名").replace(" ", "") != _display_name(enrolment)
        ):
            problem(
                "氏名",
                _("The name differs from the roster (%(name)s): is the row shifted?")
                % {"name": enrolment.student.full_name},
            )
        if enrolment is not None and kind and name and day and subject is not None:
            key = (kind, name, day, enrolment.student_id, subject.pk)
            if key in seen:
                problem(
                    "教科",
                    _("Row %(row)d already holds this pupil's result in this test.") % {"row": seen[key]},
                )
            seen.setdefault(key, number)
        if problems:
            plan.problems += problems
            continue
        assert enrolment is not None and subject is not None and kind is not None and day is not None
        assert score is not None and top is not None
        plan.rows.append(
            PlanRow(
                row=number,
                enrolment=enrolment,
                kind=kind,
                name=name,
                taken_on=day,
                subject=subject,
                score=score,
                max_score=top,
                detail=detail,
            )
        )
    _mark_status(actor=actor, school=school, plan=plan)
    return plan


def _find_pupil(roster: _Roster, cell: Any, day: dt.date, problem: Any) -> Enrolment | None:
    """The enrolment a row names (by ID, else by 学年・組・出席番号), or a problem."""
    if cell("児童生徒ID"):
        try:
            pupil = uuid.UUID(cell("児童生徒ID"))
        except ValueError:
            problem("児童生徒ID", _("Not a pupil ID (UUID)."))
            return None
        found = roster.by_id(pupil, day)
        if found is None:
            problem(
                "児童生徒ID",
                _("No pupil with this ID at the school on the test date, or not one you may import for."),
            )
        return found
    grade_match = GRADE.match(cell("学年"))
    if grade_match is None:
        problem("学年", _("Write the grade as a number (4, 4年 or 小4)."))
        return None
    room = _room_key(cell("組"))
    if not room:
        problem("組", _("The class is missing."))
        return None
    try:
        number = int(cell("出席番号"))
    except ValueError:
        problem("出席番号", _("Write the roll number as a whole number."))
        return None
    grade = int(grade_match.group(1))
    found = roster.by_place(grade, room, number, day)
    if found is None:
        if grade not in roster.allowed_grades:
            problem("学年", _("You may not import results of this grade, or the school has no such grade."))
        else:
            problem("出席番号", _("No pupil with this grade, class and number on the test date."))
    return found


def _existing(school: School, plan: ImportPlan) -> dict[tuple[str, str, dt.date, int, int], TestResult]:
    """Stored results the plan's rows would meet, keyed like the rows (one query)."""
    if not plan.rows:
        return {}
    from tsunagu.core.scope import system_scope

    names = {r.name for r in plan.rows}
    days = {r.taken_on for r in plan.rows}
    students = {r.enrolment.student_id for r in plan.rows}
    # The rows the actor is about to overwrite are of pupils whose results it imports: read them to
    # compare, whatever the actor's view rules (an office clerk imports but does not read results).
    with system_scope(reason="test-result import: compare the file with stored results"):
        found = TestResult.objects.filter(
            test__school=school, test__name__in=names, test__taken_on__in=days, student_id__in=students
        ).select_related("test")
        return {(r.test.kind, r.test.name, r.test.taken_on, r.student_id, r.subject_id): r for r in found}


def _mark_status(*, actor: Any, school: School, plan: ImportPlan) -> None:
    existing = _existing(school, plan)
    for row in plan.rows:
        stored = existing.get((row.kind, row.name, row.taken_on, row.enrolment.student_id, row.subject.pk))
        if stored is None:
            row.status = "new"
        elif (
            stored.score == row.score
            and stored.max_score == row.max_score
            and stored.detail == row.detail
            and stored.homeroom_id == row.enrolment.homeroom_id
        ):
            row.status = "same"
        else:
            row.status = "changed"


def test_results_commit(
    *, actor: Any, school: School, data: bytes, file_name: str = ""
) -> tuple[ImportPlan, TestImport | None]:
    """Check the file again and, when every row is correct, write every new or changed result in one
    transaction (nothing otherwise); returns the plan and the import's record (None when nothing
    changed or the file has problems)."""
    with transaction.atomic():
        plan = test_results_plan(actor=actor, school=school, data=data, file_name=file_name)
        if not plan.ok or not plan.changing:
            return plan, None
        record = TestImport.objects.create(
            school=school,
            file_name=file_name[:200],
            digest=plan.digest,
            rows=len(plan.rows),
            changed=len(plan.changing),
            imported_by=actor if getattr(actor, "pk", None) else None,
        )
        tests: dict[tuple[int, str, str, dt.date], Test] = {}
        for row in plan.changing:
            key = (row.enrolment.grade_level_id, row.kind, row.name, row.taken_on)
            if key not in tests:
                year = next(
                    y
                    for y in SchoolYear.objects.filter(
                        start_date__lte=row.taken_on, end_date__gte=row.taken_on
                    )
                )
                tests[key], _created = Test.objects.get_or_create(
                    school=school,
                    grade_level_id=key[0],
                    kind=row.kind,
                    name=row.name,
                    taken_on=row.taken_on,
                    defaults={"school_year": year},
                )
        from tsunagu.core.scope import system_scope

        with system_scope(reason="test-result import: write the checked rows"):
            for row in plan.changing:
                test = tests[(row.enrolment.grade_level_id, row.kind, row.name, row.taken_on)]
                TestResult.objects.update_or_create(
                    test=test,
                    student_id=row.enrolment.student_id,
                    subject=row.subject,
                    defaults={
                        "homeroom_id": row.enrolment.homeroom_id,
                        "score": row.score,
                        "max_score": row.max_score,
                        "detail": row.detail,
                        "source": record,
                    },
                )
        from tsunagu.core.audit import audit_event

        audit_event(
            kind="test_results_imported",
            actor=actor,
            detail={"school": str(school.uuid), "import": str(record.uuid), "changed": record.changed},
        )
    return plan, record
