"""Checks a OneRoster CSV package against OneRoster 1.2 and the Japan profile rules of STANDARDS.md §1.

Used on our own exports (the tests and the benchmark prove every export passes) and on packages other
systems send us before they are compared with our roster. Each problem names the file, the CSV line
and the column, in Japanese, as every import report of Tsunagu does.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tsunagu.roster_sync.profiles import ALL_FILES, REQUIRED, ROSTER_FILES, Profile

GRADE_CODES = {f"P{n}" for n in range(1, 7)} | {f"J{n}" for n in range(1, 4)}
HALF_WIDTH_KANA = re.compile("[\uff65-\uff9f]")
YEAR_TITLE = re.compile(r"^(\d{4})年度")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
BOOLEAN_COLUMNS = {"enabledUser", "primary", "metadata.jp.specialNeeds"}
ENROLLMENT_ROLES = {"student", "teacher", "administrator", "guardian"}
SESSION_TYPES = {"schoolYear", "term", "semester", "gradingPeriod"}

#: (file, column) → file its value(s) must name; ``termSourcedIds`` may list several.
REFERENCES: list[tuple[str, str, str]] = [
    ("academicSessions", "parentSourcedId", "academicSessions"),
    ("orgs", "parentSourcedId", "orgs"),
    ("courses", "schoolYearSourcedId", "academicSessions"),
    ("courses", "orgSourcedId", "orgs"),
    ("classes", "courseSourcedId", "courses"),
    ("classes", "schoolSourcedId", "orgs"),
    ("classes", "termSourcedIds", "academicSessions"),
    ("users", "primaryOrgSourcedId", "orgs"),
    ("users", "metadata.jp.homeClass", "classes"),
    ("roles", "userSourcedId", "users"),
    ("roles", "orgSourcedId", "orgs"),
    ("enrollments", "classSourcedId", "classes"),
    ("enrollments", "schoolSourcedId", "orgs"),
    ("enrollments", "userSourcedId", "users"),
]


@dataclass(frozen=True)
class Problem:
    """One finding: ``line`` is the CSV line (the header is line 1); 0 for the package as a whole."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}.csv" + (f" {self.line}行目" if self.line else "")
        return f"{where} {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class ReadPackage:
    """A package as read: manifest properties, header and rows per file, and reading problems."""

    manifest: dict[str, str]
    files: dict[str, list[dict[str, str]]]
    headers: dict[str, list[str]]
    problems: list[Problem]


def read_package(data: bytes) -> ReadPackage:
    """The package ``data`` read into rows, with the problems found while reading (not a zip, not UTF-8)."""
    problems: list[Problem] = []
    files: dict[str, list[dict[str, str]]] = {}
    manifest: dict[str, str] = {}
    headers: dict[str, list[str]] = {}
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return ReadPackage({}, {}, {}, [Problem("manifest", 0, "", _("The file is not a zip archive."))])
    names = set(archive.namelist())
    for name in ["manifest", *ALL_FILES]:
        if f"{name}.csv" not in names:
            continue
        try:
            text = archive.read(f"{name}.csv").decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.append(Problem(name, 0, "", _("The file is not UTF-8.")))
            continue
        reader = csv.reader(io.StringIO(text))
        header = next(reader, [])
        rows = [dict(zip(header, row, strict=False)) for row in reader if row]
        if name == "manifest":
            manifest = {row.get("propertyName", ""): row.get("value", "") for row in rows}
        else:
            files[name], headers[name] = rows, header
    return ReadPackage(manifest, files, headers, problems)


def validate_package(data: bytes, profile: Profile) -> list[Problem]:
    """Every problem of the package ``data`` under ``profile``; an empty list means it conforms."""
    read = read_package(data)
    manifest, files, headers, problems = read.manifest, read.files, read.headers, read.problems
    if not manifest:
        return problems or [Problem("manifest", 0, "", _("manifest.csv is missing."))]
    problems += _check_manifest(manifest, profile, set(files))
    modes = {name: manifest.get(f"file.{name}", "absent") for name in ALL_FILES}
    ids: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for name in ROSTER_FILES:
        if name not in files:
            continue
        expected = profile.columns(name)
        if headers.get(name) != expected:
            problems.append(
                Problem(
                    name,
                    1,
                    "",
                    _("The header does not match the profile: expected %(cols)s.")
                    % {"cols": ",".join(expected)},
                )
            )
            continue
        for line, row in enumerate(files[name], start=2):
            problems += _check_row(name, line, row, modes[name])
            sourced_id = row.get("sourcedId", "")
            if sourced_id in ids[name]:
                problems.append(
                    Problem(name, line, "sourcedId", _("Duplicate sourcedId %(id)s.") % {"id": sourced_id})
                )
            ids[name][sourced_id] = row
    if all(modes.get(n) == "bulk" for n in files if n in ROSTER_FILES):
        problems += _check_references(files, ids)
        problems += _check_sessions(files, ids)
    problems += _check_users(files)
    return problems


def _check_manifest(manifest: dict[str, str], profile: Profile, present: set[str]) -> list[Problem]:
    problems = []
    if manifest.get("manifest.version") != "1.0":
        problems.append(Problem("manifest", 0, "manifest.version", _("Must be 1.0.")))
    if manifest.get("oneroster.version") != profile.oneroster_version:
        problems.append(
            Problem(
                "manifest",
                0,
                "oneroster.version",
                _("Must be %(v)s for this profile.") % {"v": profile.oneroster_version},
            )
        )
    for key in ("source.systemName", "source.systemCode"):
        if not manifest.get(key):
            problems.append(Problem("manifest", 0, key, _("Required.")))
    for name in ALL_FILES:
        mode = manifest.get(f"file.{name}")
        if mode not in {"absent", "bulk", "delta"}:
            problems.append(Problem("manifest", 0, f"file.{name}", _("Must be absent, bulk or delta.")))
        elif (mode == "absent") == (name in present):
            problems.append(
                Problem("manifest", 0, f"file.{name}", _("Does not agree with the files in the archive."))
            )
    return problems


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _check_row(name: str, line: int, row: dict[str, str], mode: str) -> list[Problem]:
    """The rules one row can be checked by alone."""
    out: list[Problem] = []

    def problem(column: str, message: str) -> None:
        out.append(Problem(name, line, column, message))

    for column in REQUIRED.get(name, ()):
        if not row.get(column):
            problem(column, _("Required."))
    if not _is_uuid(row.get("sourcedId", "")):
        problem("sourcedId", _("Must be a UUID."))
    if mode == "bulk" and (row.get("status") or row.get("dateLastModified")):
        problem("status", _("Must be empty in a bulk file (with dateLastModified)."))
    if mode == "delta":
        if row.get("status") not in {"active", "tobedeleted"}:
            problem("status", _("Must be active or tobedeleted in a delta file."))
        if not row.get("dateLastModified"):
            problem("dateLastModified", _("Required in a delta file."))
    for column, value in row.items():
        if value and HALF_WIDTH_KANA.search(value):
            problem(column, _("Half-width katakana is not allowed."))
        if column in BOOLEAN_COLUMNS and value and value not in {"true", "false"}:
            problem(column, _("Must be true or false."))
        if column.endswith("Date") and column != "birthDate" and value and not ISO_DATE.match(value):
            problem(column, _("Must be a date like 2026-04-01."))
    for grade in filter(None, row.get("grades", "").split(",")):
        if grade.strip() not in GRADE_CODES:
            problem("grades", _("Unknown grade %(g)s (P1–P6, J1–J3).") % {"g": grade})
    if name == "academicSessions" and row.get("type") == "schoolYear":
        match = YEAR_TITLE.match(row.get("title", ""))
        year = row.get("schoolYear", "")
        if not match or row.get("title") != f"{year}年度":
            problem("title", _("A school year is titled YYYY年度 and matches schoolYear."))
        elif row.get("startDate") != f"{year}-04-01" or row.get("endDate") != f"{int(year) + 1}-03-31":
            problem("startDate", _("A school year runs from 1 April to 31 March."))
    if name == "academicSessions":
        kind = row.get("type")
        if kind not in SESSION_TYPES:
            problem("type", _("Must be schoolYear, term, semester or gradingPeriod."))
        elif kind != "schoolYear":
            match = YEAR_TITLE.match(row.get("title", ""))
            if not match or match.group(1) != row.get("schoolYear", ""):
                problem("title", _("A term's title begins with its school year (YYYY年度)."))
            if not row.get("parentSourcedId"):
                problem("parentSourcedId", _("A term names the school year it belongs to."))
            if row.get("startDate", "") > row.get("endDate", ""):
                problem("endDate", _("The end date is before the start date."))
    if name == "orgs":
        kind, identifier = row.get("type"), row.get("identifier", "")
        if kind == "district":
            if not re.fullmatch(r"\d{6}", identifier):
                problem("identifier", _("A district's identifier is its 6-digit code."))
            if row.get("parentSourcedId"):
                problem("parentSourcedId", _("A district has no parent."))
        elif kind == "school":
            if len(identifier) != 13:
                problem("identifier", _("A school's identifier is its 13-character school code."))
        else:
            problem("type", _("Only district and school are used in Japan."))
    if name == "courses":
        if row.get("courseCode"):
            problem("courseCode", _("Must be empty in the Japan profile."))
        if not YEAR_TITLE.match(row.get("title", "")):
            problem("title", _("Must begin with YYYY年度."))
    if name == "users" and row.get("userMasterIdentifier") and not _is_uuid(row["userMasterIdentifier"]):
        problem("userMasterIdentifier", _("Must be a UUID."))
    if name == "enrollments":
        role = row.get("role")
        if role not in ENROLLMENT_ROLES:
            problem("role", _("Must be student, teacher, administrator or guardian."))
        if role == "student" and row.get("primary") != "false":
            problem("primary", _("Is false for students."))
    if name == "roles" and row.get("roleType") not in {"primary", "secondary"}:
        problem("roleType", _("Must be primary or secondary."))
    return out


def _check_references(
    files: dict[str, list[dict[str, str]]], ids: dict[str, dict[str, dict[str, str]]]
) -> list[Problem]:
    """Every reference resolves (checked in bulk packages, which hold every row)."""
    out = []
    for file, column, target in REFERENCES:
        for line, row in enumerate(files.get(file, []), start=2):
            for value in filter(None, (v.strip() for v in row.get(column, "").split(","))):
                if value not in ids[target]:
                    out.append(
                        Problem(
                            file,
                            line,
                            column,
                            _("%(id)s is not in %(target)s.csv.") % {"id": value, "target": target},
                        )
                    )
    return out


def _check_sessions(
    files: dict[str, list[dict[str, str]]], ids: dict[str, dict[str, dict[str, str]]]
) -> list[Problem]:
    """A term (or semester, grading period) lies within its parent session and shares its school year;
    a term's parent is a school year (the 学期 of a school under the ward's 年度)."""
    out = []
    sessions = ids["academicSessions"]
    for line, row in enumerate(files.get("academicSessions", []), start=2):
        if row.get("type") == "schoolYear" or row.get("parentSourcedId", "") not in sessions:
            continue
        parent = sessions[row["parentSourcedId"]]
        if row.get("type") == "term" and parent.get("type") != "schoolYear":
            out.append(
                Problem("academicSessions", line, "parentSourcedId", _("A term's parent is a school year."))
            )
        if row.get("schoolYear") != parent.get("schoolYear"):
            out.append(
                Problem(
                    "academicSessions",
                    line,
                    "schoolYear",
                    _("Must be the school year of the parent session."),
                )
            )
        if (
            not parent.get("startDate", "")
            <= row.get("startDate", "")
            <= row.get("endDate", "")
            <= parent.get("endDate", "")
        ):
            out.append(
                Problem(
                    "academicSessions",
                    line,
                    "startDate",
                    _("The dates must lie within the parent session's."),
                )
            )
    return out


def _check_users(files: dict[str, list[dict[str, str]]]) -> list[Problem]:
    """userMasterIdentifier unique; a user with a secondary role also has a primary one."""
    out = []
    seen: dict[str, int] = {}
    for line, row in enumerate(files.get("users", []), start=2):
        master = row.get("userMasterIdentifier", "")
        if master and master in seen:
            out.append(
                Problem(
                    "users",
                    line,
                    "userMasterIdentifier",
                    _("Not unique (also on line %(n)d).") % {"n": seen[master]},
                )
            )
        seen.setdefault(master, line)
    kinds: dict[str, set[str]] = defaultdict(set)
    for row in files.get("roles", []):
        kinds[row.get("userSourcedId", "")].add(row.get("roleType", ""))
    for line, row in enumerate(files.get("roles", []), start=2):
        if row.get("roleType") == "secondary" and "primary" not in kinds[row.get("userSourcedId", "")]:
            out.append(
                Problem("roles", line, "roleType", _("A user with a secondary role needs a primary one."))
            )
    return out
