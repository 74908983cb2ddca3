"""Apply a OneRoster package's differences to our roster: "差分を反映する" on the comparison page.

The comparison (``reconcile.py``) is run again on the same package, and each pupil's differences
become one or two writes through the roster's own services, all in ONE transaction:

- names and readings (``familyName``, ``givenName``, ``metadata.jp.kana…``) → ``student_update``
  (氏名変更, with the readings converted to the hiragana we store);
- the homeroom (``metadata.jp.homeClass``) and the 出席番号 of the pupil's homeroom enrollment →
  ``enrolment_homeroom_change`` from today (転級 / 出席番号の変更, history kept).

The first refusal rolls everything back, and the report says which row was refused and why. Numbers
may be swapped between pupils (a renumbered class), so the services do not check each number on its
own; the whole numbering of every class touched is checked after the writes instead, and a number held
twice is a refusal like any other.

What a package cannot change is reported as not applicable, with the reason: a pupil only in the
package (転入学 needs a birth date, an address and guardians the package does not carry), a pupil only
in Tsunagu (転学 or 退学 are recorded on the pupil's page), a change of grade (the year roll-over) or of
school (a transfer), teachers (the staff records and teaching assignments), schools and classes (the
organisation's settings), and enrollments in teaching groups.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.core.audit import audit_event
from tsunagu.org.models import Homeroom, School, SchoolYear
from tsunagu.roster_sync.export import package_build
from tsunagu.roster_sync.profiles import Profile
from tsunagu.roster_sync.reconcile import Difference, ReconcileReport, compare_files
from tsunagu.roster_sync.validate import read_package, validate_package
from tsunagu.students import services
from tsunagu.students.models import Enrolment, Student
from tsunagu.students.selectors import enrolled_on

#: The users columns that hold names, and the Student field each one changes.
NAME_COLUMNS = {
    "familyName": "family_name",
    "givenName": "given_name",
    "metadata.jp.kanaFamilyName": "family_name_kana",
    "metadata.jp.kanaGivenName": "given_name_kana",
}

APPLIED = "applied"
REFUSED = "refused"
NOT_APPLICABLE = "not_applicable"
NOT_TRIED = "not_tried"
ROLLED_BACK = "rolled_back"


@dataclass
class ApplyRow:
    """One line of the report: who, what the package wants, and what became of it."""

    sourced_id: str
    label: str
    what: str
    outcome: str
    detail: str = ""

    @property
    def outcome_label(self) -> str:
        return {
            APPLIED: _("Applied"),
            REFUSED: _("Refused"),
            NOT_APPLICABLE: _("Not applicable"),
            NOT_TRIED: _("Not tried (an earlier row was refused)"),
            ROLLED_BACK: _("Undone (an earlier or later row was refused)"),
        }[self.outcome]


@dataclass
class _PupilChange:
    """What the package changes for one pupil we hold: names, and the homeroom with its number."""

    sourced_id: str
    label: str
    names: dict[str, str] = field(default_factory=dict)  # Student field → the package's value
    homeroom: str | None = None  # the package's homeClass (a homeroom's sourcedId), when it changes
    number: int | None = None
    number_changed: bool = False
    name_row: ApplyRow | None = None
    class_row: ApplyRow | None = None


@dataclass
class ApplyReport:
    """The outcome: the package's problems (then nothing was compared), or one row per difference;
    ``committed`` when every applicable change was written."""

    problems: list[Any] = field(default_factory=list)
    rows: list[ApplyRow] = field(default_factory=list)
    committed: bool = False
    stale: bool = False  # the differences were no longer those the page showed

    @property
    def applied(self) -> int:
        return sum(1 for r in self.rows if r.outcome == APPLIED)

    @property
    def refused(self) -> list[ApplyRow]:
        return [r for r in self.rows if r.outcome == REFUSED]


def differences_digest(report: ReconcileReport) -> str:
    """A fingerprint of the differences a page showed, so the apply writes what the office saw."""
    parts = [f"{d.file}|{d.kind}|{d.sourced_id}|{d.column}|{d.theirs}" for d in report.differences]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _roll(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def package_apply(
    *,
    actor: Any,
    data: bytes,
    profile: Profile,
    schools: Sequence[School],
    school_year: SchoolYear,
    expected_digest: str | None = None,
    on_date: dt.date | None = None,
) -> ApplyReport:
    """Compare ``data`` with our roster of ``schools`` again and apply every pupil's name and
    homeroom/出席番号 difference from ``on_date`` (today) in one transaction, all or nothing.

    ``schools`` are authorised by the caller (``apply_oneroster``); each write is authorised again by
    the students services (the principal and office of the pupil's school). With ``expected_digest``
    (from the comparison page) nothing is written when the differences have changed since."""
    on_date = on_date or timezone.localdate()
    problems = validate_package(data, profile)
    if problems:
        return ApplyReport(problems=problems)
    theirs = read_package(data).files
    ours = package_build(schools=schools, school_year=school_year, profile=profile, day=on_date).files
    compared = compare_files(ours=ours, theirs=theirs, profile=profile)
    report = ApplyReport()
    if expected_digest is not None and differences_digest(compared) != expected_digest:
        report.stale = True
        return report
    changes = _plan(report, compared.differences, ours=ours, theirs=theirs, profile=profile)
    if not changes:
        report.committed = not report.refused
        return report
    reason = _("Applied from a OneRoster package")
    try:
        with transaction.atomic():
            _write(actor, changes, on_date, reason, report)
            if report.refused:
                raise _RollBack
            _check_numbers(changes, on_date, report)
            if report.refused:
                raise _RollBack
    except _RollBack:
        for row in report.rows:
            if row.outcome == APPLIED:
                row.outcome = ROLLED_BACK
        return report
    report.committed = True
    audit_event(
        kind="oneroster_apply",
        actor=actor,
        detail={"schools": len(schools), "profile": profile.code, "applied": report.applied},
    )
    return report


class _RollBack(Exception):
    """Raised inside the transaction after a refusal, to undo what was written before it."""


def _plan(
    report: ApplyReport,
    differences: list[Difference],
    *,
    ours: dict[str, list[dict[str, str]]],
    theirs: dict[str, list[dict[str, str]]],
    profile: Profile,
) -> list[_PupilChange]:
    """Sort the differences into the pupils' changes (returned, in the report's order) and rows that
    are not applicable (added to the report)."""
    roll = profile.roll_number_column
    pupils_ours = {r["userSourcedId"] for r in ours.get("roles", []) if r.get("role") == "student"}
    pupils_theirs = {r["userSourcedId"] for r in theirs.get("roles", []) if r.get("role") == "student"}
    users_ours = {r["sourcedId"]: r for r in ours.get("users", [])}
    users_theirs = {r["sourcedId"]: r for r in theirs.get("users", [])}
    homerooms = {r["sourcedId"] for r in ours.get("classes", []) if r.get("classType") == "homeroom"}
    homerooms |= {r["sourcedId"] for r in theirs.get("classes", []) if r.get("classType") == "homeroom"}
    # The package's homeroom enrollment of each pupil: (class, number).
    their_home: dict[str, tuple[str, str]] = {}
    for row in theirs.get("enrollments", []):
        if row.get("role") == "student" and row.get("classSourcedId") in homerooms:
            their_home.setdefault(row["userSourcedId"], (row["classSourcedId"], row.get(roll, "")))
    our_home: dict[str, tuple[str, str]] = {}
    for row in ours.get("enrollments", []):
        if row.get("role") == "student" and row.get("classSourcedId") in homerooms:
            our_home.setdefault(row["userSourcedId"], (row["classSourcedId"], row.get(roll, "")))

    their_enrollments = {r["sourcedId"]: r for r in theirs.get("enrollments", [])}
    our_enrollments = {r["sourcedId"]: r for r in ours.get("enrollments", [])}
    changes: dict[str, _PupilChange] = {}
    seen_rows: set[tuple[str, str, str]] = set()

    def not_applicable(d: Difference, what: str, why: str) -> None:
        key = (d.sourced_id, what, why)
        if key not in seen_rows:
            seen_rows.add(key)
            report.rows.append(ApplyRow(d.sourced_id, d.label, what, NOT_APPLICABLE, why))

    def pupil(sourced_id: str) -> _PupilChange:
        if sourced_id not in changes:
            row = users_ours[sourced_id]
            label = f"{row.get('familyName', '')} {row.get('givenName', '')}".strip()
            changes[sourced_id] = _PupilChange(sourced_id, label)
        return changes[sourced_id]

    moved_elsewhere: set[str] = set()  # pupils whose grade or school differs: no class change here
    for d in differences:
        if d.file == "users" and d.kind == "changed" and d.column in ("grades", "primaryOrgSourcedId"):
            moved_elsewhere.add(d.sourced_id)

    for d in differences:
        if d.file in ("orgs", "classes"):
            not_applicable(
                d,
                _("School or class"),
                _("Schools and classes are kept in the organisation's settings, not from a package."),
            )
            continue
        if d.file == "users":
            is_pupil = d.sourced_id in pupils_ours or d.sourced_id in pupils_theirs
            if not is_pupil:
                not_applicable(
                    d,
                    _("Teacher"),
                    _("Teachers are kept in the staff records and teaching assignments, not from a package."),
                )
                continue
            if d.kind == "only_theirs":
                not_applicable(
                    d,
                    _("Pupil only in the package"),
                    _(
                        "A pupil who is not in Tsunagu is recorded by 転入学 or from the 学齢簿: that needs "
                        "the date of birth, address and guardians, which a package does not carry."
                    ),
                )
                continue
            if d.kind == "only_ours":
                not_applicable(
                    d,
                    _("Pupil only in Tsunagu"),
                    _(
                        "A pupil who has left is recorded by 転学 or 退学 on the pupil's page; a package "
                        "does not remove pupils."
                    ),
                )
                continue
            if d.column in NAME_COLUMNS:
                pupil(d.sourced_id).names[NAME_COLUMNS[d.column]] = d.theirs
            elif d.column == "grades":
                not_applicable(
                    d,
                    _("Grade"),
                    _("Grades change with the year roll-over (年次更新), not from a package."),
                )
            elif d.column == "primaryOrgSourcedId":
                not_applicable(
                    d,
                    _("School"),
                    _("A change of school is a transfer (転学 / 転入学), recorded on the pupil's page."),
                )
            elif d.column == "metadata.jp.homeClass":
                if d.sourced_id in moved_elsewhere:
                    not_applicable(
                        d,
                        _("Class"),
                        _("The grade or school differs too: the class follows the roll-over or transfer."),
                    )
                elif not d.theirs:
                    not_applicable(
                        d, _("Class"), _("The package has no class for the pupil: a pupil keeps a class.")
                    )
                else:
                    change = pupil(d.sourced_id)
                    change.homeroom = d.theirs
            else:
                not_applicable(
                    d,
                    d.column,
                    _("Tsunagu sets this column itself; it is not taken from a package."),
                )
            continue
        # enrollments
        row = their_enrollments.get(d.sourced_id) or our_enrollments.get(d.sourced_id) or {}
        user = row.get("userSourcedId", "")
        if row.get("role") != "student":
            not_applicable(
                d,
                _("Teacher's class"),
                _("Teachers' classes are kept by teaching assignments, not from a package."),
            )
            continue
        if row.get("classSourcedId") not in homerooms:
            not_applicable(
                d,
                _("Teaching group"),
                _("Pupils join teaching groups with their class or in the group's page, not from a package."),
            )
            continue
        if user not in users_ours or user not in users_theirs:
            continue  # the pupil's own row says why (only in the package, or only in Tsunagu)
        if user in moved_elsewhere:
            continue  # reported on the homeClass
        if user not in their_home:
            continue  # reported on the homeClass
        home, number = their_home[user]
        if our_home.get(user) == (home, number):
            continue  # another enrollment of the pupil that is not the homeroom's
        change = pupil(user)
        if home != users_ours[user].get("metadata.jp.homeClass", ""):
            change.homeroom = home
        change.number = _roll(number)
        change.number_changed = True

    result = []
    for change in changes.values():
        if change.homeroom is not None or change.number_changed:
            if change.homeroom is None:
                change.homeroom = users_ours[change.sourced_id].get("metadata.jp.homeClass", "")
            if not change.number_changed and change.sourced_id in their_home:
                change.number = _roll(their_home[change.sourced_id][1])
        if change.names:
            change.name_row = ApplyRow(change.sourced_id, change.label, _("Name and reading"), NOT_TRIED)
            report.rows.append(change.name_row)
        if change.homeroom:
            change.class_row = ApplyRow(
                change.sourced_id, change.label, _("Class and roll number"), NOT_TRIED
            )
            report.rows.append(change.class_row)
        result.append(change)
    return result


def _refusal(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, PermissionDenied):
        return _("The pupil is not enrolled at a school where you may change the roster.")
    return " ".join(exc.messages)


def _write(
    actor: Any, changes: list[_PupilChange], on_date: dt.date, reason: str, report: ApplyReport
) -> None:
    """Every change through the students services, in the report's order; stop at the first refusal."""
    pupils = {
        str(s.uuid): s
        for s in Student.objects.visible_to(actor, "view").filter(uuid__in=[c.sourced_id for c in changes])
    }
    wanted = {c.homeroom for c in changes if c.homeroom}
    rooms = {
        str(h.uuid): h
        for h in Homeroom.objects.visible_to(actor, "view")
        .filter(uuid__in=wanted)
        .select_related("grade_level")
    }
    for change in changes:
        student = pupils.get(change.sourced_id)
        for row in (change.name_row, change.class_row):
            if row is None:
                continue
            if student is None:
                row.outcome, row.detail = (
                    REFUSED,
                    _("The pupil is not enrolled at a school where you may change the roster."),
                )
                return
            try:
                if row is change.name_row:
                    before = {name: getattr(student, name) for name in change.names}
                    services.student_update(actor=actor, student=student, changes=change.names, reason=reason)
                    row.detail = " / ".join(
                        f"{before[name]} → {getattr(student, name)}" for name in change.names
                    )
                else:
                    room = rooms.get(change.homeroom or "")
                    if room is None:
                        raise ValidationError(_("The package's class is not a class you may see in Tsunagu."))
                    enrolment = services.enrolment_homeroom_change(
                        actor=actor,
                        enrolment_or_student=student,
                        homeroom=room,
                        number=change.number,
                        on_date=on_date,
                        reason=reason,
                        check_number=False,
                    )
                    number = _("No. %(n)s") % {"n": enrolment.roll_number} if enrolment.roll_number else ""
                    row.detail = f"{room.display_name} {number}".strip()
            except (ValidationError, PermissionDenied) as exc:
                row.outcome, row.detail = REFUSED, _refusal(exc)
                return
            row.outcome = APPLIED


def _check_numbers(changes: list[_PupilChange], on_date: dt.date, report: ApplyReport) -> None:
    """After the writes: no number may be held twice on ``on_date`` in a class a change touched."""
    by_pupil = {c.sourced_id: c for c in changes if c.class_row is not None}
    if not by_pupil:
        return
    rooms = Homeroom._base_manager.filter(uuid__in={c.homeroom for c in by_pupil.values()})
    doubled = (
        Enrolment._base_manager.filter(enrolled_on(on_date), homeroom__in=rooms, roll_number__isnull=False)
        .values("homeroom_id", "roll_number")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    holders: dict[tuple[int, int | None], list[str]] = defaultdict(list)
    pairs = {(d["homeroom_id"], d["roll_number"]) for d in doubled}
    if not pairs:
        return
    for homeroom_id, number, uuid in (
        Enrolment._base_manager.filter(enrolled_on(on_date), homeroom__in=rooms, roll_number__isnull=False)
        .values_list("homeroom_id", "roll_number", "student__uuid")
        .order_by("homeroom_id", "roll_number", "student_id")
    ):
        if (homeroom_id, number) in pairs:
            holders[(homeroom_id, number)].append(str(uuid))
    for (_homeroom, number), uuids in holders.items():
        mine = [u for u in uuids if u in by_pupil]
        row = by_pupil[mine[0]].class_row if mine else None
        if row is None:
            continue
        row.outcome = REFUSED
        row.detail = _(
            "Roll number %(n)s would be held by two pupils of the class (%(count)s pupils): the package "
            "numbers the class differently from the pupils it leaves unchanged."
        ) % {"n": number, "count": len(uuids)}
        return
