"""The validator finds each Japan-profile rule broken, by file, line and column — so that a package it
passes is worth something (our own exports must pass it: test_export.py)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable

import pytest
from django.utils import timezone

from tsunagu.core.scope import system_scope
from tsunagu.org.models import School, SchoolYear
from tsunagu.roster_sync.export import package_build
from tsunagu.roster_sync.profiles import JP_V121
from tsunagu.roster_sync.validate import validate_package

pytestmark = pytest.mark.django_db

Rows = dict[str, list[list[str]]]


@pytest.fixture
def package(ward: object) -> Rows:
    """A valid package of one school, as rows per file (header first), to break one rule at a time."""
    today = timezone.localdate()
    with system_scope(reason="test builds a package to break"):
        year = SchoolYear.objects.get(start_date__lte=today, end_date__gte=today)
        school = School.objects.order_by("mext_code").first()
    assert school is not None
    data = package_build(schools=[school], school_year=year, profile=JP_V121).to_zip()
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {
        n.removesuffix(".csv"): list(csv.reader(io.StringIO(archive.read(n).decode("utf-8"))))
        for n in archive.namelist()
    }


def _zip(rows: Rows) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in rows.items():
            out = io.StringIO()
            csv.writer(out, lineterminator="\r\n").writerows(content)
            archive.writestr(f"{name}.csv", out.getvalue())
    return buffer.getvalue()


def _set(rows: Rows, file: str, line: int, column: str, value: str) -> None:
    rows[file][line - 1][rows[file][0].index(column)] = value


def _found(rows: Rows) -> set[tuple[str, int, str]]:
    return {(p.file, p.line, p.column) for p in validate_package(_zip(rows), JP_V121)}


def test_the_unbroken_package_passes(package: Rows) -> None:
    assert _found(package) == set()


HOME, NOWHERE = "metadata.jp.homeClass", "00000000-0000-4000-8000-000000000000"
SESSIONS, MASTER, VERSION = "academicSessions", "userMasterIdentifier", "oneroster.version"

BREAKS: list[tuple[str, Callable[[Rows], None], tuple[str, int, str]]] = [
    ("half-width kana", lambda r: _set(r, "users", 2, "givenName", "ﾀﾛｳ"), ("users", 2, "givenName")),
    ("missing required", lambda r: _set(r, "users", 3, "familyName", ""), ("users", 3, "familyName")),
    ("dangling homeClass", lambda r: _set(r, "users", 2, HOME, NOWHERE), ("users", 2, HOME)),
    ("status in bulk", lambda r: _set(r, "classes", 2, "status", "active"), ("classes", 2, "status")),
    ("course code", lambda r: _set(r, "courses", 2, "courseCode", "X1"), ("courses", 2, "courseCode")),
    ("course title", lambda r: _set(r, "courses", 2, "title", "国語"), ("courses", 2, "title")),
    ("year title", lambda r: _set(r, SESSIONS, 2, "title", "令和8年度"), (SESSIONS, 2, "title")),
    ("grade code", lambda r: _set(r, "classes", 2, "grades", "04"), ("classes", 2, "grades")),
    ("school code", lambda r: _set(r, "orgs", 3, "identifier", "123"), ("orgs", 3, "identifier")),
    ("not a UUID", lambda r: _set(r, "users", 2, MASTER, "taro"), ("users", 2, MASTER)),
    ("pupil primary", lambda r: _set(r, "enrollments", 2, "primary", "true"), ("enrollments", 2, "primary")),
    ("manifest version", lambda r: _set(r, "manifest", 3, "value", "1.1"), ("manifest", 0, VERSION)),
    ("duplicate id", lambda r: r["roles"].append(list(r["roles"][1])), ("roles", 0, "sourcedId")),
]


@pytest.mark.parametrize(("label", "breaks", "where"), BREAKS, ids=[b[0] for b in BREAKS])
def test_each_broken_rule_is_reported_where_it_is(package: Rows, label: str, breaks, where) -> None:
    breaks(package)
    found = _found(package)
    if label == "duplicate id":  # reported on the duplicate's own line, the last one
        where = ("roles", len(package["roles"]), "sourcedId")
    assert where in found, f"{label}: {found}"


def test_messages_are_japanese_with_file_and_line(package: Rows) -> None:
    _set(package, "users", 2, "givenName", "ﾀﾛｳ")
    (problem,) = validate_package(_zip(package), JP_V121)
    assert str(problem).startswith("users.csv 2行目 givenName:")
    assert "半角カナ" in problem.message


def test_not_a_zip_is_one_clear_problem() -> None:
    (problem,) = validate_package(b"not a zip", JP_V121)
    assert "zip" in problem.message
