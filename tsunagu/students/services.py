"""Writes of 学籍: transfers in and out, withdrawals, and the year roll-over (年次更新).

Every function here is keyword-only, validates before it writes, runs in one transaction and never
overwrites history: a change of school or year closes the enrolment (``end_date``) and opens another,
and each change leaves an :class:`EnrolmentEvent`. Problems are raised as ``ValidationError`` with
Japanese messages keyed by the form field they concern, so a view can show them beside the field.

The actor is authorised here as well as in the view: the enrolment a service closes is looked up
through ``visible_to(actor, "change")``, so a service called from anywhere cannot touch a pupil of
another school. Writes that land outside the actor's own scope (the enrolment a transfer opens at the
receiving school) are part of the service's contract, not a read.

Dates (SCHOOL_AFFAIRS.md §2):

- 転学: the 指導要録 date is the day before the receiving school accepts the pupil. The old enrolment
  ends on that day; ``EnrolmentEvent.date`` holds it and ``left_on`` the day the pupil actually left.
  Inside the ward a new enrolment opens at the receiving school on the acceptance day.
- 退学: ``date`` is the day the withdrawal was approved; the enrolment ends on it.
- 転入学 / 編入学: the enrolment starts on the day the school accepts the pupil.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import unicodedata
import uuid as uuid_module
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from tsunagu.accounts.models import RoleAssignment
from tsunagu.core.text import normalize_for_search
from tsunagu.core.wareki import school_year_bounds, school_year_of, wareki
from tsunagu.org.models import (
    AssignmentKind,
    GradeLevel,
    Homeroom,
    School,
    SchoolYear,
    StaffMember,
    TeachingAssignment,
)
from tsunagu.org.selectors import school_year_on
from tsunagu.org.services import teaching_assignment_create
from tsunagu.students.models import (
    Enrolment,
    EnrolmentEvent,
    EventKind,
    Guardian,
    GuardianLink,
    Relationship,
    Student,
)

# --- shared helpers -----------------------------------------------------------------------------


def _require(condition: bool, field: str, message: str, errors: dict[str, list[str]]) -> None:
    if not condition:
        errors.setdefault(field, []).append(message)


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _authorise_school(actor: Any, school: School, action: str) -> None:
    """PermissionDenied unless ``actor`` may ``action`` at ``school`` (views answer 404 earlier)."""
    if not School.objects.visible_to(actor, action).filter(pk=school.pk).exists():
        raise PermissionDenied


def school_year_for(day: dt.date, *, create: bool = False) -> SchoolYear | None:
    """The 年度 containing ``day``; created with the usual bounds when ``create`` is set."""
    year = school_year_on(day)
    if year is None and create:
        start, end = school_year_bounds(school_year_of(day))
        year, _ = SchoolYear.objects.get_or_create(
            year=school_year_of(day), defaults={"start_date": start, "end_date": end}
        )
    return year


def next_school_year(year: SchoolYear, *, create: bool) -> SchoolYear | None:
    """The 年度 after ``year`` (created with the usual bounds when ``create`` is set)."""
    following = SchoolYear.objects.filter(year=year.year + 1).first()
    if following is None and create:
        start, end = school_year_bounds(year.year + 1)
        following = SchoolYear.objects.create(year=year.year + 1, start_date=start, end_date=end)
    return following


def grade_after(
    grade: GradeLevel, school: School, grades: dict[str, GradeLevel] | None = None
) -> GradeLevel | None:
    """The grade a pupil of ``grade`` is promoted to at ``school``, or None when ``grade`` is the top
    grade the school teaches (the pupil graduates). ``grades`` (by code) saves a query per call."""
    codes = school.grade_codes
    index = codes.index(grade.code) if grade.code in codes else -1
    if index < 0 or index + 1 >= len(codes):
        return None
    if grades is not None:
        return grades[codes[index + 1]]
    return GradeLevel.objects.get(code=codes[index + 1])


def _open_enrolment_for_change(actor: Any, student: Student) -> Enrolment:
    """The pupil's open enrolment at a school where ``actor`` may change enrolments, locked for the
    write; a ValidationError explains why there is none."""
    mine = Enrolment.objects.visible_to(actor, "change").filter(student=student)
    found = mine.filter(end_date__isnull=True).values_list("pk", flat=True).first()
    # Lock the row found through the actor's scope in a plain query without joins (PostgreSQL cannot lock
    # the outer joins of the policy filter or of the default ordering): two offices cannot close it twice.
    enrolment = (
        Enrolment._base_manager.select_for_update()
        .filter(pk=found, end_date__isnull=True)
        .order_by("pk")
        .first()
    )
    if enrolment is None:
        raise ValidationError(
            _(
                "This pupil has no running enrolment at your school: the transfer or withdrawal may "
                "already have been recorded."
            )
        )
    if enrolment.start_date > timezone.localdate() and mine.filter(end_date__isnull=False).exists():
        # The open row is next year's, made by the roll-over; this year's is already closed.
        raise ValidationError(
            _(
                "Next year's enrolment has already been created by the year roll-over. Record the "
                "transfer or withdrawal from the first day of the new school year."
            )
        )
    return enrolment


def _check_end_date(
    enrolment: Enrolment, end: dt.date, field: str, errors: dict[str, list[str]], *, what: str
) -> None:
    """The day an enrolment ends must fall inside it and inside its school year."""
    year = enrolment.school_year
    _require(
        end >= enrolment.start_date,
        field,
        _("%(what)s must be on or after the start of the enrolment (%(start)s).")
        % {"what": what, "start": wareki(enrolment.start_date)},
        errors,
    )
    _require(
        end <= year.end_date,
        field,
        _(
            "%(what)s must fall within %(year)s (until %(end)s). A change in the next school year is "
            "recorded after the year roll-over."
        )
        % {"what": what, "year": year.label, "end": wareki(year.end_date)},
        errors,
    )


# --- 転学 / 退学 --------------------------------------------------------------------------------


@transaction.atomic
def enrolment_transfer_out(
    *,
    actor: Any,
    student: Student,
    accepted_on: dt.date,
    left_on: dt.date | None = None,
    receiving_school: School | None = None,
    other_school_name: str = "",
    other_school_address: str = "",
    reason: str,
) -> EnrolmentEvent:
    """Record a 転学 (transfer out) of ``student`` from the actor's school.

    ``accepted_on`` is the day the receiving school accepts the pupil; the enrolment here ends the day
    before (the 指導要録 date, stored as the event's ``date``). ``left_on`` is the day the pupil actually
    left (defaults to the 指導要録 date). With ``receiving_school`` (a school of the same board) the pupil
    moves inside the ward: an enrolment in the same grade opens there on ``accepted_on`` (class not
    yet chosen), with a 転入学 event naming this school, and that school's staff see the pupil from that
    day. Otherwise ``other_school_name`` (and address) name the school outside the ward.
    """
    enrolment = _open_enrolment_for_change(actor, student)
    old_school = School.objects.get(pk=enrolment.school_id)
    record_date = accepted_on - dt.timedelta(days=1)
    left_on = left_on or record_date
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    _check_end_date(enrolment, record_date, "accepted_on", errors, what=_("The day before acceptance"))
    _require(
        left_on <= record_date,
        "left_on",
        _("The day the pupil left must be no later than the day before acceptance (%(day)s).")
        % {"day": wareki(record_date)},
        errors,
    )
    _require(
        left_on >= enrolment.start_date,
        "left_on",
        _("The day the pupil left must be on or after the start of the enrolment (%(start)s).")
        % {"start": wareki(enrolment.start_date)},
        errors,
    )
    _require(bool(reason), "reason", _("Enter the reason for the transfer."), errors)
    grade = GradeLevel.objects.get(pk=enrolment.grade_level_id)
    if receiving_school is not None:
        _require(
            receiving_school.pk != old_school.pk,
            "receiving_school",
            _("The receiving school is the pupil's current school."),
            errors,
        )
        _require(
            receiving_school.board_id == old_school.board_id,
            "receiving_school",
            _("The receiving school is not a school of this board; enter its name instead."),
            errors,
        )
        _require(
            grade.code in receiving_school.grade_codes,
            "receiving_school",
            _("%(school)s has no %(grade)s.") % {"school": receiving_school.name, "grade": grade.name},
            errors,
        )
        other_school_name = receiving_school.name
        other_school_address = receiving_school.address
    else:
        _require(
            bool(other_school_name.strip()),
            "other_school_name",
            _("Enter the receiving school's name (or choose a school of the ward)."),
            errors,
        )
    _raise_if(errors)

    enrolment.end_date = record_date
    enrolment.save(update_fields=["end_date", "updated_at"])
    event = EnrolmentEvent.objects.create(
        student=student,
        enrolment=enrolment,
        kind=EventKind.TRANSFER_OUT,
        date=record_date,
        left_on=left_on,
        other_school_name=other_school_name.strip(),
        other_school_address=other_school_address.strip(),
        reason=reason,
        recorded_by=actor,
    )
    if receiving_school is not None:
        arrival = Enrolment.objects.create(
            student=student,
            school=receiving_school,
            school_year_id=enrolment.school_year_id,
            grade_level=grade,
            start_date=accepted_on,
        )
        EnrolmentEvent.objects.create(
            student=student,
            enrolment=arrival,
            kind=EventKind.TRANSFER_IN,
            date=accepted_on,
            other_school_name=old_school.name,
            other_school_address=old_school.address,
            reason=reason,
            recorded_by=actor,
        )
    return event


@transaction.atomic
def enrolment_withdraw(
    *, actor: Any, student: Student, date: dt.date, left_on: dt.date | None = None, reason: str
) -> EnrolmentEvent:
    """Record a 退学 (withdrawal) approved on ``date`` — e.g. leaving for a school abroad, or a pupil
    whose whereabouts have been unknown for a year. The enrolment ends on ``date``."""
    enrolment = _open_enrolment_for_change(actor, student)
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    _check_end_date(enrolment, date, "date", errors, what=_("The date of withdrawal"))
    if left_on is not None:
        _require(
            enrolment.start_date <= left_on <= date,
            "left_on",
            _(
                "The day the pupil left must fall between the start of the enrolment and the date of "
                "withdrawal."
            ),
            errors,
        )
    _require(bool(reason), "reason", _("Enter the reason for the withdrawal."), errors)
    _raise_if(errors)
    enrolment.end_date = date
    enrolment.save(update_fields=["end_date", "updated_at"])
    return EnrolmentEvent.objects.create(
        student=student,
        enrolment=enrolment,
        kind=EventKind.WITHDRAWAL,
        date=date,
        left_on=left_on,
        reason=reason,
        recorded_by=actor,
    )


# --- 学級への配置 (placing a pupil in a class) --------------------------------------------------


@transaction.atomic
def _require_homeroom_fits(homeroom: Homeroom, enrolment: Enrolment, errors: dict[str, list[str]]) -> None:
    """A pupil's class must be of the enrolment's school and year, and of its grade unless it is a
    特別支援学級 (which takes pupils of several grades)."""
    _require(
        homeroom.school_id == enrolment.school_id
        and homeroom.school_year_id == enrolment.school_year_id
        and (homeroom.is_special_needs or homeroom.grade_level_id == enrolment.grade_level_id),
        "homeroom",
        _("Choose a class of this school in that grade and school year."),
        errors,
    )


def enrolment_homeroom_assign(
    *, actor: Any, student: Student, homeroom: Homeroom, roll_number: int | None = None
) -> Enrolment:
    """Place a pupil who has no class yet — typically one who arrived by a transfer inside the ward or
    from the 学齢簿 without a class — in ``homeroom`` of their school, grade and year. The enrolment's
    blank class is filled in (the change is kept by the enrolment's history); a pupil who already has
    a class is refused: a change of class is not a placement."""
    enrolment = _open_enrolment_for_change(actor, student)
    errors: dict[str, list[str]] = {}
    _require(
        enrolment.homeroom_id is None,
        "homeroom",
        _("The pupil already has a class."),
        errors,
    )
    _require_homeroom_fits(homeroom, enrolment, errors)
    if roll_number is not None and not homeroom.is_special_needs:
        taken = (
            Enrolment.objects.visible_to(actor, "change")
            .filter(homeroom=homeroom, roll_number=roll_number, end_date__isnull=True)
            .exists()
        )
        _require(
            not taken,
            "roll_number",
            _("Roll number %(n)s is already used in %(homeroom)s.")
            % {"n": roll_number, "homeroom": homeroom.display_name},
            errors,
        )
    _raise_if(errors)
    enrolment.homeroom = homeroom
    enrolment.roll_number = None if homeroom.is_special_needs else roll_number
    enrolment.save(update_fields=["homeroom", "roll_number", "updated_at"])
    return enrolment


# --- 氏名変更 and 転級 (a change of name, or of class or 出席番号, during the year) -------------------

#: The name fields ``student_update`` changes: the names in kanji and their readings.
NAME_FIELDS = ("family_name", "given_name", "family_name_kana", "given_name_kana")
#: A reading as stored: hiragana (``normalize_kana`` turns katakana of any width into it).
READING = re.compile(r"^[ぁ-ゖゝゞー・]+$")


def _pupil_for_change(actor: Any, student: Student) -> Student:
    """``student`` locked for the write, if ``actor`` may change the pupil (the principal and office of
    the school the pupil is enrolled at); PermissionDenied otherwise (views answer 404 earlier)."""
    if not Student.objects.visible_to(actor, "change").filter(pk=student.pk).exists():
        raise PermissionDenied
    return Student._base_manager.select_for_update().get(pk=student.pk)


@transaction.atomic
def student_update(*, actor: Any, student: Student, changes: dict[str, str], reason: str) -> Student:
    """氏名変更: change a pupil's names and readings (``changes``: any of :data:`NAME_FIELDS`), e.g. after
    a guardian's change of family name. Readings are stored in hiragana (katakana of either width is
    accepted and converted); anything else is refused. The pupil's change history keeps the old names,
    with ``reason`` and the actor. Nothing is written when nothing changes (a ValidationError says so)."""
    locked = _pupil_for_change(actor, student)
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(changes) - set(NAME_FIELDS))
    if unknown:
        raise ValueError(f"student_update changes only names and readings, not {', '.join(unknown)}")
    new: dict[str, str] = {}
    for name, value in changes.items():
        value = value.strip()
        if name.endswith("_kana"):
            value = normalize_kana(value)
            _require(
                not value or bool(READING.match(value)),
                name,
                _("Write the reading in hiragana or katakana."),
                errors,
            )
        _require(bool(value), name, _("This field is required."), errors)
        _require(len(value) <= 50, name, _("At most 50 characters."), errors)
        new[name] = value
    reason = reason.strip()
    _require(bool(reason), "reason", _("Enter the reason for the change."), errors)
    _require(len(reason) <= 100, "reason", _("At most 100 characters."), errors)
    _raise_if(errors)
    changed = [name for name, value in new.items() if getattr(locked, name) != value]
    if not changed:
        raise ValidationError(_("The name and reading are unchanged."))
    _history_baseline(locked)
    for name in changed:
        setattr(locked, name, new[name])
    _history_note(locked, actor, reason)
    locked.save(update_fields=[*changed, "search_key", "updated_at"])
    for name in changed:
        setattr(student, name, new[name])
    student.search_key = locked.search_key
    return locked


def _history_note(instance: Student | Enrolment, actor: Any, reason: str) -> None:
    """Who made the next save of ``instance`` and why, for its change history (django-simple-history
    reads these attributes when it writes the history row)."""
    instance._change_reason = reason  # type: ignore[union-attr]
    instance._history_user = actor  # type: ignore[union-attr]


def _history_baseline(instance: Student | Enrolment) -> None:
    """Before a change, record the row as it is when its change history is empty (rows written in bulk
    by the 学齢簿 import or the demo have none), so the history shows what the change replaced."""
    manager = type(instance).history
    if not manager.filter(id=instance.pk).exists():
        manager.bulk_history_create(
            [instance], update=True, default_change_reason=_("State before the first recorded change")
        )


def _enrolment_on(actor: Any, student: Student, day: dt.date) -> Enrolment:
    """The pupil's enrolment on ``day`` at a school where ``actor`` may change enrolments, locked."""
    from tsunagu.students.selectors import enrolled_on

    found = (
        Enrolment.objects.visible_to(actor, "change")
        .filter(enrolled_on(day), student=student)
        .values_list("pk", flat=True)
        .first()
    )
    enrolment = Enrolment._base_manager.select_for_update().filter(pk=found).order_by("pk").first()
    if enrolment is None:
        raise ValidationError(
            {"on_date": _("The pupil is not enrolled at your school on %(day)s.") % {"day": wareki(day)}}
        )
    return enrolment


def roll_number_taken(
    *, homeroom: Homeroom, number: int, on_date: dt.date, excluding: Iterable[int] = ()
) -> bool:
    """Whether a pupil other than the enrolments ``excluding`` holds ``number`` in ``homeroom`` on
    ``on_date`` or later (an enrolment that ends before ``on_date`` frees its number)."""
    return (
        Enrolment._base_manager.filter(homeroom=homeroom, roll_number=number)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on_date))
        .exclude(pk__in=list(excluding))
        .exists()
    )


@transaction.atomic
def enrolment_homeroom_change(
    *,
    actor: Any,
    enrolment_or_student: Enrolment | Student,
    homeroom: Homeroom,
    number: int | None,
    on_date: dt.date,
    reason: str,
    check_number: bool = True,
) -> Enrolment:
    """転級 or a new 出席番号 during the year, from ``on_date``: e.g. into a 特別支援学級, or renumbering.

    History is kept as for a transfer: the enrolment running on ``on_date`` ends the day before and a
    new one (same school, year and grade) opens on ``on_date`` in ``homeroom`` with ``number``, so the
    register, rosters and exports find the pupil in the old class until the change and in the new one
    from it. A change on the enrolment's first day corrects the placement instead (the enrolment's
    change history keeps the old class). Moving into a 特別支援学級 keeps the old class as the
    交流学級 and drops the number (it belongs to the 交流学級); moving into a regular class drops the
    交流学級.

    Refused: a class of another school, year or grade; a number another pupil holds in the class from
    that day (``check_number=False`` only for a caller that checks the whole class's numbering after
    its writes, as the OneRoster apply does when numbers are swapped); a date outside the school year,
    before the enrolment began, or in the future; no change at all.
    """
    if isinstance(enrolment_or_student, Student):
        student = enrolment_or_student
        enrolment = _enrolment_on(actor, student, on_date)
    else:
        student = Student._base_manager.get(pk=enrolment_or_student.student_id)
        if not Enrolment.objects.visible_to(actor, "change").filter(pk=enrolment_or_student.pk).exists():
            raise PermissionDenied
        enrolment = Enrolment._base_manager.select_for_update().get(pk=enrolment_or_student.pk)
    year = SchoolYear.objects.get(pk=enrolment.school_year_id)
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    _require_homeroom_fits(homeroom, enrolment, errors)
    if not year.start_date <= on_date <= year.end_date:
        errors.setdefault("on_date", []).append(
            _("The date must fall within %(year)s (%(start)s to %(end)s).")
            % {"year": year.label, "start": wareki(year.start_date), "end": wareki(year.end_date)}
        )
    elif on_date < enrolment.start_date:
        errors.setdefault("on_date", []).append(
            _("The date must fall within the pupil's enrolment in this class (from %(start)s).")
            % {"start": wareki(enrolment.start_date)}
        )
    _require(
        on_date <= timezone.localdate(),
        "on_date",
        _("A change of class is recorded on or after the day it takes effect."),
        errors,
    )
    if enrolment.end_date is not None and on_date <= enrolment.end_date:
        _require(
            False,
            "on_date",
            _(
                "The pupil's enrolment ends on %(end)s (a transfer, withdrawal or the year roll-over is "
                "recorded): a change of class is no longer possible in it."
            )
            % {"end": wareki(enrolment.end_date)},
            errors,
        )
    regular = not homeroom.is_special_needs
    if regular:
        _require(number is not None, "number", _("Enter the roll number in the new class."), errors)
    _require(number is None or 1 <= number <= 99, "number", _("A roll number is from 1 to 99."), errors)
    if regular and number is not None and check_number:
        _require(
            not roll_number_taken(
                homeroom=homeroom, number=number, on_date=on_date, excluding=[enrolment.pk]
            ),
            "number",
            _("Roll number %(n)s is already used in %(homeroom)s.")
            % {"n": number, "homeroom": homeroom.display_name},
            errors,
        )
    _require(bool(reason), "reason", _("Enter the reason for the change."), errors)
    _require(len(reason) <= 100, "reason", _("At most 100 characters."), errors)
    _raise_if(errors)
    new_number = number if regular else None
    if enrolment.homeroom_id == homeroom.pk and enrolment.roll_number == new_number:
        raise ValidationError(
            _("The pupil is already in %(homeroom)s with that roll number.")
            % {"homeroom": homeroom.display_name}
        )
    if regular:
        exchange_id = None
    elif (
        enrolment.homeroom_id is not None
        and not Homeroom.objects.filter(pk=enrolment.homeroom_id, is_special_needs=True).exists()
    ):
        exchange_id = enrolment.homeroom_id  # the class the pupil leaves becomes the 交流学級
    else:
        exchange_id = enrolment.exchange_homeroom_id

    _history_baseline(enrolment)
    if on_date == enrolment.start_date:
        enrolment.homeroom = homeroom
        enrolment.roll_number = new_number
        enrolment.exchange_homeroom_id = exchange_id
        _history_note(enrolment, actor, reason)
        enrolment.save(update_fields=["homeroom", "roll_number", "exchange_homeroom", "updated_at"])
        return enrolment
    enrolment.end_date = on_date - dt.timedelta(days=1)
    _history_note(enrolment, actor, reason)
    enrolment.save(update_fields=["end_date", "updated_at"])
    opened = Enrolment(
        student=student,
        school_id=enrolment.school_id,
        school_year_id=enrolment.school_year_id,
        grade_level_id=enrolment.grade_level_id,
        homeroom=homeroom,
        exchange_homeroom_id=exchange_id,
        roll_number=new_number,
        start_date=on_date,
    )
    _history_note(opened, actor, reason)
    opened.save()
    return opened


# --- 転入学 / 編入学 ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PupilData:
    """A new pupil's basic data (指導要録 様式1: 氏名, ふりがな, 性別, 生年月日, 現住所)."""

    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    sex: str
    birth_date: dt.date
    postal_code: str = ""
    address: str = ""


@dataclasses.dataclass(frozen=True)
class GuardianData:
    """A guardian to link to a new pupil (保護者)."""

    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    relationship: str = Relationship.MOTHER
    phone: str = ""


ARRIVAL_KINDS = (EventKind.TRANSFER_IN, EventKind.ADMISSION)


def _same_pupil(pupil: PupilData) -> Q:
    """Pupils with the same name, reading and date of birth as ``pupil``."""
    return Q(
        family_name=pupil.family_name,
        given_name=pupil.given_name,
        family_name_kana=pupil.family_name_kana,
        given_name_kana=pupil.given_name_kana,
        birth_date=pupil.birth_date,
    )


def student_create(*, pupil: PupilData, guardian: GuardianData | None = None) -> Student:
    """A new pupil record, with a guardian (the primary contact, at the pupil's address) if given.
    Callers run it inside their own transaction, with the enrolment and the event that explain it."""
    student = Student(**dataclasses.asdict(pupil))
    student.full_clean()
    student.save()
    if guardian is not None:
        data = dataclasses.asdict(guardian)
        relationship = data.pop("relationship")
        parent = Guardian(**data, postal_code=pupil.postal_code, address=pupil.address)
        parent.full_clean()
        parent.save()
        GuardianLink.objects.create(
            student=student, guardian=parent, relationship=relationship, is_primary_contact=True
        )
    return student


@transaction.atomic
def student_arrival_record(
    *,
    actor: Any,
    school: School,
    kind: str,
    date: dt.date,
    grade_level: GradeLevel,
    pupil: PupilData,
    guardian: GuardianData | None = None,
    homeroom: Homeroom | None = None,
    roll_number: int | None = None,
    previous_school_name: str = "",
    previous_school_address: str = "",
    reason: str,
) -> Enrolment:
    """Record a pupil arriving from outside the ward: 転入学 (``TRANSFER_IN``, from another school) or
    編入学 (``ADMISSION``, e.g. from abroad or after 就学猶予). Creates the pupil, the enrolment from
    ``date`` and the event naming the previous school and the reason."""
    _authorise_school(actor, school, "enrol")
    errors: dict[str, list[str]] = {}
    _require(kind in ARRIVAL_KINDS, "kind", _("Choose transfer in or admission."), errors)
    year = school_year_for(date)
    _require(
        year is not None,
        "date",
        _("No school year containing %(day)s is set up yet.") % {"day": wareki(date)},
        errors,
    )
    _require(
        grade_level.code in school.grade_codes,
        "grade_level",
        _("%(school)s has no %(grade)s.") % {"school": school.name, "grade": grade_level.name},
        errors,
    )
    _require(
        pupil.birth_date < date,
        "birth_date",
        _("The date of birth must be before the date of arrival."),
        errors,
    )
    if homeroom is not None:
        _require(
            homeroom.school_id == school.pk
            and year is not None
            and homeroom.school_year_id == year.pk
            and (homeroom.is_special_needs or homeroom.grade_level_id == grade_level.pk),
            "homeroom",
            _("Choose a class of this school in that grade and school year."),
            errors,
        )
        if roll_number is not None:
            taken = (
                Enrolment.objects.visible_to(actor, "change")
                .filter(homeroom=homeroom, roll_number=roll_number)
                .filter(Q(end_date__isnull=True) | Q(end_date__gte=date))
                .exists()
            )
            _require(
                not taken,
                "roll_number",
                _("Roll number %(n)s is already used in %(homeroom)s.")
                % {"n": roll_number, "homeroom": homeroom.display_name},
                errors,
            )
    if kind == EventKind.TRANSFER_IN:
        _require(
            bool(previous_school_name.strip()),
            "previous_school_name",
            _("Enter the name of the previous school."),
            errors,
        )
    _require(bool(reason.strip()), "reason", _("Enter the reason."), errors)
    duplicate = (
        Enrolment.objects.visible_to(actor, "change")
        .filter(school=school, end_date__isnull=True)
        .filter(student__in=Student.objects.visible_to(actor, "change").filter(_same_pupil(pupil)))
        .exists()
    )
    _require(
        not duplicate,
        "family_name",
        _("A pupil with the same name and date of birth is already enrolled at this school."),
        errors,
    )
    _raise_if(errors)
    assert year is not None
    student = student_create(pupil=pupil, guardian=guardian)
    enrolment = Enrolment.objects.create(
        student=student,
        school=school,
        school_year=year,
        grade_level=grade_level,
        homeroom=homeroom,
        roll_number=roll_number if homeroom is not None else None,
        start_date=date,
    )
    EnrolmentEvent.objects.create(
        student=student,
        enrolment=enrolment,
        kind=kind,
        date=date,
        other_school_name=previous_school_name.strip(),
        other_school_address=previous_school_address.strip(),
        reason=reason.strip(),
        recorded_by=actor,
    )
    return enrolment


# --- 年次更新 (year roll-over) --------------------------------------------------------------------


@dataclasses.dataclass
class RolloverChange:
    """One pupil's change in the roll-over (a line of the 仮 run)."""

    enrolment_id: int
    student_uuid: uuid_module.UUID
    name: str
    kana: str
    from_grade: str
    from_class: str
    from_roll: int | None
    graduates: bool
    to_grade_code: str = ""
    to_grade: str = ""
    to_room: tuple[str, str] | None = None  # (grade code of the homeroom, class name)
    to_class: str = ""  # the homeroom's display name
    to_roll: int | None = None
    from_table: bool = False  # the class comes from the uploaded class-formation table


@dataclasses.dataclass
class NewHomeroom:
    """A homeroom of next year that the roll-over creates (or finds already there)."""

    grade_code: str
    name: str
    order: int
    is_special_needs: bool
    exists: bool = False

    @property
    def label(self) -> str:
        """The display name the homeroom will have (4年1組, 2年1組 at a junior high, ひまわり学級)."""
        return self.name if self.is_special_needs else f"{self.grade_code[1:]}年{self.name}"


@dataclasses.dataclass
class HomeroomTeacher:
    """Next year's homeroom teacher of a class, from the 担任 column of the class-formation table."""

    room: tuple[str, str]  # (grade code, class name), as ``RolloverChange.to_room``
    label: str  # 5年1組
    staff_id: int
    staff_name: str
    exists: bool = False  # the teacher is already assigned to that class next year


@dataclasses.dataclass
class RolloverPlan:
    """Everything the roll-over of one school will do — shown as the 仮 (provisional) run and then
    committed unchanged (the commit recomputes it and refuses if it differs from the preview)."""

    school: School
    from_year: SchoolYear
    to_year_number: int
    graduation_date: dt.date
    changes: list[RolloverChange]
    homerooms: list[NewHomeroom]
    assignments_to_close: list[tuple[int, str]]  # (role assignment id, description)
    already_rolled: int  # pupils whose next-year enrolment the roll-over has already made
    homeroom_teachers: list[HomeroomTeacher] = dataclasses.field(default_factory=list)

    @property
    def promotions(self) -> list[RolloverChange]:
        return [c for c in self.changes if not c.graduates]

    @property
    def graduations(self) -> list[RolloverChange]:
        return [c for c in self.changes if c.graduates]

    @property
    def new_homerooms(self) -> list[NewHomeroom]:
        return [h for h in self.homerooms if not h.exists]

    @property
    def is_empty(self) -> bool:
        return (
            not self.changes
            and not self.new_homerooms
            and not self.assignments_to_close
            and all(t.exists for t in self.homeroom_teachers)
        )

    @property
    def digest(self) -> str:
        """A fingerprint of every change, so a commit can check it writes what the preview showed."""
        parts = [f"{self.school.pk}|{self.from_year.pk}|{self.graduation_date}"]
        parts += [f"{c.enrolment_id}|{c.graduates}|{c.to_room}|{c.to_roll}" for c in self.changes]
        parts += [f"{h.grade_code}|{h.name}|{h.exists}" for h in self.homerooms]
        parts += [str(a) for a, _ in self.assignments_to_close]
        parts += [f"{t.room}|{t.staff_id}|{t.exists}" for t in self.homeroom_teachers]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


#: A class-formation table: pupil UUID → (new class name, new roll number or None).
Formation = dict[uuid_module.UUID, tuple[str, int | None]]

_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CLASS_NUMBER = re.compile(r"(\d+)")
_GRADE_ORDER = {code: i for i, code in enumerate(["P1", "P2", "P3", "P4", "P5", "P6", "J1", "J2", "J3"])}


def _class_order(name: str, fallback: int) -> int:
    match = _CLASS_NUMBER.search(name.translate(_DIGITS))
    return int(match.group(1)) if match else fallback


def year_rollover_plan(
    *,
    actor: Any,
    school: School,
    from_year: SchoolYear,
    graduation_date: dt.date | None = None,
    formation: Formation | None = None,
    teachers: dict[uuid_module.UUID, str] | None = None,
) -> RolloverPlan:
    """The 仮 run of 年次更新 at ``school`` from ``from_year``: who is promoted to which class (the
    class-formation table, else the same class name), who graduates, which homerooms of next year are
    created and which of this year's role assignments are closed. Writes nothing.

    Next year keeps this year's class structure (every grade, special-needs classes too) plus any class
    the table names. Special-needs pupils stay in their special-needs class one grade up; a 交流学級
    follows its class name. Roll numbers come from the table where given; the rest follow in kana
    order within each new class. ``teachers`` (the table's 担任 column: pupil → staff name or login)
    names next year's homeroom teacher of each class the pupils go to; the commit assigns them.
    """
    _authorise_school(actor, school, "rollover")
    graduation_date = graduation_date or from_year.end_date
    if not from_year.contains(graduation_date):
        raise ValidationError(
            {
                "graduation_date": _("The graduation date must fall within %(year)s.")
                % {"year": from_year.label}
            }
        )
    formation = formation or {}
    to_year = next_school_year(from_year, create=False)
    enrolments = list(
        Enrolment.objects.visible_to(actor, "change")
        .filter(school=school, school_year=from_year, end_date__isnull=True)
        .select_related("student", "grade_level", "homeroom__grade_level")
        .order_by("grade_level__order", "homeroom__order", "roll_number", "student__family_name_kana")
    )
    already = 0
    if to_year is not None:
        already = (
            Enrolment.objects.visible_to(actor, "change")
            .filter(school=school, school_year=to_year, events__kind=EventKind.PROMOTION)
            .count()
        )
    errors: list[str] = []
    known = {e.student.uuid for e in enrolments}
    unknown = [str(u) for u in formation if u not in known]
    if unknown:
        errors.append(
            _("The class-formation table names pupils who are not promoted at this school: %(ids)s")
            % {"ids": ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")}
        )
    this_years_rooms = list(
        Homeroom.objects.filter(school=school, school_year=from_year).select_related("grade_level")
    )
    special_rooms = {r.name: r for r in this_years_rooms if r.is_special_needs}
    grades = {g.code: g for g in GradeLevel.objects.all()}
    homerooms: dict[tuple[str, str], NewHomeroom] = {}

    def need(grade_code: str, name: str, order: int, special: bool) -> tuple[str, str]:
        homerooms.setdefault((grade_code, name), NewHomeroom(grade_code, name, order, special))
        return (grade_code, name)

    for room in this_years_rooms:
        need(room.grade_level.code, room.name, room.order, room.is_special_needs)

    changes: list[RolloverChange] = []
    for e in enrolments:
        room = e.homeroom
        change = RolloverChange(
            enrolment_id=e.pk,
            student_uuid=e.student.uuid,
            name=e.student.full_name,
            kana=e.student.full_name_kana,
            from_grade=e.grade_level.name,
            from_class=room.display_name if room else "",
            from_roll=e.roll_number,
            graduates=False,
        )
        changes.append(change)
        target = grade_after(e.grade_level, school, grades)
        if target is None:
            change.graduates = True
            if e.start_date > graduation_date:
                errors.append(_("%(name)s joined after the graduation date.") % {"name": e.student.full_name})
            continue
        change.to_grade_code, change.to_grade = target.code, target.name
        name, roll = formation.get(e.student.uuid, ("", None))
        change.from_table = bool(name)
        change.to_roll = roll
        name = name or (room.name if room else "")
        if not name:
            continue  # not placed in a class this year: not placed next year either
        special = special_rooms.get(name)
        if special is not None:
            change.to_room = need(special.grade_level.code, name, special.order, True)
        else:
            fallback = room.order if room and not room.is_special_needs else 1
            change.to_room = need(target.code, name, _class_order(name, fallback), False)

    # Roll numbers: from the table where given, then the others in kana order within each class.
    by_room: dict[tuple[str, str], list[RolloverChange]] = defaultdict(list)
    for c in changes:
        if c.to_room is not None:
            by_room[c.to_room].append(c)
    for key, members in by_room.items():
        room_plan = homerooms[key]
        given = [c.to_roll for c in members if c.to_roll is not None]
        if len(given) != len(set(given)):
            errors.append(
                _("Roll numbers are repeated in %(homeroom)s of the class-formation table.")
                % {"homeroom": room_plan.label}
            )
        for c in members:
            c.to_class = room_plan.label
        if room_plan.is_special_needs:
            for c in members:
                c.to_roll = None  # the number belongs to the pupil's 交流学級
            continue
        following = max(given, default=0)
        for c in sorted((c for c in members if c.to_roll is None), key=lambda c: c.kana):
            following += 1
            c.to_roll = following
    homeroom_teachers = _homeroom_teachers(actor, school, changes, homerooms, teachers or {}, errors)
    if errors:
        raise ValidationError(errors)

    if to_year is not None:
        assigned = set(
            TeachingAssignment.objects.visible_to(actor, "view")
            .filter(school=school, school_year=to_year, kind=AssignmentKind.HOMEROOM)
            .values_list("homeroom__grade_level__code", "homeroom__name", "staff_member_id")
        )
        for t in homeroom_teachers:
            t.exists = (*t.room, t.staff_id) in assigned
        existing = set(
            Homeroom.objects.filter(school=school, school_year=to_year).values_list(
                "grade_level__code", "name"
            )
        )
        for key, room_plan in homerooms.items():
            room_plan.exists = key in existing

    closing = (
        RoleAssignment.objects.filter(school_year=from_year)
        .filter(Q(school=school) | Q(homeroom__school=school) | Q(teaching_group__school=school))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=from_year.end_date))
        .select_related("user", "homeroom__grade_level", "teaching_group", "school")
        .order_by("role", "id")
    )
    assignments = [(a.pk, f"{a.user} — {a.get_role_display()}（{_scope_label(a)}）") for a in closing]
    return RolloverPlan(
        school=school,
        from_year=from_year,
        to_year_number=from_year.year + 1,
        graduation_date=graduation_date,
        changes=changes,
        homerooms=sorted(
            homerooms.values(),
            key=lambda h: (_GRADE_ORDER.get(h.grade_code, 99), h.is_special_needs, h.order, h.name),
        ),
        assignments_to_close=assignments,
        already_rolled=already,
        homeroom_teachers=homeroom_teachers,
    )


def _staff_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("\u3000", "").casefold()


def _homeroom_teachers(
    actor: Any,
    school: School,
    changes: list[RolloverChange],
    homerooms: dict[tuple[str, str], NewHomeroom],
    teachers: dict[uuid_module.UUID, str],
    errors: list[str],
) -> list[HomeroomTeacher]:
    """Next year's homeroom teachers named in the table, one per class; a name that is not one of the
    school's active staff, or two teachers named for one class, is an error."""
    if not teachers:
        return []
    staff: dict[str, StaffMember] = {}
    for member in (
        StaffMember.objects.visible_to(actor, "view")
        .filter(school=school, is_active=True)
        .select_related("user")
        .order_by("pk")
    ):
        staff.setdefault(_staff_key(member.family_name + member.given_name), member)
        if member.user is not None:
            staff.setdefault(_staff_key(member.user.get_username()), member)
    by_room: dict[tuple[str, str], StaffMember] = {}
    for change in changes:
        name = teachers.get(change.student_uuid)
        if not name or change.to_room is None:
            continue
        member = staff.get(_staff_key(name))
        if member is None:
            errors.append(
                _("The homeroom teacher “%(name)s” is not a member of staff of this school.") % {"name": name}
            )
            continue
        other = by_room.setdefault(change.to_room, member)
        if other.pk != member.pk:
            errors.append(
                _("Two homeroom teachers are named for %(homeroom)s: %(a)s and %(b)s.")
                % {
                    "homeroom": homerooms[change.to_room].label,
                    "a": f"{other.family_name} {other.given_name}",
                    "b": f"{member.family_name} {member.given_name}",
                }
            )
    return [
        HomeroomTeacher(
            room=room,
            label=homerooms[room].label,
            staff_id=member.pk,
            staff_name=f"{member.family_name} {member.given_name}",
        )
        for room, member in sorted(
            by_room.items(), key=lambda item: (_GRADE_ORDER.get(item[0][0], 99), item[0][1])
        )
    ]


def _scope_label(a: RoleAssignment) -> str:
    if a.homeroom is not None:
        return a.homeroom.display_name
    if a.teaching_group is not None:
        return a.teaching_group.name
    return str(a.school or "")


#: Called once per pupil while the roll-over writes (tests set it to fail midway; nothing else should).
_rollover_checkpoint: Callable[[RolloverChange], None] | None = None


@transaction.atomic
def year_rollover_commit(
    *,
    actor: Any,
    school: School,
    from_year: SchoolYear,
    graduation_date: dt.date | None = None,
    formation: Formation | None = None,
    teachers: dict[uuid_module.UUID, str] | None = None,
    expected_digest: str | None = None,
) -> RolloverPlan:
    """Carry out 年次更新 at ``school``: exactly the plan :func:`year_rollover_plan` shows.

    All or nothing: a failure at any pupil leaves this year as it was. Safe to run again — pupils
    already rolled over have no open enrolment left in ``from_year``, so a second run changes nothing.
    With ``expected_digest`` (from the preview) the commit refuses when the plan has changed since.
    """
    plan = year_rollover_plan(
        actor=actor,
        school=school,
        from_year=from_year,
        graduation_date=graduation_date,
        formation=formation,
        teachers=teachers,
    )
    if plan.is_empty:
        return plan  # already rolled over (a second click on the confirm button lands here too)
    if expected_digest is not None and plan.digest != expected_digest:
        raise ValidationError(
            _("The roster has changed since the preview was made. Check the new preview and confirm again.")
        )
    to_year = next_school_year(from_year, create=True)
    assert to_year is not None
    grades = {g.code: g for g in GradeLevel.objects.all()}
    rooms: dict[tuple[str, str], Homeroom] = {
        (h.grade_level.code, h.name): h
        for h in Homeroom.objects.filter(school=school, school_year=to_year).select_related("grade_level")
    }
    # The plan knows which homerooms exist already: check each new one's fields here and let the
    # database's unique constraint guard the rest (a per-room unique check costs a query each).
    new_rooms = []
    for h in plan.homerooms:
        if (h.grade_code, h.name) in rooms:
            continue
        room = Homeroom(
            school=school,
            school_year=to_year,
            grade_level=grades[h.grade_code],
            name=h.name,
            order=h.order,
            is_special_needs=h.is_special_needs,
        )
        room.full_clean(validate_unique=False, validate_constraints=False)
        new_rooms.append(room)
    for room in Homeroom.objects.bulk_create(new_rooms, batch_size=500):
        rooms[(room.grade_level.code, room.name)] = room

    scoped = Enrolment.objects.visible_to(actor, "change")
    enrolments = {
        e.pk: e
        for e in scoped.filter(pk__in=[c.enrolment_id for c in plan.changes]).select_related(
            "exchange_homeroom"
        )
    }
    closed: list[Enrolment] = []
    opened: list[Enrolment] = []
    events: list[EnrolmentEvent] = []
    for change in plan.changes:
        if _rollover_checkpoint is not None:
            _rollover_checkpoint(change)
        old = enrolments[change.enrolment_id]
        closed.append(old)
        if change.graduates:
            old.end_date = plan.graduation_date
            events.append(
                EnrolmentEvent(
                    student_id=old.student_id,
                    enrolment=old,
                    kind=EventKind.GRADUATION,
                    date=plan.graduation_date,
                    recorded_by=actor,
                )
            )
            continue
        old.end_date = from_year.end_date
        exchange = None
        if old.exchange_homeroom is not None:
            exchange = rooms.get((change.to_grade_code, old.exchange_homeroom.name))
        target = rooms[change.to_room] if change.to_room else None
        opened.append(
            Enrolment(
                student_id=old.student_id,
                school=school,
                school_year=to_year,
                grade_level=grades[change.to_grade_code],
                homeroom=target,
                exchange_homeroom=exchange,
                roll_number=change.to_roll if target is not None else None,
                start_date=to_year.start_date,
            )
        )
    # Close first: a pupil may have only one open enrolment (a database constraint).
    # One UPDATE per end date (not a CASE per row, which is what bulk_update writes), then the
    # history rows in bulk, as bulk_update_with_history would.
    by_end: dict[dt.date, list[int]] = defaultdict(list)
    for enrolment in closed:
        assert enrolment.end_date is not None
        by_end[enrolment.end_date].append(enrolment.pk)
    for end, pks in by_end.items():
        for start in range(0, len(pks), 500):
            scoped.filter(pk__in=pks[start : start + 500]).update(end_date=end)
    Enrolment.history.bulk_history_create(closed, batch_size=500, update=True, default_user=actor)
    bulk_create_with_history(opened, Enrolment, batch_size=500, default_user=actor)
    events += [
        EnrolmentEvent(
            student_id=e.student_id,
            enrolment=e,
            kind=EventKind.PROMOTION,
            date=to_year.start_date,
            recorded_by=actor,
        )
        for e in opened
    ]
    EnrolmentEvent.objects.bulk_create(events, batch_size=500)
    members = {
        m.pk: m
        for m in StaffMember.objects.visible_to(actor, "view").filter(
            pk__in=[t.staff_id for t in plan.homeroom_teachers if not t.exists]
        )
    }
    for t in plan.homeroom_teachers:
        if not t.exists:
            # Through org's service: the teaching assignment and the role it grants for next year.
            teaching_assignment_create(
                staff_member=members[t.staff_id],
                kind=AssignmentKind.HOMEROOM,
                school_year=to_year,
                homeroom=rooms[t.room],
            )
    ids = [a for a, _ in plan.assignments_to_close]
    if ids:
        # One UPDATE (not a CASE per row, as bulk_update writes), then the history rows in bulk.
        grants = list(RoleAssignment.objects.filter(pk__in=ids))
        for grant in grants:
            grant.ends_on = from_year.end_date
        for start in range(0, len(ids), 500):
            RoleAssignment.objects.filter(pk__in=ids[start : start + 500]).update(ends_on=from_year.end_date)
        RoleAssignment.history.bulk_history_create(grants, batch_size=500, update=True, default_user=actor)
    return plan


def formation_template_rows(*, actor: Any, school: School, from_year: SchoolYear) -> Iterable[list[str]]:
    """The class-formation table to fill in: one line per pupil to be promoted, with the class the
    default keeps (the same class name). Edit 新学級 and 新出席番号 and upload it again."""
    plan = year_rollover_plan(actor=actor, school=school, from_year=from_year)
    yield list(FORMATION_COLUMNS)
    for c in plan.promotions:
        yield [
            str(c.student_uuid),
            c.from_grade,
            c.from_class,
            "" if c.from_roll is None else str(c.from_roll),
            c.name,
            c.kana,
            c.to_grade,
            c.to_room[1] if c.to_room else "",
            "",
            "",
        ]


FORMATION_COLUMNS = (
    "児童生徒ID",
    "現学年",
    "現学級",
    "出席番号",
    "氏名",
    "ふりがな",
    "新学年",
    "新学級",
    "新出席番号",
    "担任",
)


def normalize_kana(text: str) -> str:
    """Readings are stored in hiragana, whatever width or kana the source used."""
    import jaconv

    return jaconv.kata2hira(jaconv.h2z(text.strip(), kana=True, ascii=False, digit=False)).replace(" ", "")


def pupil_search_key(pupil: PupilData) -> str:
    return normalize_for_search(
        f"{pupil.family_name} {pupil.given_name} {pupil.family_name_kana} {pupil.given_name_kana}"
    )
