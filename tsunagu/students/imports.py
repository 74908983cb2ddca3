"""学齢簿 (school-age register) import: 入学 of new pupils in bulk from the ward's CSV file.

Two phases. :func:`register_import_plan` reads and checks *every* row and returns a plan — what would
be written, and each problem with its row, column and a Japanese message — without writing anything.
:func:`register_import_commit` recomputes the plan inside a transaction and writes all of it or, if
any row has a problem, nothing. Importing the same file again finds every pupil already there and
writes nothing (idempotent). The columns are documented in docs/imports/gakureibo.md; keep the two
in step.

Encodings: UTF-8 with or without BOM, and Shift_JIS (read as CP932, the Windows superset Excel
writes). Anything else is refused with a message saying so.

A pupil is identified by name, reading and date of birth (the 学齢簿 has no ID we store). A row that
matches a pupil already in the ward — a 6th-grader entering the ward's junior high — adds the 入学 to
that pupil's history instead of creating a second record; a match who is still enrolled somewhere
overlapping the entry date is refused as a duplicate.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import hashlib
import io
import re
import unicodedata
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tsunagu.core.scope import system_scope
from tsunagu.core.wareki import school_year_of
from tsunagu.org.models import MEXT_SCHOOL_CODE, GradeLevel, Homeroom, School
from tsunagu.students.models import Enrolment, EnrolmentEvent, EventKind, Relationship, Sex, Student
from tsunagu.students.services import GuardianData, PupilData, normalize_kana, school_year_for, student_create


@dataclasses.dataclass(frozen=True)
class Column:
    """One column of the 学齢簿 CSV."""

    name: str
    required: bool
    description: str


#: The columns, in the order of the template. docs/imports/gakureibo.md describes the same list.
COLUMNS: tuple[Column, ...] = (
    Column("学校コード", True, "入学する学校の学校コード（13桁）"),
    Column("入学年月日", True, "教育委員会が通知した入学の日"),
    Column("学年", True, "P1（小学1年）または J1（中学1年）。「小1」「中1」も可"),
    Column("学級", False, "例: 1組。空欄なら学級は後で決める"),
    Column("出席番号", False, "学級を指定したときのみ"),
    Column("氏", True, ""),
    Column("名", True, ""),
    Column("氏ふりがな", True, "ひらがな（カタカナ・半角カナも可）"),
    Column("名ふりがな", True, ""),
    Column("性別", True, "男 / 女（M / F、1 / 2 も可）"),
    Column("生年月日", True, ""),
    Column("郵便番号", False, "123-4567"),
    Column("住所", False, ""),
    Column("保護者氏", False, "保護者の4項目は、書くなら全部"),
    Column("保護者名", False, ""),
    Column("保護者氏ふりがな", False, ""),
    Column("保護者名ふりがな", False, ""),
    Column("続柄", False, "父 / 母 / 祖父 / 祖母 / その他親族 / 後見人 / 里親"),
    Column("保護者電話", False, ""),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
GUARDIAN_COLUMNS = ("保護者氏", "保護者名", "保護者氏ふりがな", "保護者名ふりがな")

SEXES = {"男": Sex.MALE, "女": Sex.FEMALE, "M": Sex.MALE, "F": Sex.FEMALE, "1": Sex.MALE, "2": Sex.FEMALE}
RELATIONSHIPS = {
    "父": Relationship.FATHER,
    "母": Relationship.MOTHER,
    "祖父": Relationship.GRANDFATHER,
    "祖母": Relationship.GRANDMOTHER,
    "その他親族": Relationship.OTHER_RELATIVE,
    "親族": Relationship.OTHER_RELATIVE,
    "後見人": Relationship.GUARDIAN,
    "里親": Relationship.FOSTER,
}
NORMALISED = frozenset({"学校コード", "学年", "性別", "出席番号", "郵便番号", "入学年月日", "生年月日"})
GRADES = {"P1": "P1", "J1": "J1", "小1": "P1", "中1": "J1", "小学1年": "P1", "中学1年": "J1"}
KANA = re.compile(r"^[ぁ-ゖゝゞー・]+$")
POSTAL = re.compile(r"^(\d{3})-?(\d{4})$")
DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


class Status:
    """What the commit will do with a row."""

    NEW = "new"  # a new pupil, enrolled
    LINK = "link"  # a pupil already in the ward (e.g. from its elementary school), enrolled
    EXISTING = "existing"  # already imported: nothing to do


@dataclasses.dataclass(frozen=True)
class Problem:
    """A problem in the file: ``row`` is the line number as a spreadsheet shows it (the header is 1;
    None for the file as a whole), ``column`` the column's name."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = _("row %(row)s") % {"row": self.row} if self.row else _("file")
        return f"{where} {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclasses.dataclass
class RegisterRow:
    """One checked row of the file."""

    row: int
    school: School
    entry_date: dt.date
    grade: GradeLevel
    homeroom_name: str
    roll_number: int | None
    pupil: PupilData
    guardian: GuardianData | None
    status: str = Status.NEW
    student_id: int | None = None

    @property
    def key(self) -> tuple[str, str, str, str, dt.date]:
        p = self.pupil
        return (p.family_name, p.given_name, p.family_name_kana, p.given_name_kana, p.birth_date)


@dataclasses.dataclass
class RegisterPlan:
    """The checked file: the rows, the problems that stop the import, and warnings that do not."""

    encoding: str
    rows: list[RegisterRow]
    problems: list[Problem]
    warnings: list[Problem]
    data_digest: str

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def to_write(self) -> list[RegisterRow]:
        return [r for r in self.rows if r.status != Status.EXISTING]

    @property
    def already_there(self) -> list[RegisterRow]:
        return [r for r in self.rows if r.status == Status.EXISTING]

    @property
    def digest(self) -> str:
        """A fingerprint of the file and of what the plan would do with it."""
        text = self.data_digest + "".join(f"|{r.row}:{r.status}:{r.student_id}" for r in self.rows)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


class RegisterFileError(Exception):
    """The file cannot be read at all (encoding, emptiness)."""


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the name of its encoding; RegisterFileError for anything but UTF-8 (BOM or
    not) and Shift_JIS/CP932."""
    if not data.strip():
        raise RegisterFileError(_("The file is empty."))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise RegisterFileError(
            _("The file is in UTF-16. Save it as CSV in UTF-8 or Shift_JIS (CSV UTF-8 or CSV in Excel).")
        )
    candidates = [("utf-8-sig", "UTF-8（BOM付き）")] if data.startswith(codecs.BOM_UTF8) else []
    candidates += [("utf-8", "UTF-8"), ("cp932", "Shift_JIS")]
    for codec, label in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text, label
    raise RegisterFileError(
        _("The file's character encoding could not be read. Save it as CSV in UTF-8 or Shift_JIS (CP932).")
    )


def _parse_date(text: str) -> dt.date | None:
    match = DATE.match(unicodedata.normalize("NFKC", text))
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _school_age_range(grade_code: str, school_year: int) -> tuple[dt.date, dt.date]:
    """Birth dates of pupils of 学齢 for the first year of ``grade_code`` in ``school_year``: a child
    enters elementary school in the April after turning 6 (born 2 April − 1 April)."""
    age = 6 if grade_code == "P1" else 12
    return dt.date(school_year - age - 1, 4, 2), dt.date(school_year - age, 4, 1)


def register_import_plan(*, actor: Any, data: bytes) -> RegisterPlan:
    """Read and check every row of a 学齢簿 file for ``actor``; writes nothing."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        text, encoding = decode(data)
    except RegisterFileError as exc:
        return RegisterPlan("", [], [Problem(None, "", str(exc))], [], digest)
    plan = RegisterPlan(encoding, [], [], [], digest)
    lines = list(csv.reader(io.StringIO(text, newline="")))
    if not lines:
        plan.problems.append(Problem(None, "", _("The file is empty.")))
        return plan
    header = [unicodedata.normalize("NFKC", cell).strip() for cell in lines[0]]
    if not set(header) & set(COLUMN_NAMES):
        plan.problems.append(
            Problem(
                1,
                "",
                _(
                    "The first row has none of the register's column names. Check that the file is a CSV "
                    "(comma-separated) in UTF-8 or Shift_JIS with the column names in its first row."
                ),
            )
        )
        return plan
    for column in COLUMNS:
        if column.required and column.name not in header:
            plan.problems.append(
                Problem(
                    1, column.name, _("The required column “%(name)s” is missing.") % {"name": column.name}
                )
            )
    for name in sorted({h for h in header if header.count(h) > 1 and h}):
        plan.problems.append(Problem(1, name, _("The column appears more than once.")))
    for name in header:
        if name and name not in COLUMN_NAMES:
            plan.warnings.append(Problem(1, name, _("Unknown column: it is ignored.")))
    if plan.problems:
        return plan
    index = {name: header.index(name) for name in COLUMN_NAMES if name in header}

    schools = {s.mext_code: s for s in School.objects.all()}
    allowed = set(School.objects.visible_to(actor, "import_register").values_list("pk", flat=True))
    grades = {g.code: g for g in GradeLevel.objects.all()}
    seen: dict[tuple[Any, ...], int] = {}
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = _check_row(number, cells, index, schools, allowed, grades, plan)
        if row is None:
            continue
        first = seen.setdefault(row.key, number)
        if first != number:
            plan.problems.append(
                Problem(number, "氏", _("The same pupil as in row %(row)s.") % {"row": first})
            )
            continue
        plan.rows.append(row)
    if not plan.rows and not plan.problems:
        plan.problems.append(Problem(None, "", _("The file has no pupils (only a header row).")))
    _check_against_the_ward(plan)
    return plan


def _check_row(
    number: int,
    cells: list[str],
    index: dict[str, int],
    schools: dict[str, School],
    allowed: set[int],
    grades: dict[str, GradeLevel],
    plan: RegisterPlan,
) -> RegisterRow | None:
    """One row checked on its own (the ward is consulted later, for all rows at once)."""
    problems: list[Problem] = []

    def cell(name: str) -> str:
        # Codes and numbers are read in any width (Ｐ１, １２３－４５６７); names are kept as written.
        i = index.get(name)
        value = cells[i] if i is not None and i < len(cells) else ""
        if name in NORMALISED:
            value = unicodedata.normalize("NFKC", value).replace("－", "-")
        return value.strip()

    def problem(column: str, message: str) -> None:
        problems.append(Problem(number, column, message))

    def required(name: str, limit: int) -> str:
        value = cell(name)
        if not value:
            problem(name, _("Required."))
        elif len(value) > limit:
            problem(name, _("At most %(n)s characters.") % {"n": limit})
        return value

    code = cell("学校コード").upper()
    school = schools.get(code)
    if not code:
        problem("学校コード", _("Required."))
    elif not MEXT_SCHOOL_CODE.match(code):
        problem("学校コード", _("“%(code)s” is not a 13-character school code.") % {"code": code})
    elif school is None:
        problem("学校コード", _("No school of the ward has the code “%(code)s”.") % {"code": code})
    elif school.pk not in allowed:
        problem(
            "学校コード",
            _("You may not import pupils of %(school)s.") % {"school": school.name},
        )
        school = None

    entry_date = _parse_date(cell("入学年月日"))
    if entry_date is None:
        problem("入学年月日", _("Write the date as 2027-04-06 or 2027/04/06."))

    grade = None
    grade_code = GRADES.get(cell("学年").upper())
    if grade_code is None:
        problem(
            "学年", _("Entry (入学) is into P1 (小1) or J1 (中1), not “%(grade)s”.") % {"grade": cell("学年")}
        )
    else:
        grade = grades[grade_code]
        if school is not None and grade_code not in school.grade_codes:
            problem("学年", _("%(school)s has no %(grade)s.") % {"school": school.name, "grade": grade.name})

    family = required("氏", 50)
    given = required("名", 50)
    kana = {}
    for name in ("氏ふりがな", "名ふりがな"):
        value = normalize_kana(required(name, 50))
        if value and not KANA.match(value):
            problem(name, _("Write the reading in hiragana or katakana."))
        kana[name] = value
    sex = SEXES.get(cell("性別"))
    if sex is None:
        problem("性別", _("Write 男 or 女."))
    birth = _parse_date(cell("生年月日"))
    if birth is None:
        problem("生年月日", _("Write the date as 2020-05-01 or 2020/05/01."))
    elif entry_date is not None and birth >= entry_date:
        problem("生年月日", _("The date of birth is not before the entry date."))
    elif entry_date is not None and grade is not None:
        earliest, latest = _school_age_range(grade.code, school_year_of(entry_date))
        if not earliest <= birth <= latest:
            plan.warnings.append(
                Problem(
                    number,
                    "生年月日",
                    _("Not of school age for %(grade)s (born %(from)s – %(to)s); check the register.")
                    % {"grade": grade.name, "from": earliest.isoformat(), "to": latest.isoformat()},
                )
            )

    postal = cell("郵便番号")
    if postal:
        match = POSTAL.match(postal)
        if match:
            postal = f"{match.group(1)}-{match.group(2)}"
        else:
            problem("郵便番号", _("Write the postal code as 123-4567."))
    address = cell("住所")
    if len(address) > 200:
        problem("住所", _("At most %(n)s characters.") % {"n": 200})

    homeroom_name = cell("学級")
    roll_number = None
    roll_text = cell("出席番号")
    if roll_text:
        if not roll_text.isdigit() or not 1 <= int(roll_text) <= 99:
            problem("出席番号", _("Write a number from 1 to 99."))
        elif not homeroom_name:
            problem("出席番号", _("A roll number needs a class."))
        else:
            roll_number = int(roll_text)

    guardian = None
    names = {name: cell(name) for name in GUARDIAN_COLUMNS}
    if any(names.values()):
        for name, value in names.items():
            if not value:
                problem(name, _("Write all four guardian names, or none."))
        relationship = RELATIONSHIPS.get(cell("続柄"))
        if relationship is None:
            problem("続柄", _("Write one of 父, 母, 祖父, 祖母, その他親族, 後見人, 里親."))
        guardian_kana = {n: normalize_kana(names[n]) for n in ("保護者氏ふりがな", "保護者名ふりがな")}
        for name, value in guardian_kana.items():
            if value and not KANA.match(value):
                problem(name, _("Write the reading in hiragana or katakana."))
        if all(names.values()) and relationship is not None:
            guardian = GuardianData(
                family_name=names["保護者氏"],
                given_name=names["保護者名"],
                family_name_kana=guardian_kana["保護者氏ふりがな"],
                given_name_kana=guardian_kana["保護者名ふりがな"],
                relationship=relationship,
                phone=cell("保護者電話")[:20],
            )

    plan.problems += problems
    if problems or school is None or entry_date is None or grade is None or birth is None or sex is None:
        return None
    return RegisterRow(
        row=number,
        school=school,
        entry_date=entry_date,
        grade=grade,
        homeroom_name=homeroom_name,
        roll_number=roll_number,
        pupil=PupilData(
            family_name=family,
            given_name=given,
            family_name_kana=kana["氏ふりがな"],
            given_name_kana=kana["名ふりがな"],
            sex=sex,
            birth_date=birth,
            postal_code=postal,
            address=address,
        ),
        guardian=guardian,
    )


def _check_against_the_ward(plan: RegisterPlan) -> None:
    """Match the rows with pupils, classes and roll numbers already in the ward (all rows at once).

    This reads across schools — a pupil entering the junior high is recorded at the elementary school
    — so it runs in a logged system scope; only the status of each row leaves it, never a record.
    """
    if not plan.rows:
        return
    reason = "学齢簿 import matches its rows with pupils and classes already in the ward"
    with system_scope(reason=reason):
        births = {r.pupil.birth_date for r in plan.rows}
        candidates: dict[tuple[Any, ...], list[Student]] = defaultdict(list)
        for s in Student.objects.filter(birth_date__in=births).prefetch_related("enrolments__events"):
            candidates[
                (s.family_name, s.given_name, s.family_name_kana, s.given_name_kana, s.birth_date)
            ].append(s)
        years = {r.entry_date: school_year_for(r.entry_date) for r in plan.rows}
        rooms = {
            (h.school_id, h.school_year_id, h.grade_level_id, h.name): h
            for h in Homeroom.objects.filter(
                school__in={r.school.pk for r in plan.rows},
                school_year__in=[y.pk for y in years.values() if y is not None],
            )
        }
        taken: dict[int, set[int]] = defaultdict(set)
        for homeroom_id, roll in Enrolment.objects.filter(
            homeroom__in=[h.pk for h in rooms.values()], roll_number__isnull=False, end_date__isnull=True
        ).values_list("homeroom_id", "roll_number"):
            taken[homeroom_id].add(roll)

        for row in plan.rows:
            year = years[row.entry_date]
            matches = candidates.get(row.key, [])
            if len(matches) > 1:
                plan.problems.append(
                    Problem(
                        row.row,
                        "氏",
                        _("Several pupils of the ward have this name and date of birth; ask the board."),
                    )
                )
                continue
            if matches:
                pupil = matches[0]
                row.student_id = pupil.pk
                enrolments = list(pupil.enrolments.all())
                entered = [
                    e
                    for e in enrolments
                    if e.school_id == row.school.pk
                    and e.grade_level_id == row.grade.pk
                    and any(ev.kind == EventKind.ENTRY for ev in e.events.all())
                ]
                if entered:
                    row.status = Status.EXISTING
                    continue
                if any(e.end_date is None or e.end_date >= row.entry_date for e in enrolments):
                    plan.problems.append(
                        Problem(
                            row.row,
                            "氏",
                            _(
                                "A pupil with this name and date of birth is already enrolled in the ward "
                                "on the entry date (a duplicate). Import after their graduation or transfer "
                                "is recorded."
                            ),
                        )
                    )
                    continue
                row.status = Status.LINK
            if row.homeroom_name:
                room = (
                    rooms.get((row.school.pk, year.pk, row.grade.pk, row.homeroom_name))
                    if year is not None
                    else None
                )
                if room is None:
                    plan.problems.append(
                        Problem(
                            row.row,
                            "学級",
                            _("%(school)s has no class “%(name)s” in %(grade)s of that school year yet.")
                            % {"school": row.school.name, "name": row.homeroom_name, "grade": row.grade.name},
                        )
                    )
                elif row.roll_number is not None:
                    if row.roll_number in taken[room.pk]:
                        plan.problems.append(
                            Problem(
                                row.row,
                                "出席番号",
                                _("Roll number %(n)s is already used in %(homeroom)s.")
                                % {"n": row.roll_number, "homeroom": room.display_name},
                            )
                        )
                    taken[room.pk].add(row.roll_number)


@transaction.atomic
def register_import_commit(*, actor: Any, data: bytes, expected_digest: str | None = None) -> RegisterPlan:
    """Write the 入学 of every new row of the file — all or nothing.

    Raises ValidationError (writing nothing) when any row has a problem, or when ``expected_digest``
    (from the preview) no longer matches: the file or the ward changed since the preview.
    """
    plan = register_import_plan(actor=actor, data=data)
    if not plan.ok:
        raise ValidationError([str(p) for p in plan.problems])
    if expected_digest is not None and plan.digest != expected_digest:
        raise ValidationError(
            _(
                "The file or the ward has changed since the preview was made. Check the new preview "
                "and confirm again."
            )
        )
    with system_scope(reason="学齢簿 import writes the 入学 of its new pupils"):
        rooms: dict[tuple[Any, ...], Homeroom | None] = {}
        for row in plan.to_write:
            year = school_year_for(row.entry_date, create=True)
            assert year is not None
            room = None
            if row.homeroom_name:
                key = (row.school.pk, year.pk, row.grade.pk, row.homeroom_name)
                if key not in rooms:
                    rooms[key] = Homeroom.objects.filter(
                        school=row.school, school_year=year, grade_level=row.grade, name=row.homeroom_name
                    ).first()
                room = rooms[key]
            if row.status == Status.LINK and row.student_id is not None:
                student = Student.objects.get(pk=row.student_id)
            else:
                student = student_create(pupil=row.pupil, guardian=row.guardian)
            enrolment = Enrolment.objects.create(
                student=student,
                school=row.school,
                school_year=year,
                grade_level=row.grade,
                homeroom=room,
                roll_number=row.roll_number if room is not None else None,
                start_date=row.entry_date,
            )
            EnrolmentEvent.objects.create(
                student=student,
                enrolment=enrolment,
                kind=EventKind.ENTRY,
                date=row.entry_date,
                recorded_by=actor,
            )
    return plan


def template_csv() -> str:
    """An empty 学齢簿 file with the header row (for the upload page)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(COLUMN_NAMES)
    return out.getvalue()


__all__ = [
    "COLUMNS",
    "Problem",
    "RegisterFileError",
    "RegisterPlan",
    "RegisterRow",
    "Status",
    "decode",
    "register_import_commit",
    "register_import_plan",
    "template_csv",
]


# --- クラス編成表 (class-formation table for the year roll-over) ----------------------------------

FORMATION_REQUIRED = ("児童生徒ID", "新学級")


def parse_formation(data: bytes) -> tuple[dict[Any, tuple[str, int | None]], list[Problem]]:
    """The class-formation table (as written by ``formation_template_rows``): pupil ID → (新学級,
    新出席番号). Rows with an empty 新学級 keep the default class. Other columns are ignored (the 担任
    column is read by :func:`parse_formation_teachers`)."""
    import uuid as uuid_module

    try:
        text, _encoding = decode(data)
    except RegisterFileError as exc:
        return {}, [Problem(None, "", str(exc))]
    lines = list(csv.reader(io.StringIO(text, newline="")))
    header = [unicodedata.normalize("NFKC", cell).strip() for cell in (lines[0] if lines else [])]
    problems = [
        Problem(1, name, _("The required column “%(name)s” is missing.") % {"name": name})
        for name in FORMATION_REQUIRED
        if name not in header
    ]
    if problems:
        return {}, problems
    id_at, class_at = header.index("児童生徒ID"), header.index("新学級")
    roll_at = header.index("新出席番号") if "新出席番号" in header else None
    formation: dict[Any, tuple[str, int | None]] = {}
    first_row: dict[Any, int] = {}
    for number, cells in enumerate(lines[1:], start=2):
        cells = cells + [""] * (len(header) - len(cells))
        if not any(c.strip() for c in cells):
            continue
        new_class = unicodedata.normalize("NFKC", cells[class_at]).strip()
        if not new_class:
            continue
        try:
            pupil = uuid_module.UUID(cells[id_at].strip())
        except ValueError:
            problems.append(Problem(number, "児童生徒ID", _("Not a pupil ID from the template.")))
            continue
        roll = None
        if roll_at is not None and cells[roll_at].strip():
            roll_text = unicodedata.normalize("NFKC", cells[roll_at]).strip()
            if not roll_text.isdigit() or not 1 <= int(roll_text) <= 99:
                problems.append(Problem(number, "新出席番号", _("Write a number from 1 to 99.")))
                continue
            roll = int(roll_text)
        if pupil in first_row:
            problems.append(
                Problem(
                    number, "児童生徒ID", _("The same pupil as in row %(row)s.") % {"row": first_row[pupil]}
                )
            )
            continue
        first_row[pupil] = number
        formation[pupil] = (new_class, roll)
    return formation, problems


def parse_formation_teachers(data: bytes) -> dict[Any, str]:
    """The optional 担任 column of the class-formation table: pupil ID → the homeroom teacher named for
    the pupil's new class (a staff member's name or login), as written. Rows without a teacher, or
    whose ID is not a UUID (reported by :func:`parse_formation`), are left out."""
    import uuid as uuid_module

    try:
        text, _encoding = decode(data)
    except RegisterFileError:
        return {}
    lines = list(csv.reader(io.StringIO(text, newline="")))
    header = [unicodedata.normalize("NFKC", cell).strip() for cell in (lines[0] if lines else [])]
    if "担任" not in header or "児童生徒ID" not in header:
        return {}
    id_at, teacher_at = header.index("児童生徒ID"), header.index("担任")
    teachers: dict[Any, str] = {}
    for cells in lines[1:]:
        cells = cells + [""] * (len(header) - len(cells))
        teacher = unicodedata.normalize("NFKC", cells[teacher_at]).strip()
        if not teacher:
            continue
        try:
            teachers[uuid_module.UUID(cells[id_at].strip())] = teacher
        except ValueError:
            continue
    return teachers
