"""Reads of pupils, rosters and enrolment history. Every selector takes the ``actor`` and narrows with
``visible_to``; views only pass the result to a template.

Rosters are built with a fixed number of queries whatever the number of pupils (one for the
enrolments with their pupils, one for the guardians' contacts), because a 1,000-pupil school must
answer in well under a tenth of a second.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid as uuid_module
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from tsunagu.core.apphooks import app_hooks
from tsunagu.core.policy import registry
from tsunagu.core.text import normalize_for_search
from tsunagu.org.models import GradeLevel, Homeroom, School, SchoolYear
from tsunagu.students.models import Enrolment, EnrolmentEvent, EventKind, GuardianLink, Sex, Student

_PLACEHOLDER_UUID = uuid_module.UUID(int=0)


def reference_day(school_year: SchoolYear) -> dt.date:
    """The day a roster describes: today, or the nearest day of ``school_year`` when it is not this year."""
    return min(max(timezone.localdate(), school_year.start_date), school_year.end_date)


def enrolled_on(day: dt.date) -> Q:
    """Enrolments that are open on ``day`` (started, and not ended before it)."""
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def search_filter(query: str, prefix: str = "") -> Q:
    """Pupils whose kanji or kana name contains ``query``, ignoring width, kana kind and spaces."""
    key = normalize_for_search(query)
    if not key:
        return Q()
    return Q(**{f"{prefix}search_key__contains": key})


# --- rosters ------------------------------------------------------------------------------------


@dataclass(slots=True)
class RosterRow:
    """One line of a roster: plain values, no model instances (a 1,000-line roster builds fast)."""

    student_id: int
    url: str
    name: str
    kana: str
    sex: str
    birth_date: dt.date
    needs_care: bool
    roll_number: int | None
    homeroom_id: int | None
    is_exchange: bool = False
    contact_name: str = ""
    contact_phone: str = ""

    def __getitem__(self, name: str) -> Any:
        # Django's template engine tries item access before attributes; answering it directly
        # saves an exception per cell, a third of the render time of a 1,000-line roster.
        return getattr(self, name)


@dataclass
class RosterGroup:
    """The pupils of one homeroom (or of a grade, for pupils not yet placed in a class)."""

    label: str
    homeroom: Homeroom | None
    rows: list[RosterRow] = field(default_factory=list)


@dataclass
class SchoolRoster:
    """A school's roster: pupils grouped by homeroom."""

    groups: list[RosterGroup]
    total: int


#: The columns a roster reads, in the order ``_rows`` unpacks them.
_ROSTER_COLUMNS = (
    "student_id",
    "student__uuid",
    "student__family_name",
    "student__given_name",
    "student__family_name_kana",
    "student__given_name_kana",
    "student__sex",
    "student__birth_date",
    "student__needs_care",
    "roll_number",
    "homeroom_id",
    "grade_level__stage",
    "grade_level__number",
)


def _roster_enrolments(actor: Any, day: dt.date, where: Q, query: str) -> QuerySet[Enrolment]:
    """Open enrolments matching ``where`` whose pupils ``actor`` may view."""
    visible_pupils = Student.objects.visible_to(actor, "view").values("pk")
    return (
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), where, search_filter(query, "student__"))
        .filter(student__in=visible_pupils)
    )


def _rows(enrolments: QuerySet[Enrolment]) -> Iterable[tuple[RosterRow, str, int]]:
    """Roster rows from ``enrolments``, each with its grade's stage and number (one query)."""
    # reverse() costs tens of microseconds; a 1,000-line roster reverses once and fills in the UUID.
    url_template = reverse("students:student_detail", args=[_PLACEHOLDER_UUID])
    placeholder = str(_PLACEHOLDER_UUID)
    sexes = {value: str(label) for value, label in Sex.choices}
    for (
        student_id,
        uuid,
        family,
        given,
        family_kana,
        given_kana,
        sex,
        birth_date,
        needs_care,
        roll_number,
        homeroom_id,
        stage,
        number,
    ) in enrolments.values_list(*_ROSTER_COLUMNS):
        row = RosterRow(
            student_id=student_id,
            url=url_template.replace(placeholder, str(uuid)),
            name=f"{family} {given}",
            kana=f"{family_kana} {given_kana}",
            sex=sexes.get(sex, sex),
            birth_date=birth_date,
            needs_care=needs_care,
            roll_number=roll_number,
            homeroom_id=homeroom_id,
        )
        yield row, stage, number


def _attach_contacts(actor: Any, rows: list[RosterRow]) -> None:
    """Fill each row's contact with the pupil's primary guardian (one query; restricted links skipped)."""
    if not rows or not may_view_contacts(actor):
        return
    by_student = {row.student_id: row for row in rows}
    links = (
        GuardianLink.objects.visible_to(actor, "view")
        .filter(student_id__in_ids=list(by_student), contact_restricted=False)
        .order_by("student_id", "-is_primary_contact", "id")
        .values_list("student_id", "guardian__family_name", "guardian__given_name", "guardian__phone")
    )
    for student_id, student_links in itertools.groupby(links, key=lambda link: link[0]):
        _, family, given, phone = next(student_links)
        row = by_student[student_id]
        row.contact_name = f"{family} {given}"
        row.contact_phone = phone


def may_view_contacts(actor: Any) -> bool:
    """Whether rosters show guardians' names and phone numbers to ``actor`` (a function-level check)."""
    return registry.allows_any(actor, GuardianLink, "view")


def homeroom_roster_list(*, actor: Any, homeroom: Homeroom, query: str = "") -> list[RosterRow]:
    """The pupils of ``homeroom`` on the reference day, by roll number, then pupils from special-needs
    classes who join it as their 交流学級 (marked ``is_exchange``). Two queries."""
    day = reference_day(homeroom.school_year)
    enrolments = _roster_enrolments(
        actor, day, Q(homeroom=homeroom) | Q(exchange_homeroom=homeroom), query
    ).order_by("roll_number", "student__family_name_kana", "student__given_name_kana")
    rows = []
    exchange_rows = []
    for row, _, _ in _rows(enrolments):
        if row.homeroom_id != homeroom.pk:
            row.is_exchange = True
            row.roll_number = None  # the number belongs to the special-needs class
            exchange_rows.append(row)
        else:
            rows.append(row)
    rows += exchange_rows
    _attach_contacts(actor, rows)
    return rows


def school_roster_list(
    *,
    actor: Any,
    school: School,
    homerooms: list[Homeroom],
    query: str = "",
    grade_code: str = "",
    homeroom: Homeroom | None = None,
) -> SchoolRoster:
    """Every pupil enrolled at ``school`` today, grouped by homeroom in grade order; optionally only one
    grade or one homeroom, and only names matching ``query``. Two queries whatever the size.

    ``homerooms`` are the school's homerooms as the actor sees them (for the group headings).
    """
    day = timezone.localdate()
    where = Q(school=school)
    if grade_code:
        where &= Q(grade_level__code=grade_code)
    if homeroom is not None:
        where &= Q(homeroom=homeroom)
    enrolments = _roster_enrolments(actor, day, where, query).order_by(
        "grade_level__order",
        "homeroom__is_special_needs",
        "homeroom__order",
        "homeroom_id",
        "roll_number",
        "student__family_name_kana",
        "student__given_name_kana",
    )
    by_id = {h.pk: h for h in homerooms}
    groups: list[RosterGroup] = []
    rows: list[RosterRow] = []
    key = None
    for row, stage, number in _rows(enrolments):
        room = by_id.get(row.homeroom_id) if row.homeroom_id else None
        if (row.homeroom_id, stage, number) != key:
            key = (row.homeroom_id, stage, number)
            label = room.display_name if room else GradeLevel(stage=stage, number=number).name
            groups.append(RosterGroup(label=label, homeroom=room))
        groups[-1].rows.append(row)
        rows.append(row)
    _attach_contacts(actor, rows)
    return SchoolRoster(groups=groups, total=len(rows))


# --- one pupil ----------------------------------------------------------------------------------


@dataclass
class StudentDetail:
    """What the pupil page shows, already narrowed to the actor."""

    student: Student
    current: Enrolment | None
    enrolments: list[Enrolment]
    events: list[EnrolmentEvent]
    guardian_links: list[GuardianLink] | None  # None: the actor may not see guardians at all
    may_view_address: bool
    class_i_fields: list[str]


def student_detail_get(*, actor: Any, student: Student) -> StudentDetail:
    """The pupil's basic data, enrolment history and guardians as ``actor`` may see them.

    The address (class I) is included only when ``actor`` passes ``view_address`` for this pupil;
    for a pupil under 住所秘匿 that means the principal and office only. The same holds for the
    school a protected pupil moved to. ``class_i_fields`` names what the page will reveal, for the
    access log.
    """
    enrolments = list(
        student.enrolments.visible_to(actor, "view")
        .select_related("school", "school_year", "grade_level", "homeroom__grade_level")
        .order_by("-start_date", "-id")
    )
    events = list(
        student.enrolment_events.visible_to(actor, "view")
        .select_related("enrolment__school", "enrolment__school_year")
        .order_by("-date", "-id")
    )
    links = None
    if registry.allows_any(actor, GuardianLink, "view"):
        links = list(
            student.guardian_links.visible_to(actor, "view")
            .select_related("guardian")
            .order_by("-is_primary_contact", "id")
        )
    may_view_address = Student.objects.filter(pk=student.pk).visible_to(actor, "view_address").exists()
    class_i = []
    if may_view_address:
        class_i += ["postal_code", "address"]
    transfers_out = [e for e in events if e.kind == EventKind.TRANSFER_OUT]
    if student.address_protected and transfers_out:
        if may_view_address:
            class_i.append("transfer_out_school")
        else:
            # The school a protected family moved to is as secret as their address.
            for event in transfers_out:
                event.other_school_name = ""
                event.other_school_address = ""
    if links:
        class_i.append("guardian_links")
    current = next((e for e in enrolments if e.end_date is None), None)
    return StudentDetail(
        student=student,
        current=current,
        enrolments=enrolments,
        events=events,
        guardian_links=links,
        may_view_address=may_view_address,
        class_i_fields=class_i,
    )


# --- home pages ---------------------------------------------------------------------------------


def homeroom_pupil_counts(*, actor: Any, homerooms: Iterable[Homeroom]) -> dict[int, int]:
    """Pupils enrolled today in each homeroom that ``actor`` may view (one query)."""
    ids = [h.pk for h in homerooms]
    if not ids:
        return {}
    rows = (
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(timezone.localdate()), homeroom_id__in=ids)
        .values("homeroom_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["homeroom_id"]: row["n"] for row in rows}


def school_pupil_counts(*, actor: Any, schools: Iterable[School]) -> dict[int, int]:
    """Pupils enrolled today at each school (one query), counted under the ``count`` action.

    ``count`` lets the board see ward-wide figures without any right to the rows themselves:
    only the aggregate leaves this function, never a name.
    """
    ids = [s.pk for s in schools]
    if not ids:
        return {}
    rows = (
        Enrolment.objects.visible_to(actor, "count")
        .filter(enrolled_on(timezone.localdate()), school_id__in=ids)
        .values("school_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["school_id"]: row["n"] for row in rows}


def guardian_children_list(*, actor: Any) -> list[tuple[Student, Enrolment | None]]:
    """The guardian's children (custody, no contact restriction) with today's enrolment. Two queries."""
    children = list(
        Student.objects.visible_to(actor, "view").filter(
            guardian_links__guardian__user=actor,
            guardian_links__has_custody=True,
            guardian_links__contact_restricted=False,
        )
    )
    return _with_current_enrolment(actor, children)


def student_self_get(*, actor: Any) -> tuple[Student, Enrolment | None] | None:
    """The pupil record of a pupil who is logged in, with today's enrolment."""
    pupil = Student.objects.visible_to(actor, "view").filter(user=actor).first()
    if pupil is None:
        return None
    return _with_current_enrolment(actor, [pupil])[0]


def _with_current_enrolment(actor: Any, pupils: list[Student]) -> list[tuple[Student, Enrolment | None]]:
    if not pupils:
        return []
    current = {
        e.student_id: e
        for e in Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(timezone.localdate()), student__in=[p.pk for p in pupils])
        .select_related("school", "school_year", "grade_level", "homeroom__grade_level")
    }
    return [(p, current.get(p.pk)) for p in pupils]


# --- 学籍の異動 ----------------------------------------------------------------------------------


def may_change_student(*, actor: Any, student: Student) -> bool:
    """Whether ``actor`` may record a transfer or withdrawal of ``student`` (the school's principal and
    office, while the pupil is enrolled there)."""
    if not registry.allows_any(actor, Student, "change"):
        return False
    return Student.objects.visible_to(actor, "change").filter(pk=student.pk).exists()


def enrolment_open_for_change(*, actor: Any, student: Student) -> Enrolment | None:
    """The pupil's open enrolment at the actor's school, or None when a transfer or withdrawal has
    already been recorded (the enrolment is closed, perhaps at a later date)."""
    return (
        Enrolment.objects.visible_to(actor, "change")
        .filter(student=student, end_date__isnull=True, start_date__lte=timezone.localdate())
        .select_related("school", "school_year", "grade_level", "homeroom__grade_level")
        .first()
    )


def receiving_school_choices(*, actor: Any, enrolment: Enrolment | None) -> QuerySet[School]:
    """The ward's other schools teaching the pupil's grade (schools are public records)."""
    if enrolment is None:
        return School.objects.none()
    return (
        School.objects.filter(
            board=enrolment.school.board_id, kind__in=_kinds_teaching(enrolment.grade_level)
        )
        .exclude(pk=enrolment.school_id)
        .order_by("kind", "mext_code")
    )


def _kinds_teaching(grade: GradeLevel) -> list[str]:
    from tsunagu.org.models import SchoolKind

    if grade.stage == "P":
        return [SchoolKind.ELEMENTARY, SchoolKind.COMPULSORY]
    return [SchoolKind.JUNIOR_HIGH, SchoolKind.COMPULSORY]


def placement_homeroom_choices(*, actor: Any, enrolment: Enrolment | None) -> QuerySet[Homeroom]:
    """The classes a pupil without one may be placed in: the actor's school's classes of the pupil's
    grade and year, and its special-needs classes."""
    if enrolment is None:
        return Homeroom.objects.none()
    return (
        Homeroom.objects.visible_to(actor, "view")
        .filter(school=enrolment.school_id, school_year=enrolment.school_year_id)
        .filter(Q(grade_level=enrolment.grade_level_id) | Q(is_special_needs=True))
        .select_related("grade_level")
        .order_by("is_special_needs", "order")
    )


# --- roster exports (Excel, CSV, PDF) -------------------------------------------------------------


@dataclass
class RosterExport:
    """A roster ready to be written to a file: the same pupils, filters and order as the page, with the
    class label per row and the pupils' addresses where the actor may see them.

    ``show_address`` is whether the file has an address column at all (roles with some
    ``view_address`` rule); each row's ``address`` is filled only for pupils the actor may see the
    address of, so a pupil under 住所秘匿 has an empty cell unless the actor is the principal or office.
    """

    title: str  # e.g. 4年1組, 4年, or the school's name
    school: School
    rows: list[tuple[str, RosterRow]]  # (class label, row)
    show_contacts: bool
    show_address: bool
    addresses: dict[int, str]
    student_ids: list[int]


def roster_export_get(
    *,
    actor: Any,
    school: School,
    homeroom: Homeroom | None = None,
    homerooms: list[Homeroom] | None = None,
    grade_code: str = "",
    query: str = "",
) -> RosterExport:
    """The roster of ``homeroom`` (the 学級名簿 page's rows, 交流 pupils included) or of ``school`` (the
    全校名簿 page's rows, optionally one grade or one class), as ``actor`` may export it. Three queries
    whatever the size (the rows, the contacts, the addresses)."""
    rows: list[tuple[str, RosterRow]] = []
    if homeroom is not None and homerooms is None:
        title = homeroom.display_name
        rows = [
            (homeroom.display_name, row)
            for row in homeroom_roster_list(actor=actor, homeroom=homeroom, query=query)
        ]
    else:
        roster = school_roster_list(
            actor=actor,
            school=school,
            homerooms=homerooms or [],
            query=query,
            grade_code=grade_code,
            homeroom=homeroom,
        )
        for group in roster.groups:
            rows += [(group.label, row) for row in group.rows]
        if homeroom is not None:
            title = homeroom.display_name
        elif grade_code:
            title = GradeLevel.objects.get(code=grade_code).name
        else:
            title = school.name
    ids = [row.student_id for _, row in rows]
    show_address = registry.allows_any(actor, Student, "view_address")
    addresses: dict[int, str] = {}
    if show_address and ids:
        for pk, postal_code, address in (
            Student.objects.visible_to(actor, "view_address")
            .filter(pk__in=ids)
            .values_list("pk", "postal_code", "address")
        ):
            addresses[pk] = f"〒{postal_code} {address}".strip() if postal_code else address
    return RosterExport(
        title=title,
        school=school,
        rows=rows,
        show_contacts=may_view_contacts(actor),
        show_address=show_address,
        addresses=addresses,
        student_ids=ids,
    )


def pupil_links(*, actor: Any, student: Student) -> list[tuple[str, str]]:
    """(label, URL) of other apps' pages about this pupil that the actor may open: each app offers its
    own through ``<app>/pupil_links.py: pupil_links(actor, student)`` (core.apphooks), so the pupil page
    leads to the karte, the observations, the records without importing those apps."""
    links: list[tuple[str, str]] = []
    for hook in app_hooks("pupil_links", "pupil_links"):
        links.extend(hook(actor, student))
    return links
