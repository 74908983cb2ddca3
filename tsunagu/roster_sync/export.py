"""The OneRoster 1.2 CSV package of a school or a whole ward (bulk, or delta since a moment).

Read by ``package_build`` for an actor who may export the schools (checked by the caller through the
``org.School.export_oneroster`` policy); the rows themselves are read in one system scope narrowed to
those schools, with ``values_list`` so that the ward's 50,000 pupils fit in seconds.

The same builders feed the REST provider (``rest.py``): it asks only for the files an endpoint
needs (``files``) and for ``status``/``dateLastModified`` on every row (``stamp``), which a bulk CSV
file leaves empty.

A delta also lists what went away since ``since`` with ``status=tobedeleted`` (``_removed``): pupils
whose enrolment ended (their homeroom enrollment, their role at the school, and the user unless still
enrolled in the package), teachers whose assignment was deleted, and the classes (with their courses
and teacher enrollments) of school years that ended.

Identifiers: our public UUIDs are the sourcedIds of years, terms, schools, homerooms, teaching groups,
pupils and staff (stable across exports, and the pupil's UUID is also their ``userMasterIdentifier``
and their xAPI account name). Rows we derive (courses, roles, enrollments) get UUIDv5 ids from what
they join, so a re-export gives the same id to the same fact.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jaconv
from django.db.models import Q
from django.utils import timezone

from tsunagu.core.scope import system_scope
from tsunagu.org.models import (
    Board,
    Homeroom,
    School,
    SchoolYear,
    StaffMember,
    TeachingAssignment,
    TeachingGroup,
    Term,
)
from tsunagu.roster_sync.profiles import ALL_FILES, ROSTER_FILES, Profile
from tsunagu.students.models import Enrolment, TeachingGroupMembership
from tsunagu.students.selectors import enrolled_on

#: Namespace of the UUIDv5 ids of derived rows (courses, roles, enrollments).
NAMESPACE = uuid.UUID("8d4f3b1e-6a52-5c0e-9a57-1f2e3c4d5e6f")
SYSTEM_NAME = "Tsunagu"


def derived_id(*parts: object) -> str:
    """A stable sourcedId for a row that has no record of its own (e.g. a pupil's homeroom enrollment)."""
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


@lru_cache(maxsize=8192)
def kana(text: str) -> str:
    """Readings as full-width katakana (we store hiragana; the Japan profile forbids half-width kana)."""
    return jaconv.hira2kata(jaconv.h2z(text, kana=True, ascii=False, digit=False))


@dataclass
class Package:
    """The files of one export, as header + rows, before they are written to CSV."""

    profile: Profile
    delta_since: dt.datetime | None = None
    #: Every row carries status and dateLastModified, also in bulk (the REST binding requires both).
    stamp: bool = False
    #: The files to build (None: the rostering files of the CSV package).
    only: frozenset[str] | None = None
    #: Each school's 学期 as academicSessions of type ``term`` (the REST provider; optional in CSV).
    terms: bool = False
    files: dict[str, list[dict[str, str]]] = field(default_factory=lambda: defaultdict(list))
    ids: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: The school of each term session (academicSessions carry no org; ``/schools/{id}/terms`` needs it).
    session_schools: dict[str, str] = field(default_factory=dict)

    @property
    def mode(self) -> str:
        return "delta" if self.delta_since else "bulk"

    def wants(self, *files: str) -> bool:
        """True when any of ``files`` is built."""
        wanted = self.only if self.only is not None else ROSTER_FILES
        return any(f in wanted for f in files)

    def add(
        self, file: str, row: dict[str, Any], modified: dt.datetime | None = None, *, status: str = "active"
    ) -> None:
        """One row, once per sourcedId (the first wins, so an active row hides a later
        ``tobedeleted`` one of the same id); in a delta, only rows changed since ``delta_since`` (a
        bulk file leaves status and dateLastModified empty unless ``stamp``)."""
        if not self.wants(file):
            return
        sourced_id = str(row["sourcedId"])
        if sourced_id in self.ids[file]:
            return
        self.ids[file].add(sourced_id)
        if self.delta_since is not None or self.stamp:
            if self.delta_since is not None and modified is not None and modified < self.delta_since:
                return
            row["status"] = status
            row["dateLastModified"] = (modified or timezone.now()).isoformat(timespec="milliseconds")
        self.files[file].append({k: "" if v is None else str(v) for k, v in row.items()})

    def to_zip(self) -> bytes:
        """The zip: manifest.csv and one UTF-8 CSV per rostering file, headers in the profile's order."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.csv", _csv(["propertyName", "value"], self.manifest()))
            for file in ROSTER_FILES:
                columns = self.profile.columns(file)
                rows = ([row.get(c, "") for c in columns] for row in self.files.get(file, []))
                archive.writestr(f"{file}.csv", _csv(columns, rows))
        return buffer.getvalue()

    def manifest(self) -> list[list[str]]:
        rows = [["manifest.version", "1.0"], ["oneroster.version", self.profile.oneroster_version]]
        rows += [[f"file.{name}", self.mode if name in ROSTER_FILES else "absent"] for name in ALL_FILES]
        rows += [["source.systemName", SYSTEM_NAME], ["source.systemCode", SYSTEM_NAME.lower()]]
        return rows


def _csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def package_build(
    *,
    schools: Sequence[School],
    school_year: SchoolYear,
    profile: Profile,
    since: dt.datetime | None = None,
    day: dt.date | None = None,
    subject_classes: bool = False,
    files: Collection[str] | None = None,
    stamp: bool = False,
    terms: bool = False,
) -> Package:
    """The package of ``schools`` (already authorised by the caller) for ``school_year``: who is enrolled
    on ``day`` (today, or the year's last day for a past year). ``since`` makes it a delta.

    Homerooms are always classes. ``subject_classes`` adds every teaching group as a ``scheduled`` class
    with its pupils and teachers — ten times the enrollments, which most 学習eポータル do not use.

    ``files`` limits the build to those files (``demographics`` is built only when named: the CSV
    package never carries it); builders whose files are not wanted do not run their queries.
    ``stamp`` sets status and dateLastModified on every row (the REST provider). ``terms`` adds each
    school's 学期 as academicSessions of type ``term`` under the school year (the Japan profiles'
    portals expect only the ``schoolYear`` session, so the CSV carries them only when asked)."""
    if day is None:
        day = min(timezone.localdate(), school_year.end_date)
    package = Package(
        profile=profile,
        delta_since=since,
        stamp=stamp,
        only=frozenset(files) if files is not None else None,
        terms=terms,
    )
    school_ids = [s.pk for s in schools]
    people = package.wants("users", "roles", "enrollments", "demographics")
    with system_scope(reason=f"OneRoster export of {len(school_ids)} school(s), {school_year.year}年度"):
        _sessions(package, school_year, school_ids)
        if package.wants("orgs"):
            _orgs(package, school_ids)
        homerooms: dict[int, ClassRef] = {}
        groups: dict[int, ClassRef] = {}
        if people or package.wants("classes", "courses"):
            homerooms = _homerooms(package, school_ids, school_year)
            groups = _teaching_groups(package, school_ids, school_year) if subject_classes else {}
        if people:
            _pupils(package, school_ids, school_year, day, homerooms, groups)
            _staff(package, school_ids, school_year, homerooms, groups)
        if since is not None:
            _removed(package, school_ids, school_year, day, homerooms)
    return package


def _sessions(package: Package, year: SchoolYear, school_ids: list[int]) -> None:
    """The school year, and with ``package.terms`` each school's 学期 (``term``, parent = the year)."""
    package.add(
        "academicSessions",
        {
            "sourcedId": year.uuid,
            "title": f"{year.year}年度",
            "type": "schoolYear",
            "startDate": year.start_date.isoformat(),
            "endDate": year.end_date.isoformat(),
            "schoolYear": year.year,
        },
        year.updated_at,
    )
    if not package.terms or not package.wants("academicSessions"):
        return
    terms = (
        Term.objects.filter(school_id__in=school_ids, school_year=year)
        .select_related("school")
        .order_by("school__mext_code", "number")
    )
    for term in terms:
        package.session_schools[str(term.uuid)] = str(term.school.uuid)
        package.add(
            "academicSessions",
            {
                "sourcedId": term.uuid,
                "title": f"{year.year}年度 {term.name}",
                "type": "term",
                "startDate": term.start_date.isoformat(),
                "endDate": term.end_date.isoformat(),
                "parentSourcedId": year.uuid,
                "schoolYear": year.year,
            },
            term.updated_at,
        )


def _orgs(package: Package, school_ids: list[int]) -> None:
    schools = list(School.objects.filter(pk__in=school_ids).select_related("board__municipality"))
    boards: dict[int, Board] = {s.board_id: s.board for s in schools}
    for board in boards.values():
        code = board.code if len(board.code) == 6 and board.code.isdigit() else board.municipality.code
        package.add(
            "orgs",
            {"sourcedId": board.uuid, "name": board.name, "type": "district", "identifier": code},
            board.updated_at,
        )
    for school in sorted(schools, key=lambda s: s.mext_code):
        package.add(
            "orgs",
            {
                "sourcedId": school.uuid,
                "name": school.name,
                "type": "school",
                "identifier": school.mext_code,
                "parentSourcedId": school.board.uuid,
            },
            school.updated_at,
        )


@dataclass(frozen=True)
class ClassRef:
    """What enrollments need of a class: its sourcedId and its school's."""

    sourced_id: str
    school_id: str


def _course(
    package: Package, year: SchoolYear, school_uuid: Any, grade: str, title: str, key: str, subject: str = ""
) -> str:
    """The course row a class belongs to (added once); the Japan profile wants titles that begin with the
    year and an empty courseCode."""
    sourced_id = derived_id("course", school_uuid, year.year, grade, key)
    package.add(
        "courses",
        {
            "sourcedId": sourced_id,
            "schoolYearSourcedId": year.uuid,
            "title": f"{year.year}年度 {title}",
            "grades": grade,
            "orgSourcedId": school_uuid,
            "subjects": subject,
        },
        year.updated_at,
    )
    return sourced_id


def _homerooms(package: Package, school_ids: list[int], year: SchoolYear) -> dict[int, ClassRef]:
    refs: dict[int, ClassRef] = {}
    rooms = (
        Homeroom.objects.filter(school_id__in=school_ids, school_year=year)
        .select_related("school", "grade_level")
        .order_by("school__mext_code", "grade_level__order", "is_special_needs", "order")
    )
    for room in rooms:
        grade = room.grade_level.code
        course = _course(package, year, room.school.uuid, grade, f"{room.grade_level.name} 学級", "homeroom")
        package.add(
            "classes",
            {
                "sourcedId": room.uuid,
                "title": room.display_name,
                "grades": grade,
                "courseSourcedId": course,
                "classType": "homeroom",
                "schoolSourcedId": room.school.uuid,
                "termSourcedIds": year.uuid,
                "metadata.jp.specialNeeds": "true" if room.is_special_needs else "false",
            },
            room.updated_at,
        )
        refs[room.pk] = ClassRef(str(room.uuid), str(room.school.uuid))
    return refs


def _teaching_groups(package: Package, school_ids: list[int], year: SchoolYear) -> dict[int, ClassRef]:
    refs: dict[int, ClassRef] = {}
    groups = (
        TeachingGroup.objects.filter(school_id__in=school_ids, school_year=year)
        .select_related("school", "grade_level", "subject")
        .order_by("school__mext_code", "grade_level__order", "subject__order", "name")
    )
    for group in groups:
        grade = group.grade_level.code
        subject = group.subject.name
        course = _course(
            package,
            year,
            group.school.uuid,
            grade,
            f"{group.grade_level.name} {subject}",
            f"subject:{group.subject.code}",
            subject,
        )
        package.add(
            "classes",
            {
                "sourcedId": group.uuid,
                "title": group.name,
                "grades": grade,
                "courseSourcedId": course,
                "classType": "scheduled",
                "schoolSourcedId": group.school.uuid,
                "termSourcedIds": year.uuid,
                "subjects": subject,
                "metadata.jp.specialNeeds": "false",
            },
            group.updated_at,
        )
        refs[group.pk] = ClassRef(str(group.uuid), str(group.school.uuid))
    return refs


def _pupils(
    package: Package,
    school_ids: list[int],
    year: SchoolYear,
    day: dt.date,
    homerooms: dict[int, ClassRef],
    groups: dict[int, ClassRef],
) -> None:
    """Users, roles and homeroom/teaching-group enrollments of the pupils enrolled on ``day``."""
    rows = (
        Enrolment.objects.filter(enrolled_on(day), school_id__in=school_ids, school_year=year)
        .order_by("school__mext_code", "homeroom_id", "roll_number", "student_id")
        .values_list(
            "student_id",
            "student__uuid",
            "student__user__username",
            "student__family_name",
            "student__given_name",
            "student__family_name_kana",
            "student__given_name_kana",
            "grade_level__code",
            "school__uuid",
            "homeroom_id",
            "roll_number",
            "start_date",
            "updated_at",
            "student__updated_at",
            "student__sex",
            "student__birth_date",
        )
    )
    student_ids: dict[int, str] = {}
    for (
        student_id,
        student_uuid,
        username,
        family,
        given,
        family_kana,
        given_kana,
        grade,
        school_uuid,
        homeroom_id,
        roll,
        start,
        enrolment_changed,
        student_changed,
        sex,
        birth_date,
    ) in rows:
        student_ids[student_id] = str(student_uuid)
        home = homerooms.get(homeroom_id) if homeroom_id else None
        pupil = _pupil_rows(
            package.profile,
            student_uuid=student_uuid,
            username=username,
            names=(family, given, family_kana, given_kana),
            grade=grade,
            school_uuid=school_uuid,
            home=home,
            start=start,
        )
        package.add("users", pupil[0], max(student_changed, enrolment_changed))
        package.add("roles", pupil[1], enrolment_changed)
        if home is not None:
            _enrol(package, home, str(student_uuid), "student", start, enrolment_changed, roll=roll)
        package.add(
            "demographics",
            {
                "sourcedId": student_uuid,
                "birthDate": birth_date.isoformat(),
                "sex": SEXES.get(sex, "unspecified"),
            },
            student_changed,
        )
    if not groups:
        return
    # A group taught to whole homerooms has their pupils; a split group (習熟度別) lists its own.
    by_homeroom: dict[int, list[tuple[str, dt.datetime]]] = defaultdict(list)
    for student_id, homeroom_id, changed in rows.values_list("student_id", "homeroom_id", "updated_at"):
        if homeroom_id:
            by_homeroom[homeroom_id].append((student_ids[student_id], changed))
    split = set(
        TeachingGroupMembership.objects.filter(teaching_group_id__in=list(groups))
        .values_list("teaching_group_id", flat=True)
        .distinct()
    )
    links = TeachingGroup.homerooms.through.objects.filter(teachinggroup_id__in=list(groups))
    for group_id, homeroom_id in links.values_list("teachinggroup_id", "homeroom_id"):
        if group_id not in split:
            for student_uuid, changed in by_homeroom.get(homeroom_id, []):
                _enrol(package, groups[group_id], student_uuid, "student", None, changed)
    memberships = (
        TeachingGroupMembership.objects.filter(
            teaching_group_id__in=list(split), student_id__in=list(student_ids)
        )
        .order_by("teaching_group_id", "student_id")
        .values_list("student_id", "teaching_group_id", "updated_at")
    )
    for student_id, group_id, changed in memberships:
        _enrol(package, groups[group_id], student_ids[student_id], "student", None, changed)


#: Our 学齢簿 sex codes as OneRoster's ``sex`` enumeration.
SEXES = {"M": "male", "F": "female"}


def _pupil_rows(
    profile: Profile,
    *,
    student_uuid: Any,
    username: str | None,
    names: tuple[str, str, str, str],
    grade: str,
    school_uuid: Any,
    home: ClassRef | None,
    start: dt.date,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A pupil's users row and their role at the school (shared by active and removed rows)."""
    family, given, family_kana, given_kana = names
    user = {
        "sourcedId": student_uuid,
        "enabledUser": "true",
        "username": username or student_uuid,
        "givenName": given,
        "familyName": family,
        "userMasterIdentifier": student_uuid,
        "preferredGivenName": given,
        "preferredFamilyName": family,
        "grades": grade,
        "primaryOrgSourcedId": school_uuid,
        "metadata.jp.kanaGivenName": kana(given_kana),
        "metadata.jp.kanaFamilyName": kana(family_kana),
        "metadata.jp.homeClass": home.sourced_id if home else "",
        **_kana_preferred(profile, family_kana, given_kana),
    }
    role = {
        "sourcedId": derived_id("role", student_uuid, school_uuid, "student"),
        "userSourcedId": student_uuid,
        "roleType": "primary",
        "role": "student",
        "beginDate": start.isoformat(),
        "orgSourcedId": school_uuid,
    }
    return user, role


def _kana_preferred(profile: Profile, family_kana: str, given_kana: str) -> dict[str, str]:
    if not profile.kana_preferred:
        return {}
    return {
        "metadata.jp.kanaPreferredFamilyName": kana(family_kana),
        "metadata.jp.kanaPreferredGivenName": kana(given_kana),
    }


def _enrol(
    package: Package,
    cls: ClassRef,
    user: str,
    role: str,
    begin: dt.date | None,
    changed: dt.datetime,
    roll: int | None = None,
    status: str = "active",
) -> None:
    row = {
        "sourcedId": derived_id("enrollment", cls.sourced_id, user, role),
        "classSourcedId": cls.sourced_id,
        "schoolSourcedId": cls.school_id,
        "userSourcedId": user,
        "role": role,
        "primary": "true" if role == "teacher" else "false",
        "beginDate": begin.isoformat() if begin else "",
        package.profile.roll_number_column: "" if roll is None else str(roll),
    }
    package.add("enrollments", row, changed, status=status)


def _staff(
    package: Package,
    school_ids: list[int],
    year: SchoolYear,
    homerooms: dict[int, ClassRef],
    groups: dict[int, ClassRef],
) -> None:
    """Teachers (with a teaching assignment this year): users, roles, and their classes as ``teacher``."""
    assignments = (
        TeachingAssignment.objects.filter(school_id__in=school_ids, school_year=year)
        .select_related("staff_member__user", "school")
        .order_by("school__mext_code", "staff_member_id", "pk")
    )
    primary_school: dict[int, int] = {}  # a teacher at two schools: the first is the primary role
    for assignment in assignments:
        staff = assignment.staff_member
        staff_uuid = str(staff.uuid)
        school_uuid = str(assignment.school.uuid)
        if staff.pk not in primary_school:
            primary_school[staff.pk] = assignment.school_id
            package.add("users", _staff_user(package.profile, staff, school_uuid), staff.updated_at)
        is_primary = primary_school[staff.pk] == assignment.school_id
        package.add(
            "roles",
            {
                "sourcedId": derived_id("role", staff_uuid, school_uuid, "teacher"),
                "userSourcedId": staff_uuid,
                "roleType": "primary" if is_primary else "secondary",
                "role": "teacher",
                "orgSourcedId": school_uuid,
            },
            assignment.updated_at,
        )
        target = homerooms.get(assignment.homeroom_id) if assignment.homeroom_id else None
        if target is None and assignment.teaching_group_id:
            target = groups.get(assignment.teaching_group_id)
        if target is not None:
            _enrol(package, target, staff_uuid, "teacher", None, assignment.updated_at)


def _staff_user(profile: Profile, staff: StaffMember, school_uuid: str) -> dict[str, Any]:
    """A teacher's users row (shared by active and removed rows)."""
    staff_uuid = str(staff.uuid)
    return {
        "sourcedId": staff_uuid,
        "enabledUser": "true" if staff.is_active else "false",
        "username": staff.user.username if staff.user else staff_uuid,
        "givenName": staff.given_name,
        "familyName": staff.family_name,
        "userMasterIdentifier": staff_uuid,
        "preferredGivenName": staff.given_name,
        "preferredFamilyName": staff.family_name,
        "primaryOrgSourcedId": school_uuid,
        "metadata.jp.kanaGivenName": kana(staff.given_name_kana),
        "metadata.jp.kanaFamilyName": kana(staff.family_name_kana),
        **_kana_preferred(profile, staff.family_name_kana, staff.given_name_kana),
    }


def _day_after(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` (local time): when something that ended on ``day`` went away."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _removed(
    package: Package, school_ids: list[int], year: SchoolYear, day: dt.date, homerooms: dict[int, ClassRef]
) -> None:
    """``tobedeleted`` rows of a delta: what the consumer holds from earlier packages and that went away
    since ``delta_since``. Called after the active rows, so that an id still active (a pupil who moved
    to another school of the package, a teacher still teaching there) keeps its active row."""
    since = package.delta_since
    assert since is not None
    people = package.wants("users", "roles", "enrollments")
    # Pupils whose enrolment at these schools ended (転出, 退学, 卒業, the roll-over's closing of last
    # year's class): recorded since ``since``, or recorded earlier with an end date reached since.
    ended = (
        Enrolment.objects.filter(school_id__in=school_ids, end_date__isnull=False, end_date__lt=day)
        .filter(Q(updated_at__gte=since) | Q(end_date__gte=timezone.localtime(since).date()))
        .order_by("school__mext_code", "end_date", "student_id")
        .values_list(
            "student__uuid",
            "student__user__username",
            "student__family_name",
            "student__given_name",
            "student__family_name_kana",
            "student__given_name_kana",
            "grade_level__code",
            "school__uuid",
            "homeroom__uuid",
            "start_date",
            "end_date",
            "updated_at",
        )
    )
    for (
        student_uuid,
        username,
        family,
        given,
        family_kana,
        given_kana,
        grade,
        school_uuid,
        home_uuid,
        start,
        end,
        changed,
    ) in ended if people else []:
        gone = max(changed, _day_after(end)) if changed < since else changed
        home = ClassRef(str(home_uuid), str(school_uuid)) if home_uuid else None
        user, role = _pupil_rows(
            package.profile,
            student_uuid=student_uuid,
            username=username,
            names=(family, given, family_kana, given_kana),
            grade=grade,
            school_uuid=school_uuid,
            home=home,
            start=start,
        )
        role["endDate"] = end.isoformat()
        package.add("users", user, gone, status="tobedeleted")
        package.add("roles", role, gone, status="tobedeleted")
        if home is not None:
            _enrol(package, home, str(student_uuid), "student", start, gone, status="tobedeleted")
    # Teachers whose assignment was deleted this year: the enrollment in their class, their role at the
    # school and their user unless they still teach in the package.
    deleted = (
        TeachingAssignment.history.filter(
            history_type="-", history_date__gte=since, school_id__in=school_ids, school_year=year
        )
        .order_by("history_date")
        .values_list("staff_member_id", "school__uuid", "homeroom_id", "history_date")
    )
    rows = list(deleted) if people else []
    staff = StaffMember.objects.select_related("user").in_bulk({r[0] for r in rows})
    for staff_id, school_uuid, homeroom_id, gone in rows:
        member = staff.get(staff_id)
        if member is None:
            continue
        package.add(
            "users", _staff_user(package.profile, member, str(school_uuid)), gone, status="tobedeleted"
        )
        package.add(
            "roles",
            {
                "sourcedId": derived_id("role", member.uuid, school_uuid, "teacher"),
                "userSourcedId": str(member.uuid),
                "roleType": "primary",
                "role": "teacher",
                "orgSourcedId": str(school_uuid),
            },
            gone,
            status="tobedeleted",
        )
        if homeroom_id in homerooms:
            _enrol(
                package, homerooms[homeroom_id], str(member.uuid), "teacher", None, gone, status="tobedeleted"
            )
    # Classes of school years that ended since ``since`` (the roll-over): the homerooms, their courses
    # and their teachers' enrollments (the pupils' went with their ended enrolments above).
    since_day = timezone.localtime(since).date()
    old_rooms = (
        Homeroom.objects.filter(
            school_id__in=school_ids, school_year__end_date__gte=since_day, school_year__end_date__lt=day
        )
        .select_related("school", "grade_level", "school_year")
        .order_by("school__mext_code", "grade_level__order", "order")
    )
    refs: dict[int, tuple[ClassRef, dt.datetime]] = {}
    for room in old_rooms if package.wants("classes", "courses", "enrollments") else []:
        old_year = room.school_year
        gone = _day_after(old_year.end_date)
        grade = room.grade_level.code
        course = derived_id("course", room.school.uuid, old_year.year, grade, "homeroom")
        package.add(
            "courses",
            {
                "sourcedId": course,
                "schoolYearSourcedId": old_year.uuid,
                "title": f"{old_year.year}年度 {room.grade_level.name} 学級",
                "grades": grade,
                "orgSourcedId": room.school.uuid,
            },
            gone,
            status="tobedeleted",
        )
        package.add(
            "classes",
            {
                "sourcedId": room.uuid,
                "title": room.display_name,
                "grades": grade,
                "courseSourcedId": course,
                "classType": "homeroom",
                "schoolSourcedId": room.school.uuid,
                "termSourcedIds": old_year.uuid,
                "metadata.jp.specialNeeds": "true" if room.is_special_needs else "false",
            },
            gone,
            status="tobedeleted",
        )
        refs[room.pk] = (ClassRef(str(room.uuid), str(room.school.uuid)), gone)
    if refs and package.wants("enrollments"):
        teachers = TeachingAssignment.objects.filter(homeroom_id__in=list(refs)).values_list(
            "homeroom_id", "staff_member__uuid"
        )
        for homeroom_id, staff_uuid in teachers.order_by("homeroom_id", "staff_member_id"):
            ref, gone = refs[homeroom_id]
            _enrol(package, ref, str(staff_uuid), "teacher", None, gone, status="tobedeleted")
