"""Writes of 学校感染症: diagnoses, their 出席停止 periods in the register, and 学級閉鎖 proposals.

Flow: the nurse records a diagnosis (:func:`infection_record`), which stores the period the law gives
(:func:`~tsunagu.infection.diseases.exclusion_period`) as a proposal; the nurse confirms it, adjusting
the days with a reason if needed (:func:`infection_confirm`); confirming writes 出席停止（感染症） into the
register for every instructional day of the period (:func:`_sync_register`, through attendance's
``marks_write``). Entering a missing date
later (:func:`infection_dates_update`) recomputes and extends a provisional period.

Which register marks a suspension replaces: none (a day not taken yet, or taken as present — the
pupil may have come in on the day of onset, but the nurse's confirmed period is what counts),
病欠 and 事故欠 (the usual guess before the diagnosis was known) and an earlier 出席停止（感染症）. Every
other mark (遅刻, 早退, 忌引, 出席扱い, other suspensions …) is kept: the pupil was at school or is excused
for a reason of its own; such days are returned as ``kept`` so the page can say so. What a suspension
replaced is remembered (:class:`SuspensionDay`), so a shortened or cancelled period gives it back;
attendance has no service for taking marks back, so that part writes through this app's own rule
(``AttendanceMark`` action ``suspend_infection``, the school nurse's school).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tsunagu.attendance.models import (
    AbsenceReport,
    AttendanceMark,
    Closure,
    ClosureScope,
    Mark,
    ReportKind,
    ReportReason,
    ReportStatus,
)
from tsunagu.attendance.services import closure_create, marks_write
from tsunagu.core.audit import audit_event
from tsunagu.core.policy import registry
from tsunagu.core.views import WriteOutOfScope, ensure_visible_after_write
from tsunagu.infection.diseases import DISEASES_BY_CODE, Period, exclusion_period
from tsunagu.infection.models import (
    ClosureProposal,
    InfectionSettings,
    InfectionStatus,
    ProposalStatus,
    SchoolInfection,
    SuspensionDay,
)
from tsunagu.org.models import Board, DayKind, Homeroom, School, SchoolDay
from tsunagu.students.models import Enrolment, Student
from tsunagu.students.selectors import enrolled_on

#: Marks a 出席停止 replaces; every other kind is kept (see the module docstring).
REPLACEABLE = {Mark.ABSENT_ILLNESS, Mark.ABSENT_OTHER, Mark.SUSPENDED_INFECTION}
#: Longest period accepted without question (a typo in a year would write a year of marks).
MAX_PERIOD_DAYS = 60


@dataclass
class RegisterWrite:
    """What writing a period into the register did."""

    written: list[dt.date] = field(default_factory=list)
    removed: list[dt.date] = field(default_factory=list)
    kept: list[dt.date] = field(default_factory=list)


def _require(queryset: Any, actor: Any, action: str, message: str) -> None:
    if not queryset.visible_to(actor, action).exists():
        raise PermissionDenied(message)


def _enrolment(actor: Any, student: Student, day: dt.date) -> Enrolment | None:
    return (
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), student=student)
        .select_related("school", "homeroom")
        .first()
    )


def period_for(infection: SchoolInfection) -> Period:
    """The law's period for the diagnosis as entered (first day: the day of diagnosis)."""
    return exclusion_period(
        infection.disease_info,
        onset=infection.onset_date,
        first_day=infection.diagnosed_on,
        fever_end=infection.fever_end_date,
        condition_met=infection.condition_date,
        preschool=infection.preschool,
    )


def _validate_dates(
    *,
    disease: str,
    onset_date: dt.date,
    diagnosed_on: dt.date,
    fever_end_date: dt.date | None,
    condition_date: dt.date | None,
    today: dt.date,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    info = DISEASES_BY_CODE.get(disease)
    if info is None:
        errors["disease"] = "病名を一覧から選んでください。"
    if onset_date > today:
        errors["onset_date"] = "発症日に先の日付は入れられません。"
    if diagnosed_on < onset_date:
        errors["diagnosed_on"] = "診断日（出席停止の初日）は発症日と同じか後の日にしてください。"
    elif (diagnosed_on - onset_date).days > 30:
        errors["diagnosed_on"] = "診断日が発症日から30日以上後です。日付を確かめてください。"
    if fever_end_date is not None:
        if info is not None and not info.uses_fever_end:
            errors["fever_end_date"] = f"{info.name}では解熱日は使いません。"
        elif fever_end_date < onset_date:
            errors["fever_end_date"] = "解熱日は発症日と同じか後の日にしてください。"
        elif fever_end_date > today:
            errors["fever_end_date"] = "解熱日に先の日付は入れられません。"
    if condition_date is not None:
        if info is not None and not info.uses_condition_date:
            errors["condition_date"] = f"{info.name}では解熱日を入れてください。"
        elif condition_date < onset_date:
            errors["condition_date"] = "条件の日付は発症日と同じか後の日にしてください。"
        elif condition_date > today:
            errors["condition_date"] = "条件の日付に先の日付は入れられません。"
    return errors


@transaction.atomic
def infection_record(
    *,
    actor: Any,
    student: Student,
    disease: str,
    onset_date: dt.date,
    diagnosed_on: dt.date | None = None,
    fever_end_date: dt.date | None = None,
    condition_date: dt.date | None = None,
    preschool: bool = False,
    doctor_note: str = "",
    today: dt.date | None = None,
) -> SchoolInfection:
    """Record a diagnosis for ``student`` and store the 出席停止 period the law gives as a proposal.

    ``diagnosed_on`` (default: the onset) is the first day of 出席停止. Nothing is written into the
    register until the nurse confirms (:func:`infection_confirm`).
    """
    today = today or timezone.localdate()
    diagnosed_on = diagnosed_on or onset_date
    errors = _validate_dates(
        disease=disease,
        onset_date=onset_date,
        diagnosed_on=diagnosed_on,
        fever_end_date=fever_end_date,
        condition_date=condition_date,
        today=today,
    )
    if len(doctor_note) > 300:
        errors["doctor_note"] = "医師の所見は300字以内にしてください。"
    enrolment = _enrolment(actor, student, diagnosed_on)
    if enrolment is None and "diagnosed_on" not in errors:
        errors["diagnosed_on"] = "この日に在籍している学校がありません。"
    if errors:
        raise ValidationError(errors)
    assert enrolment is not None
    _require(
        School.objects.filter(pk=enrolment.school_id),
        actor,
        "record_infection",
        "この学校の感染症は記録できません。",
    )
    infection = SchoolInfection(
        student=student,
        school_id=enrolment.school_id,
        homeroom_id=enrolment.homeroom_id,
        disease=disease,
        onset_date=onset_date,
        diagnosed_on=diagnosed_on,
        fever_end_date=fever_end_date,
        condition_date=condition_date,
        preschool=preschool,
        doctor_note=doctor_note.strip(),
        recorded_by=actor,
    )
    _apply_proposal(infection)
    infection.full_clean()
    infection.save()
    ensure_visible_after_write(actor, infection, "change")
    return infection


def _apply_proposal(infection: SchoolInfection) -> Period:
    period = period_for(infection)
    infection.proposed_first_day = period.first_day
    infection.proposed_last_day = period.last_day
    infection.provisional = period.provisional
    infection.explanation = "\n".join(period.lines)
    return period


@transaction.atomic
def infection_confirm(
    *,
    actor: Any,
    infection: SchoolInfection,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    reason: str = "",
) -> RegisterWrite:
    """The nurse confirms the 出席停止 period (the proposal, or adjusted days with a reason) and it is
    written into the register."""
    infection = _for_change(actor, infection)
    if infection.status == InfectionStatus.CANCELLED:
        raise ValidationError("取り消した記録は確定できません。")
    first = first_day or infection.proposed_first_day
    last = last_day or infection.proposed_last_day
    errors: dict[str, str] = {}
    if last < first:
        errors["last_day"] = "最終日は初日と同じか後の日にしてください。"
    elif (last - first).days >= MAX_PERIOD_DAYS:
        errors["last_day"] = f"出席停止の期間は{MAX_PERIOD_DAYS}日までにしてください。"
    if first < infection.onset_date:
        errors["first_day"] = "初日は発症日より前にはできません。"
    adjusted = (first, last) != (infection.proposed_first_day, infection.proposed_last_day)
    if adjusted and not reason.strip():
        errors["reason"] = "提案と違う期間にするときは理由を入れてください。"
    if len(reason) > 200:
        errors["reason"] = "理由は200字以内にしてください。"
    if errors:
        raise ValidationError(errors)
    infection.first_day, infection.last_day = first, last
    infection.adjustment_reason = reason.strip() if adjusted else ""
    infection.status = InfectionStatus.CONFIRMED
    infection.confirmed_by = actor
    infection.confirmed_at = timezone.now()
    infection.save()
    result = _sync_register(actor, infection)
    audit_event(
        kind="infection_confirmed",
        actor=actor,
        detail={"infection": infection.uuid, "first": first, "last": last, "adjusted": adjusted},
    )
    return result


@transaction.atomic
def infection_dates_update(
    *,
    actor: Any,
    infection: SchoolInfection,
    fever_end_date: dt.date | None,
    condition_date: dt.date | None,
    doctor_note: str | None = None,
    today: dt.date | None = None,
) -> RegisterWrite:
    """Enter the fever's end or the condition date later: the proposal is worked out again, and a
    confirmed period follows it (its first day stays; the last day becomes the new proposal's)."""
    infection = _for_change(actor, infection)
    if infection.status == InfectionStatus.CANCELLED:
        raise ValidationError("取り消した記録は変更できません。")
    errors = _validate_dates(
        disease=infection.disease,
        onset_date=infection.onset_date,
        diagnosed_on=infection.diagnosed_on,
        fever_end_date=fever_end_date,
        condition_date=condition_date,
        today=today or timezone.localdate(),
    )
    if errors:
        raise ValidationError(errors)
    infection.fever_end_date = fever_end_date
    infection.condition_date = condition_date
    if doctor_note is not None:
        infection.doctor_note = doctor_note.strip()[:300]
    _apply_proposal(infection)
    result = RegisterWrite()
    if infection.status == InfectionStatus.CONFIRMED:
        assert infection.first_day is not None
        infection.last_day = max(infection.first_day, infection.proposed_last_day)
        infection.save()
        result = _sync_register(actor, infection)
    else:
        infection.save()
    return result


@transaction.atomic
def infection_cancel(*, actor: Any, infection: SchoolInfection, reason: str) -> RegisterWrite:
    """Cancel a diagnosis recorded in error: its 出席停止 marks go, and what they replaced comes back."""
    infection = _for_change(actor, infection)
    if not reason.strip():
        raise ValidationError({"reason": "取り消す理由を入れてください。"})
    infection.status = InfectionStatus.CANCELLED
    infection.adjustment_reason = reason.strip()[:200]
    infection.save()
    return _sync_register(actor, infection)


def _for_change(actor: Any, infection: SchoolInfection) -> SchoolInfection:
    """The diagnosis, locked and re-read through the actor's ``change`` scope (403 when outside)."""
    found = (
        SchoolInfection.objects.visible_to(actor, "change")
        .select_for_update()
        .filter(pk=infection.pk)
        .select_related("student")
        .first()
    )
    if found is None:
        raise PermissionDenied("この記録は変更できません。")
    return found


def instructional_days(school_id: int, first: dt.date, last: dt.date) -> list[dt.date]:
    """The school's instructional days from ``first`` to ``last`` (its calendar; no row: no lessons)."""
    return list(
        SchoolDay.objects.filter(
            school_id=school_id, date__gte=first, date__lte=last, kind=DayKind.INSTRUCTIONAL
        )
        .order_by("date")
        .values_list("date", flat=True)
    )


def _sync_register(actor: Any, infection: SchoolInfection) -> RegisterWrite:
    """Make the register show 出席停止 on exactly the instructional days of the confirmed period.

    Days of the period get a 出席停止（感染症） mark with the disease (replacing only what
    :data:`REPLACEABLE` allows); days no longer in the period get back what was there before.
    """
    _require(
        School.objects.filter(pk=infection.school_id),
        actor,
        "record_infection",
        "この学校の出席簿には出席停止を入れられません。",
    )
    result = RegisterWrite()
    wanted: set[dt.date] = set()
    if infection.status == InfectionStatus.CONFIRMED and infection.first_day and infection.last_day:
        wanted = set(instructional_days(infection.school_id, infection.first_day, infection.last_day))
    done = {d.date: d for d in SuspensionDay.objects.visible_to(actor, "change").filter(infection=infection)}
    marks = AttendanceMark.objects.visible_to(actor, "suspend_infection")
    touched = sorted(wanted | set(done))
    existing = {m.date: m for m in marks.filter(student_id=infection.student_id, date__in=touched)}
    student = Student.objects.visible_to(actor, "view").filter(pk=infection.student_id).first()
    name = infection.disease_name[:60]
    saved: list[int] = []

    for day in sorted(set(done) - wanted):
        record = done[day]
        mark = existing.get(day)
        if mark is not None and mark.kind == Mark.SUSPENDED_INFECTION:
            if record.replaced_kind:
                mark.kind, mark.disease, mark.reason = record.replaced_kind, "", record.replaced_reason
                mark.recorded_by = actor
                mark.save()
                saved.append(mark.pk)
            else:
                mark.delete()
        record.delete()
        result.removed.append(day)

    # New days go through attendance's own service (same replacement rule: nothing, an absence or an
    # earlier 出席停止); what each day held before is remembered first, to give it back later.
    to_write = []
    for day in sorted(wanted):
        mark = existing.get(day)
        if mark is not None and mark.kind not in REPLACEABLE:
            result.kept.append(day)
        elif not (
            mark is not None
            and mark.kind == Mark.SUSPENDED_INFECTION
            and mark.disease == name
            and day in done
        ):
            to_write.append(day)
    if to_write:
        assert student is not None
        written = marks_write(
            actor=actor, student=student, days=to_write, kind=Mark.SUSPENDED_INFECTION, detail=name
        )
        result.kept = sorted(set(result.kept) | set(written.skipped))
        for day in written.written:
            mark = existing.get(day)
            if day not in done:
                SuspensionDay.objects.create(
                    infection=infection,
                    date=day,
                    replaced_kind=mark.kind
                    if mark is not None and mark.kind != Mark.SUSPENDED_INFECTION
                    else "",
                    replaced_reason=mark.reason if mark is not None else "",
                )
        result.written = list(written.written)

    # What was written must still be the actor's to change; otherwise roll everything back.
    if marks.filter(pk__in=saved).count() != len(saved):
        raise WriteOutOfScope({"model": "attendance.AttendanceMark", "action": "suspend_infection"})
    return result


# --- 学級閉鎖 proposals ----------------------------------------------------------------------------


def closure_threshold(school: School) -> tuple[int, int | None]:
    """The threshold of the school's board (see :func:`closure_threshold_for_board`)."""
    return closure_threshold_for_board(school.board_id)


def closure_threshold_for_board(board_id: int) -> tuple[int, int | None]:
    """The board's threshold (percent of the class, pupils or None); 20 % when the board set none."""
    found = InfectionSettings.objects.filter(board_id=board_id).first()
    if found is None:
        return 20, None
    return found.threshold_percent, found.threshold_pupils


def passes_threshold(absent: int, enrolled: int, percent: int, pupils: int | None) -> bool:
    """Do ``absent`` of ``enrolled`` pupils reach the threshold (percentage, or a number of pupils)?"""
    if absent == 0 or enrolled == 0:
        return False
    if pupils and absent >= pupils:
        return True
    return absent >= math.ceil(enrolled * percent / 100)


@transaction.atomic
def infection_settings_save(
    *, actor: Any, board: Board, percent: int, pupils: int | None
) -> InfectionSettings:
    """The board sets its 学級閉鎖 threshold (a share of the class, and optionally a number of pupils)."""
    if not registry.allows_any(actor, InfectionSettings, "change") or actor_board_id(actor) != board.pk:
        raise PermissionDenied("この教育委員会の設定は変更できません。")
    errors: dict[str, str] = {}
    if not 1 <= percent <= 100:
        errors["threshold_percent"] = "割合は1〜100の間で入れてください。"
    if pupils is not None and not 1 <= pupils <= 99:
        errors["threshold_pupils"] = "人数は1〜99の間で入れてください（使わないときは空欄）。"
    if errors:
        raise ValidationError(errors)
    found, _ = InfectionSettings.objects.get_or_create(board=board)
    found.threshold_percent, found.threshold_pupils = percent, pupils
    found.save()
    ensure_visible_after_write(actor, found, "change")
    audit_event(kind="infection_settings_saved", actor=actor, detail={"percent": percent, "pupils": pupils})
    return found


def actor_board_id(actor: Any) -> int | None:
    """The board of the actor's board assignment (None for school staff)."""
    from tsunagu.accounts.selectors import actor_assignments

    return next((a.board_id for a in actor_assignments(actor) if a.role == "board" and a.board_id), None)


@dataclass
class ClassAbsence:
    """One class on one day: pupils, and who is away ill or suspended for an infection."""

    homeroom: Homeroom
    enrolled: int
    illness: set[int]
    suspended: set[int]
    closed: bool = False

    @property
    def absent(self) -> int:
        return len(self.illness | self.suspended)


def class_absences(*, actor: Any, school: School, day: dt.date) -> list[ClassAbsence]:
    """Every class of ``school`` on ``day``: absences through illness and 出席停止 by infection, from the
    register and from guardians' reports not yet confirmed (the morning's picture). Four queries."""
    enrolments = list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(enrolled_on(day), school=school, homeroom__isnull=False)
        .select_related("homeroom", "homeroom__grade_level")
    )
    rooms: dict[int, ClassAbsence] = {}
    where: dict[int, int] = {}
    for e in enrolments:
        assert e.homeroom is not None
        row = rooms.setdefault(e.homeroom_id, ClassAbsence(e.homeroom, 0, set(), set()))
        row.enrolled += 1
        where[e.student_id] = e.homeroom_id
    marks = AttendanceMark.objects.visible_to(actor, "view").filter(
        school=school, date=day, kind__in=[Mark.ABSENT_ILLNESS, Mark.SUSPENDED_INFECTION]
    )
    for student_id, kind in marks.values_list("student_id", "kind"):
        if student_id in where:
            target = rooms[where[student_id]]
            (target.suspended if kind == Mark.SUSPENDED_INFECTION else target.illness).add(student_id)
    reports = AbsenceReport.objects.visible_to(actor, "view").filter(
        school=school,
        date=day,
        kind=ReportKind.ABSENCE,
        status=ReportStatus.PENDING,
        reason__in=[ReportReason.ILLNESS, ReportReason.INFECTION, ReportReason.HOSPITAL],
    )
    for student_id, reason in reports.values_list("student_id", "reason"):
        if student_id in where:
            target = rooms[where[student_id]]
            if student_id not in target.suspended:
                (target.suspended if reason == ReportReason.INFECTION else target.illness).add(student_id)
    for row in rooms.values():
        row.illness -= row.suspended
    closures = Closure.objects.visible_to(actor, "view").filter(
        school=school, start_date__lte=day, end_date__gte=day
    )
    for closure in closures:
        for row in rooms.values():
            room = row.homeroom
            if (
                closure.scope == ClosureScope.SCHOOL
                or (closure.scope == ClosureScope.GRADE and closure.grade_level_id == room.grade_level_id)
                or closure.homeroom_id == room.pk
            ):
                row.closed = True
    return sorted(rooms.values(), key=lambda r: (r.homeroom.grade_level.order, r.homeroom.order))


@transaction.atomic
def closure_proposals_refresh(*, actor: Any, school: School, day: dt.date) -> list[ClosureProposal]:
    """Raise (or update) a proposal for every class of ``school`` whose absences on ``day`` pass the
    board's threshold. Idempotent; runs when the nurse or the principal opens the proposals page.
    A decided or dismissed proposal is left as it is; a closed class gets none."""
    _require(
        School.objects.filter(pk=school.pk),
        actor,
        "closure_proposals",
        "この学校の学級閉鎖の提案は見られません。",
    )
    percent, pupils = closure_threshold(school)
    existing = {
        p.homeroom_id: p
        for p in ClosureProposal.objects.visible_to(actor, "change").filter(school=school, date=day)
    }
    raised: list[ClosureProposal] = []
    for row in class_absences(actor=actor, school=school, day=day):
        if row.closed or not passes_threshold(row.absent, row.enrolled, percent, pupils):
            continue
        proposal = existing.get(row.homeroom.pk)
        counts = {
            "enrolled": row.enrolled,
            "absent_illness": len(row.illness),
            "suspended": len(row.suspended),
        }
        if proposal is None:
            proposal = ClosureProposal.objects.create(
                school=school, homeroom=row.homeroom, date=day, **counts
            )
        elif proposal.status == ProposalStatus.OPEN:
            for key, value in counts.items():
                setattr(proposal, key, value)
            proposal.save()
        raised.append(proposal)
    return raised


@transaction.atomic
def closure_proposal_decide(
    *,
    actor: Any,
    proposal: ClosureProposal,
    scope: str,
    start_date: dt.date,
    end_date: dt.date,
    reason: str,
) -> Closure:
    """The principal decides a closure for a proposal: the class, its grade or the whole school, over
    the chosen days. Entered through attendance's ``closure_create``, which applies it to the register."""
    found = (
        ClosureProposal.objects.visible_to(actor, "decide")
        .filter(pk=proposal.pk)
        .select_related("homeroom")
        .first()
    )
    if found is None:
        raise PermissionDenied("この提案は決定できません。")
    if found.status != ProposalStatus.OPEN:
        raise ValidationError("この提案はすでに決定済みです。")
    room = found.homeroom
    closure = closure_create(
        actor=actor,
        school=room.school,
        scope=scope,
        start_date=start_date,
        end_date=end_date,
        reason=reason,
        grade_level=room.grade_level if scope == ClosureScope.GRADE else None,
        homeroom=room if scope == ClosureScope.HOMEROOM else None,
    )
    found.status = ProposalStatus.DECIDED
    found.closure = closure
    found.decided_by = actor
    found.decided_at = timezone.now()
    found.decision_note = reason.strip()[:200]
    found.save()
    return closure


@transaction.atomic
def closure_proposal_dismiss(*, actor: Any, proposal: ClosureProposal, note: str) -> ClosureProposal:
    """The principal decides not to close the class (the note says why)."""
    found = ClosureProposal.objects.visible_to(actor, "decide").filter(pk=proposal.pk).first()
    if found is None:
        raise PermissionDenied("この提案は決定できません。")
    if found.status != ProposalStatus.OPEN:
        raise ValidationError("この提案はすでに決定済みです。")
    found.status = ProposalStatus.DISMISSED
    found.decision_note = note.strip()[:200]
    found.decided_by = actor
    found.decided_at = timezone.now()
    found.save()
    return found
