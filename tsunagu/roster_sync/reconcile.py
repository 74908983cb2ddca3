"""Compare a OneRoster package from another system with our roster, row by row.

The package is first checked (``validate_package``); a package with problems is not compared. Then our
own bulk export of the same schools is built and both are compared by sourcedId: who is only in theirs,
who is only in ours, and which fields differ (names, readings, homeroom, grade, 出席番号). Our export
compared with itself gives no differences (the round-trip test).

Nothing is applied here: the comparison is a report. Where the package is right, the office applies
its name and class differences in one step on the same page (``apply.py``), or corrects the roster in
the roster pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tsunagu.org.models import School, SchoolYear
from tsunagu.roster_sync.export import package_build
from tsunagu.roster_sync.profiles import Profile
from tsunagu.roster_sync.validate import Problem, read_package, validate_package

#: Per file, the columns compared and the column that names the row for people.
COMPARED: dict[str, tuple[tuple[str, ...], str]] = {
    "orgs": (("name", "type", "identifier", "parentSourcedId"), "name"),
    "classes": (("title", "grades", "classType", "schoolSourcedId", "metadata.jp.specialNeeds"), "title"),
    "users": (
        (
            "familyName",
            "givenName",
            "metadata.jp.kanaFamilyName",
            "metadata.jp.kanaGivenName",
            "grades",
            "primaryOrgSourcedId",
            "metadata.jp.homeClass",
            "enabledUser",
            "userMasterIdentifier",
        ),
        "familyName",
    ),
    "enrollments": (("classSourcedId", "userSourcedId", "role", "primary"), "userSourcedId"),
}


@dataclass(frozen=True)
class Difference:
    """One difference: ``kind`` is ``only_theirs``, ``only_ours`` or ``changed`` (with the field)."""

    file: str
    kind: str
    sourced_id: str
    label: str
    column: str = ""
    ours: str = ""
    theirs: str = ""

    @property
    def kind_label(self) -> str:
        return {
            "only_theirs": _("Only in the package"),
            "only_ours": _("Only in Tsunagu"),
            "changed": _("Different"),
        }[self.kind]


@dataclass
class ReconcileReport:
    """The outcome: the package's problems (then nothing was compared) or the differences."""

    problems: list[Problem] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)

    @property
    def compared(self) -> bool:
        return not self.problems


def package_reconcile(
    *,
    data: bytes,
    profile: Profile,
    schools: Sequence[School],
    school_year: SchoolYear,
    day: dt.date | None = None,
) -> ReconcileReport:
    """Check ``data`` and compare it with our export of ``schools`` (authorised by the caller)."""
    problems = validate_package(data, profile)
    if problems:
        return ReconcileReport(problems=problems)
    theirs = read_package(data).files
    ours = package_build(schools=schools, school_year=school_year, profile=profile, day=day).files
    return compare_files(ours=ours, theirs=theirs, profile=profile)


def compare_files(
    *, ours: dict[str, list[dict[str, str]]], theirs: dict[str, list[dict[str, str]]], profile: Profile
) -> ReconcileReport:
    """The differences between two packages' rows (ours: our export; theirs: the other system's)."""
    report = ReconcileReport()
    roll = profile.roll_number_column
    for file, (columns, label_column) in COMPARED.items():
        if file == "enrollments":
            columns = (*columns, roll)
        mine = {row["sourcedId"]: row for row in ours.get(file, [])}
        other = {row["sourcedId"]: row for row in theirs.get(file, [])}
        for sourced_id, row in other.items():
            if sourced_id not in mine:
                report.differences.append(
                    Difference(file, "only_theirs", sourced_id, _label(file, row, label_column))
                )
                continue
            for column in columns:
                if row.get(column, "") != mine[sourced_id].get(column, ""):
                    report.differences.append(
                        Difference(
                            file,
                            "changed",
                            sourced_id,
                            _label(file, mine[sourced_id], label_column),
                            column,
                            mine[sourced_id].get(column, ""),
                            row.get(column, ""),
                        )
                    )
        for sourced_id, row in mine.items():
            if sourced_id not in other:
                report.differences.append(
                    Difference(file, "only_ours", sourced_id, _label(file, row, label_column))
                )
    return report


def _label(file: str, row: dict[str, str], column: str) -> str:
    if file == "users":
        return f"{row.get('familyName', '')} {row.get('givenName', '')}".strip()
    return row.get(column, "")
