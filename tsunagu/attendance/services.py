"""Writes to the 出席簿: the daily register, closures, guardians' reports and the board's code list.

Each service checks the actor's right through the policy registry, validates with messages in
Japanese (``ValidationError``), runs in one transaction and checks, before it commits, that what
it wrote is still visible to the actor (otherwise it rolls back).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from tsunagu.attendance.models import (
    DEFAULT_CODES,
    MARK_CATEGORY,
    AbsenceReport,
    AttendanceCode,
    AttendanceMark,
    AttendanceSettings,
    BoardNotice,
    Category,
    Closure,
    ClosureScope,
    Mark,
    PeriodKind,
    PeriodMark,
    RegisterDay,
    ReportKind,
    ReportReason,
    ReportStatus,
    Symptom,
)
from tsunagu.attendance.selectors import (
    CONSECUTIVE_ABSENCE_ALERT,
    absence_run,
    attendance_codes,
    attendance_settings_get,
    day_status,
)
from tsunagu.core.audit import audit_event
from tsunagu.core.policy import registry
from tsunagu.core.views import WriteOutOfScope, ensure_visible_after_write
from tsunagu.org.models import Board, DayKind, GradeLevel, Homeroom, School, SchoolDay
from tsunagu.org.selectors import school_year_on
from tsunagu.students.models import Enrolment, Student


@dataclass(frozen=True)
class MarkEntry:
    """What the teacher chose for one pupil: the kind, a time (arrival for 遅刻, leaving for 早退;
    ``left_at`` when a late pupil also left early) and a detail (disease for 出席停止 by infection,
    place for 出席扱い, otherwise the reason)."""

    student_id: int
    kind: str
    time: dt.time | None = None
    left_at: dt.time | None = None
    detail: str = ""


@dataclass
class RegisterSaved:
    """What saving a day changed."""

    marks_written: int
    marks_removed: int
    reports_confirmed: int


def _require(queryset: Any, actor: Any, action: str, message: str) -> None:
    if not queryset.visible_to(actor, action).exists():
        raise PermissionDenied(message)


def _validate_entry(entry: MarkEntry, labels: dict[str, str], active: set[str]) -> list[str]:
    """The problems of one entry, in Japanese (empty when it is fine)."""
    errors = []
    if entry.kind not in labels:
        return ["出欠の種別が正しくありません。"]
    if entry.kind not in active:
        errors.append(f"「{labels[entry.kind]}」は教育委員会の設定で使われていません。")
    if entry.kind == Mark.LATE and entry.time is None:
        errors.append("遅刻には登校した時刻を入れてください。")
    if entry.kind == Mark.EARLY_LEAVE and entry.time is None:
        errors.append("早退には下校した時刻を入れてください。")
    if entry.kind == Mark.SUSPENDED_INFECTION and not entry.detail.strip():
        errors.append("出席停止（感染症）には病名を入れてください。")
    if entry.kind == Mark.SUSPENDED_OTHER and not entry.detail.strip():
        errors.append("出席停止（その他）には理由を入れてください。")
    if entry.kind == Mark.DEEMED_PRESENT and not entry.detail.strip():
        errors.append("出席扱いには学習した場所（教育支援センター等）を入れてください。")
    if entry.time and entry.left_at and entry.left_at <= entry.time:
        errors.append("下校時刻は登校時刻より後にしてください。")
    if len(entry.detail) > 200:
        errors.append("理由・病名・場所は200字以内にしてください。")
    return errors


def _mark_fields(entry: MarkEntry) -> dict[str, Any]:
    detail = entry.detail.strip()
    fields: dict[str, Any] = {
        "kind": entry.kind,
        "arrived_at": entry.time if entry.kind == Mark.LATE else None,
        "left_at": entry.time if entry.kind == Mark.EARLY_LEAVE else None,
        "disease": "",
        "reason": "",
        "place": "",
    }
    if entry.kind == Mark.LATE and entry.left_at:
        fields["left_at"] = entry.left_at
    if entry.kind == Mark.SUSPENDED_INFECTION:
        fields["disease"] = detail[:60]
    elif entry.kind == Mark.DEEMED_PRESENT:
        fields["place"] = detail[:100]
    else:
        fields["reason"] = detail
    return fields


@transaction.atomic
def register_day_save(
    *,
    actor: Any,
    homeroom: Homeroom,
    day: dt.date,
    entries: list[MarkEntry],
    today: dt.date | None = None,
    periods: dict[int, dict[int, str]] | None = None,
) -> RegisterSaved:
    """Save the class's register for ``day``: one entry per pupil (a pupil left out stays as they were).

    Present pupils have no mark (an earlier mark is removed); pending reports of the pupils saved are
    confirmed; the day is remembered as taken. Refused on a day that is not an instructional day, in
    the future, or closed; every pupil must be enrolled in the class that day.

    ``periods`` (schools that record periods, 校時ごと): per pupil of ``entries``, the periods they
    missed or came late to (period → :class:`PeriodKind`); the pupil's earlier period marks of the day
    are replaced. The day's mark stays the one the totals count.
    """
    _require(
        Homeroom.objects.filter(pk=homeroom.pk),
        actor,
        "take_attendance",
        "この学級の出席簿は入力できません。",
    )
    today = today or timezone.localdate()
    if day > today:
        raise ValidationError("先の日付の出欠は入力できません。")
    status = day_status(homeroom=homeroom, day=day)
    if not status.is_instructional:
        raise ValidationError("この日は授業日ではありません。")
    if status.closure is not None:
        raise ValidationError(f"この日は{status.closure.get_scope_display()}のため入力できません。")

    codes = attendance_codes(board=homeroom.school.board_id)
    labels = {c.kind: c.label for c in codes}
    active = {c.kind for c in codes if c.is_active} | {Mark.PRESENT}
    enrolled = set(
        Enrolment.objects.visible_to(actor, "view")
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day), homeroom=homeroom, start_date__lte=day)
        .values_list("student_id", flat=True)
    )
    errors: dict[str, list[str]] = {}
    for entry in entries:
        problems = _validate_entry(entry, labels, active)
        if entry.student_id not in enrolled:
            problems.insert(0, "この日にこの学級に在籍していない児童生徒です。")
        if problems:
            errors[str(entry.student_id)] = problems
    period_rows: list[PeriodMark] = []
    if periods:
        settings = attendance_settings_get(school=homeroom.school_id)
        if not settings.period_marks:
            raise ValidationError("この学校は校時ごとの出欠を記録していません。")
        entered = {e.student_id for e in entries}
        for student_id, marks in periods.items():
            for period, period_kind in marks.items():
                if (
                    student_id not in entered
                    or not 1 <= period <= settings.periods_per_day
                    or period_kind not in PeriodKind.values
                ):
                    errors.setdefault(str(student_id), []).append("校時ごとの出欠が正しくありません。")
                    break
                period_rows.append(
                    PeriodMark(
                        student_id=student_id,
                        school_id=homeroom.school_id,
                        homeroom=homeroom,
                        date=day,
                        period=period,
                        kind=period_kind,
                        recorded_by=actor,
                    )
                )
    if errors:
        raise ValidationError(errors)

    ids = [e.student_id for e in entries]
    if periods is not None:
        PeriodMark.objects.visible_to(actor, "change").filter(student_id__in=ids, date=day).delete()
        PeriodMark.objects.bulk_create(period_rows)
    existing = {
        m.student_id: m
        for m in AttendanceMark.objects.visible_to(actor, "change").filter(student_id__in=ids, date=day)
    }
    written = removed = 0
    saved_ids: list[int] = []
    for entry in entries:
        mark = existing.get(entry.student_id)
        if entry.kind == Mark.PRESENT:
            if mark is not None:
                mark.delete()
                removed += 1
            continue
        fields = _mark_fields(entry)
        if mark is None:
            mark = AttendanceMark(
                student_id=entry.student_id, school_id=homeroom.school_id, homeroom=homeroom, date=day
            )
        elif all(getattr(mark, k) == v for k, v in fields.items()):
            continue
        for key, value in fields.items():
            setattr(mark, key, value)
        mark.recorded_by = actor
        # The foreign keys were checked above (enrolment, class, actor): no query per key per pupil.
        mark.full_clean(
            exclude=["student", "school", "homeroom", "recorded_by"],
            validate_unique=False,
            validate_constraints=False,
        )
        try:
            with transaction.atomic():
                mark.save()
        except IntegrityError as exc:
            # The pupil already has a mark that day that this actor may not change (entered in the
            # class the pupil was in before a move that day): the register of that class wins.
            raise ValidationError(
                {
                    str(entry.student_id): [
                        "この日の出欠はほかの学級で入力済みです。学校の管理者に確認してください。"
                    ]
                }
            ) from exc
        saved_ids.append(mark.pk)
        written += 1

    confirmed = (
        AbsenceReport.objects.visible_to(actor, "confirm")
        .filter(student_id__in=ids, date=day, status=ReportStatus.PENDING)
        .update(status=ReportStatus.CONFIRMED, confirmed_by=actor, confirmed_at=timezone.now())
    )
    taken, created = RegisterDay.objects.visible_to(actor, "change").get_or_create(
        homeroom=homeroom, date=day, defaults={"taken_by": actor}
    )
    if not created:
        taken.taken_by = actor
        taken.save(update_fields=["taken_by", "updated_at"])

    # What was written must still be the actor's to change; otherwise roll everything back.
    if AttendanceMark.objects.visible_to(actor, "change").filter(pk__in=saved_ids).count() != len(saved_ids):
        raise WriteOutOfScope({"model": "attendance.AttendanceMark", "action": "change", "day": str(day)})
    return RegisterSaved(marks_written=written, marks_removed=removed, reports_confirmed=confirmed)


# --- marks written outside the daily screen (other apps call these) ------------------------------


@dataclass
class MarksWritten:
    """What :func:`marks_write` did: the days written and, per day left alone, why (in Japanese)."""

    written: list[dt.date]
    skipped: dict[dt.date, str]


def _enrolment_on(enrolments: list[Enrolment], day: dt.date) -> Enrolment | None:
    for enrolment in enrolments:
        if enrolment.start_date <= day and (enrolment.end_date is None or day <= enrolment.end_date):
            return enrolment
    return None


def _closed_for(enrolment: Enrolment, day: dt.date, closures: list[Closure]) -> Closure | None:
    for c in closures:
        if c.school_id != enrolment.school_id or not c.start_date <= day <= c.end_date:
            continue
        if (
            c.scope == ClosureScope.SCHOOL
            or (c.scope == ClosureScope.GRADE and c.grade_level_id == enrolment.grade_level_id)
            or (c.scope == ClosureScope.HOMEROOM and c.homeroom_id == enrolment.homeroom_id)
        ):
            return c
    return None


@transaction.atomic
def marks_write(
    *,
    actor: Any,
    student: Student,
    days: list[dt.date],
    kind: str,
    detail: str = "",
    time: dt.time | None = None,
    today: dt.date | None = None,
) -> MarksWritten:
    """Write a mark of ``kind`` for ``student`` on each of ``days`` (e.g. 出席停止 for an infection over
    the period the principal ordered), replacing only "no mark" or an absence (病欠, 事故欠) or a mark
    of the same kind; a day with another mark (忌引, 遅刻, 出席扱い …), no instructional day for the
    pupil, a closed day or a day the pupil was not enrolled is left alone and reported in ``skipped``.

    Days ahead of ``today`` are written only for kinds of 出席停止・忌引等 (a suspension is ordered for
    days to come); the daily screen then shows them as saved marks. Principal and nurse of the school
    or the pupil's homeroom teacher. Everything or nothing: invalid input raises ``ValidationError``.
    """
    _require(
        Student.objects.filter(pk=student.pk),
        actor,
        "record_attendance",
        "この児童生徒の出欠は入力できません。",
    )
    today = today or timezone.localdate()
    if kind == Mark.PRESENT or kind not in Mark.values:
        raise ValidationError({"kind": "出欠の種別が正しくありません。"})
    days = sorted(set(days))
    if not days:
        raise ValidationError({"days": "日付を選んでください。"})
    enrolments = list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(
            Q(end_date__isnull=True) | Q(end_date__gte=days[0]), student=student, start_date__lte=days[-1]
        )
        .select_related("school")
        .order_by("start_date")
    )
    board_id = enrolments[0].school.board_id if enrolments else None
    if board_id is not None:
        codes = attendance_codes(board=board_id)
        labels = {c.kind: c.label for c in codes}
        problems = _validate_entry(
            MarkEntry(student.pk, kind, time=time, detail=detail),
            labels,
            {c.kind for c in codes if c.is_active},
        )
        if problems:
            raise ValidationError({"kind": problems})
    else:
        labels = {}
    school_ids = {e.school_id for e in enrolments}
    instructional = set(
        SchoolDay.objects.filter(
            school_id__in=school_ids, kind=DayKind.INSTRUCTIONAL, date__gte=days[0], date__lte=days[-1]
        ).values_list("school_id", "date")
    )
    closures = list(
        Closure.objects.filter(school_id__in=school_ids, start_date__lte=days[-1], end_date__gte=days[0])
    )
    existing = {
        m.date: m
        for m in AttendanceMark.objects.visible_to(actor, "record").filter(
            student=student, date__gte=days[0], date__lte=days[-1]
        )
    }
    written: list[dt.date] = []
    skipped: dict[dt.date, str] = {}
    saved_ids: list[int] = []
    fields = _mark_fields(MarkEntry(student.pk, kind, time=time, detail=detail))
    for day in days:
        enrolment = _enrolment_on(enrolments, day)
        if enrolment is None:
            skipped[day] = "在籍していない日です。"
            continue
        if (enrolment.school_id, day) not in instructional:
            skipped[day] = "授業日ではありません。"
            continue
        closure = _closed_for(enrolment, day, closures)
        if closure is not None:
            skipped[day] = f"{closure.get_scope_display()}の日です。"
            continue
        if day > today and MARK_CATEGORY[kind] != Category.EXCUSED:
            skipped[day] = "先の日付です。"
            continue
        mark = existing.get(day)
        if mark is not None and mark.kind != kind and MARK_CATEGORY[mark.kind] != Category.ABSENT:
            skipped[day] = f"「{labels.get(mark.kind, mark.get_kind_display())}」が入力済みです。"
            continue
        if mark is None:
            mark = AttendanceMark(
                student=student, school_id=enrolment.school_id, homeroom_id=enrolment.homeroom_id, date=day
            )
        for key, value in fields.items():
            setattr(mark, key, value)
        mark.recorded_by = actor
        try:
            with transaction.atomic():
                mark.save()
        except IntegrityError:
            skipped[day] = "ほかの学級・学校で入力済みです。"
            continue
        saved_ids.append(mark.pk)
        written.append(day)
    if AttendanceMark.objects.visible_to(actor, "record").filter(pk__in=saved_ids).count() != len(saved_ids):
        raise WriteOutOfScope({"model": "attendance.AttendanceMark", "action": "record"})
    audit_event(
        kind="attendance_marks_written",
        actor=actor,
        detail={"student": str(student.uuid), "kind": kind, "days": [d.isoformat() for d in written]},
    )
    return MarksWritten(written=written, skipped=skipped)


@transaction.atomic
def marks_remove(*, actor: Any, student: Student, days: list[dt.date], kind: str) -> list[dt.date]:
    """Take back marks of ``kind`` that :func:`marks_write` wrote (e.g. a 出席停止 shortened after the
    doctor's note): on each of ``days`` a mark of exactly that kind is removed, so the pupil counts as
    present there again; any other mark is left alone. Returns the days cleared. Same actors as
    :func:`marks_write`."""
    _require(
        Student.objects.filter(pk=student.pk),
        actor,
        "record_attendance",
        "この児童生徒の出欠は入力できません。",
    )
    if kind == Mark.PRESENT or kind not in Mark.values:
        raise ValidationError({"kind": "出欠の種別が正しくありません。"})
    found = list(
        AttendanceMark.objects.visible_to(actor, "record").filter(student=student, kind=kind, date__in=days)
    )
    for mark in found:
        mark.delete()
    cleared = sorted(m.date for m in found)
    audit_event(
        kind="attendance_marks_removed",
        actor=actor,
        detail={"student": str(student.uuid), "kind": kind, "days": [d.isoformat() for d in cleared]},
    )
    return cleared


@transaction.atomic
def early_leave_record(
    *,
    actor: Any,
    student: Student,
    left_at: dt.time,
    day: dt.date | None = None,
    reason: str = "",
    today: dt.date | None = None,
) -> AttendanceMark:
    """Record that ``student`` left school early at ``left_at`` on ``day`` (today by default), e.g. sent
    home from the nurse's room. No mark yet → 早退; a 遅刻 keeps its arrival time and gains the leaving
    time; an earlier 早退 is updated. A day marked absent or excused is refused (the register says the
    pupil was not at school: the teacher corrects it first). Principal, nurse or homeroom teacher."""
    _require(
        Student.objects.filter(pk=student.pk),
        actor,
        "record_attendance",
        "この児童生徒の出欠は入力できません。",
    )
    today = today or timezone.localdate()
    day = day or today
    if day > today:
        raise ValidationError({"day": "先の日付の早退は入力できません。"})
    if len(reason) > 200:
        raise ValidationError({"reason": "理由は200字以内にしてください。"})
    enrolment = (
        Enrolment.objects.visible_to(actor, "view")
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day), student=student, start_date__lte=day)
        .select_related("homeroom__school")
        .first()
    )
    if enrolment is None or enrolment.homeroom is None:
        raise ValidationError({"day": "この日に在籍している学級がありません。"})
    status = day_status(homeroom=enrolment.homeroom, day=day)
    if not status.open:
        raise ValidationError({"day": "この日は授業日ではないか、休業・閉鎖の日です。"})
    mark = AttendanceMark.objects.visible_to(actor, "record").filter(student=student, date=day).first()
    if mark is None:
        mark = AttendanceMark(
            student=student,
            school_id=enrolment.school_id,
            homeroom_id=enrolment.homeroom_id,
            date=day,
            kind=Mark.EARLY_LEAVE,
        )
    elif mark.kind == Mark.LATE:
        if mark.arrived_at and left_at <= mark.arrived_at:
            raise ValidationError({"left_at": "下校時刻は登校時刻より後にしてください。"})
    elif mark.kind != Mark.EARLY_LEAVE:
        labels = {c.kind: c.label for c in attendance_codes(board=enrolment.homeroom.school.board_id)}
        recorded = labels.get(mark.kind, mark.kind)
        raise ValidationError(
            {"day": f"この日は「{recorded}」と記録されています。学級担任に確認してください。"}
        )
    mark.left_at = left_at
    if reason.strip() and mark.kind == Mark.EARLY_LEAVE:
        mark.reason = reason.strip()
    mark.recorded_by = actor
    try:
        with transaction.atomic():
            mark.save()
    except IntegrityError as exc:
        raise ValidationError({"day": "この日の出欠はほかの学級で入力済みです。"}) from exc
    ensure_visible_after_write(actor, mark, "record")
    audit_event(
        kind="attendance_early_leave",
        actor=actor,
        detail={"student": str(student.uuid), "day": day.isoformat(), "left_at": left_at.isoformat()},
    )
    return mark


# --- closures ---------------------------------------------------------------------------------


@transaction.atomic
def closure_create(
    *,
    actor: Any,
    school: School,
    scope: str,
    start_date: dt.date,
    end_date: dt.date,
    reason: str,
    grade_level: GradeLevel | None = None,
    homeroom: Homeroom | None = None,
) -> Closure:
    """Enter a 臨時休業 (whole school), 学年閉鎖 (``grade_level``) or 学級閉鎖 (``homeroom``) once; the
    register and the totals apply it to every pupil it covers. Principal of the school only."""
    _require(
        School.objects.filter(pk=school.pk),
        actor,
        "manage_closures",
        "この学校の休業・閉鎖は入力できません。",
    )
    if end_date < start_date:
        raise ValidationError({"end_date": "最終日は初日と同じか後の日にしてください。"})
    year = school_year_on(start_date)
    if year is None or end_date > year.end_date:
        raise ValidationError({"end_date": "休業・閉鎖は一つの年度の中で入力してください。"})
    if not reason.strip():
        raise ValidationError({"reason": "理由を入れてください。"})
    if scope == ClosureScope.SCHOOL:
        grade_level = homeroom = None
    elif scope == ClosureScope.GRADE:
        if grade_level is None:
            raise ValidationError({"grade_level": "学年閉鎖には学年を選んでください。"})
        homeroom = None
    elif scope == ClosureScope.HOMEROOM:
        if homeroom is None or homeroom.school_id != school.pk or homeroom.school_year_id != year.pk:
            raise ValidationError({"homeroom": "学級閉鎖にはこの学校・この年度の学級を選んでください。"})
        grade_level = homeroom.grade_level
    else:
        raise ValidationError({"scope": "休業・閉鎖の範囲が正しくありません。"})
    overlapping = Closure.objects.filter(
        school=school, start_date__lte=end_date, end_date__gte=start_date, scope=scope
    ).filter(Q(homeroom=homeroom) if homeroom else Q(grade_level=grade_level))
    if overlapping.exists():
        raise ValidationError("同じ範囲の休業・閉鎖が、この期間にすでに入力されています。")
    closure = Closure(
        school=school,
        school_year=year,
        scope=scope,
        grade_level=grade_level,
        homeroom=homeroom,
        start_date=start_date,
        end_date=end_date,
        reason=reason.strip(),
        created_by=actor,
    )
    closure.full_clean()
    closure.save()
    ensure_visible_after_write(actor, closure, "view")
    audit_event(kind="closure_created", actor=actor, detail={"closure": closure.uuid, "scope": scope})
    return closure


# --- guardians' reports -----------------------------------------------------------------------

#: Reports may be sent for today and up to this many days ahead.
REPORT_DAYS_AHEAD = 14


@transaction.atomic
def absence_report_create(
    *,
    actor: Any,
    student: Student,
    day: dt.date,
    kind: str,
    reason: str,
    symptoms: list[str] | None = None,
    temperature: Decimal | None = None,
    time: dt.time | None = None,
    note: str = "",
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> AbsenceReport:
    """A guardian reports an absence, late arrival or early leave of their own child for one school day.

    A newer report for the same day replaces a pending one (the old one is withdrawn). The report
    becomes a pending mark on the teacher's daily screen. An absence or late arrival reported for
    today after the school's reporting deadline (e.g. 8:15) is still accepted, flagged
    ``after_deadline``.
    """
    _require(
        Student.objects.filter(pk=student.pk), actor, "report_absence", "この児童生徒の欠席連絡はできません。"
    )
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if day < today:
        errors["day"] = "過ぎた日の連絡はできません。学校に電話で連絡してください。"
    elif day > today + dt.timedelta(days=REPORT_DAYS_AHEAD):
        errors["day"] = f"連絡できるのは{REPORT_DAYS_AHEAD}日先までです。"
    if kind not in ReportKind.values:
        errors["kind"] = "連絡の種類を選んでください。"
    if reason not in ReportReason.values:
        errors["reason"] = "理由を選んでください。"
    symptoms = list(dict.fromkeys(symptoms or []))
    if any(s not in Symptom.values for s in symptoms):
        errors["symptoms"] = "症状の選択が正しくありません。"
    if temperature is not None and not Decimal("34") <= temperature <= Decimal("43"):
        errors["temperature"] = "体温は34.0〜43.0の間で入れてください。"
    if kind in {ReportKind.LATE, ReportKind.EARLY_LEAVE} and time is None:
        errors["time"] = "遅刻・早退には時刻を入れてください。"
    if len(note) > 300:
        errors["note"] = "連絡事項は300字以内にしてください。"
    enrolment = (
        Enrolment.objects.visible_to(actor, "view")
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day), student=student, start_date__lte=day)
        .first()
    )
    if enrolment is None and "day" not in errors:
        errors["day"] = "この日に在籍している学校がありません。"
    if errors:
        raise ValidationError(errors)
    assert enrolment is not None
    AbsenceReport.objects.visible_to(actor, "withdraw").filter(
        student=student, date=day, status=ReportStatus.PENDING
    ).update(status=ReportStatus.WITHDRAWN)
    report = AbsenceReport(
        student=student,
        school_id=enrolment.school_id,
        homeroom_id=enrolment.homeroom_id,
        date=day,
        kind=kind,
        reason=reason,
        symptoms=symptoms,
        temperature=temperature,
        time=time if kind != ReportKind.ABSENCE else None,
        note=note.strip(),
        reported_by=actor,
        after_deadline=_after_deadline(enrolment.school_id, day, kind, today, now),
    )
    report.full_clean()
    report.save()
    ensure_visible_after_write(actor, report, "view")
    return report


def _after_deadline(school_id: int, day: dt.date, kind: str, today: dt.date, now: dt.datetime | None) -> bool:
    """Is a report for ``day`` sent now later than the school's deadline (absence and lateness only)?"""
    if day != today or kind == ReportKind.EARLY_LEAVE:
        return False
    moment = timezone.localtime(now) if now is not None else timezone.localtime()
    return moment.time() > attendance_settings_get(school=school_id).report_deadline


# --- school settings --------------------------------------------------------------------------


@transaction.atomic
def attendance_settings_save(
    *,
    actor: Any,
    school: School,
    report_deadline: dt.time,
    period_marks: bool,
    periods_per_day: int,
) -> AttendanceSettings:
    """Save the school's reporting deadline and per-period settings (principal of the school)."""
    _require(
        School.objects.filter(pk=school.pk),
        actor,
        "manage_attendance_settings",
        "この学校の出欠の設定は変更できません。",
    )
    errors: dict[str, str] = {}
    if not dt.time(6, 0) <= report_deadline <= dt.time(12, 0):
        errors["report_deadline"] = "連絡の締切は6:00〜12:00の間で入れてください。"
    if not 1 <= periods_per_day <= 8:
        errors["periods_per_day"] = "1日の校時の数は1〜8で入れてください。"
    if errors:
        raise ValidationError(errors)
    current = AttendanceSettings.objects.filter(school=school).first() or AttendanceSettings(school=school)
    current.report_deadline = report_deadline
    current.period_marks = period_marks
    current.periods_per_day = periods_per_day
    current.full_clean()
    current.save()
    audit_event(
        kind="attendance_settings_saved",
        actor=actor,
        detail={"school": str(school.uuid), "deadline": report_deadline.isoformat(), "periods": period_marks},
    )
    return current


# --- the 7-day notice to the board (施行令 §20) -------------------------------------------------


@transaction.atomic
def board_notice_send(
    *, actor: Any, student: Student, note: str = "", today: dt.date | None = None
) -> BoardNotice:
    """The principal's one-click notice to the board that ``student`` has been absent 7 or more school
    days in a row (施行令 §20). The run, its days and the reasons are taken from the register; the
    notice copies the pupil's name and class and nothing else about them. One notice per run."""
    _require(
        Student.objects.filter(pk=student.pk),
        actor,
        "notify_board",
        "この児童生徒について教育委員会に通知することはできません。",
    )
    today = today or timezone.localdate()
    if len(note) > 500:
        raise ValidationError({"note": "備考は500字以内にしてください。"})
    enrolment = (
        Enrolment.objects.visible_to(actor, "view")
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today), student=student, start_date__lte=today)
        .select_related("school", "homeroom__grade_level")
        .first()
    )
    if enrolment is None:
        raise ValidationError("この児童生徒は今日在籍していません。")
    run = absence_run(actor=actor, student=student, school=enrolment.school, today=today)
    if run is None or len(run.days) < CONSECUTIVE_ABSENCE_ALERT:
        raise ValidationError(
            f"{CONSECUTIVE_ABSENCE_ALERT}日以上続けて欠席していないため、通知の対象ではありません。"
        )
    if (
        BoardNotice.objects.visible_to(actor, "view")
        .filter(student=student, first_day=run.days[0].date)
        .exists()
    ):
        raise ValidationError("この連続欠席はすでに教育委員会に通知しています。")
    homeroom = enrolment.homeroom
    notice = BoardNotice(
        board_id=enrolment.school.board_id,
        school=enrolment.school,
        student=student,
        pupil_name=student.full_name,
        pupil_name_kana=student.full_name_kana,
        class_name=homeroom.display_name if homeroom else enrolment.grade_level.name,
        first_day=run.days[0].date,
        last_day=run.days[-1].date,
        days_in_row=len(run.days),
        days_absent_year=run.days_absent_year,
        days=[{"date": d.date.isoformat(), "mark": d.label, "reason": d.reason} for d in run.days],
        note=note.strip(),
        sent_by=actor,
    )
    notice.full_clean(validate_constraints=False)
    notice.save()
    ensure_visible_after_write(actor, notice, "add")
    audit_event(kind="board_notice_sent", actor=actor, detail={"notice": str(notice.uuid)})
    return notice


@transaction.atomic
def board_notice_acknowledge(*, actor: Any, notice: BoardNotice) -> BoardNotice:
    """The board's 学務 staff mark a notice as read (who and when)."""
    found = BoardNotice.objects.visible_to(actor, "acknowledge").filter(pk=notice.pk).first()
    if found is None:
        raise PermissionDenied("この通知は確認できません。")
    if found.acknowledged_at is None:
        found.acknowledged_by = actor
        found.acknowledged_at = timezone.now()
        found.save(update_fields=["acknowledged_by", "acknowledged_at", "updated_at"])
    return found


# --- the code list ----------------------------------------------------------------------------


def attendance_codes_seed(*, board: Board) -> int:
    """Give ``board`` the common code list (病, 事, 停, 忌 …) to adapt; kinds it already has are kept.
    Returns the number of codes created."""
    have = set(AttendanceCode.objects.filter(board=board).values_list("kind", flat=True))
    new = [
        AttendanceCode(board=board, kind=kind, symbol=symbol, label=label, key=key, order=order)
        for order, (kind, symbol, label, key) in enumerate(DEFAULT_CODES)
        if kind not in have
    ]
    AttendanceCode.objects.bulk_create(new)
    return len(new)


@dataclass(frozen=True)
class CodeInput:
    """One row of the code-list form: the board's symbol, label and key for one kind of mark."""

    kind: str
    symbol: str
    label: str
    key: str = ""
    is_active: bool = True


#: Kinds every register must be able to record: the board cannot switch them off.
REQUIRED_KINDS = {Mark.PRESENT, Mark.ABSENT_ILLNESS, Mark.ABSENT_OTHER}


def _validate_codes(codes: list[CodeInput]) -> dict[str, list[str]]:
    """Problems of a code list, in Japanese, keyed by kind (``__all__`` for the list as a whole).

    One row per kind; a symbol for every kind but 出席; a symbol is used by one kind only, except
    among the kinds of 出席停止・忌引等, which add up in one column (停 for both kinds of 出席停止), so
    that every tally of the book (欠席, 病欠, 遅刻, 早退, 出席扱い) can be counted from its symbols;
    keyboard keys unique."""
    errors: dict[str, list[str]] = defaultdict(list)
    kinds = [c.kind for c in codes]
    if sorted(kinds) != sorted(Mark.values):
        errors["__all__"].append("出欠の種別ごとに一つずつ記号を決めてください。")
        return dict(errors)
    by_symbol: dict[str, list[CodeInput]] = defaultdict(list)
    by_key: dict[str, list[CodeInput]] = defaultdict(list)
    for code in codes:
        symbol, label, key = code.symbol.strip(), code.label.strip(), code.key.strip()
        if code.kind != Mark.PRESENT and not symbol:
            errors[code.kind].append("記号を入れてください。")
        if len(symbol) > 2:
            errors[code.kind].append("記号は2文字以内にしてください。")
        if not label:
            errors[code.kind].append("名前を入れてください。")
        elif len(label) > 40:
            errors[code.kind].append("名前は40字以内にしてください。")
        if key and (len(key) != 1 or not key.isascii() or not key.isalnum()):
            errors[code.kind].append("キーは半角の数字か英字1文字にしてください。")
        if code.kind in REQUIRED_KINDS and not code.is_active:
            errors[code.kind].append("出席・病欠・事故欠は使わない設定にできません。")
        if symbol:
            by_symbol[symbol].append(code)
        if key:
            by_key[key].append(code)
    for symbol, sharing in by_symbol.items():
        if len(sharing) > 1 and any(MARK_CATEGORY[c.kind] != Category.EXCUSED for c in sharing):
            for code in sharing:
                errors[code.kind].append(
                    f"記号「{symbol}」はほかの種別と重なっています。"
                    "同じ記号にできるのは出席停止・忌引等の種別どうしだけです。"
                )
    for key, sharing in by_key.items():
        if len(sharing) > 1:
            for code in sharing:
                errors[code.kind].append(f"キー「{key}」がほかの種別と重なっています。")
    return dict(errors)


@transaction.atomic
def attendance_codes_save(*, actor: Any, board: Board, codes: list[CodeInput]) -> list[AttendanceCode]:
    """Save the board's whole code list (the 学務課 decides the symbols for every school of the ward).
    All rows are validated first; nothing is written when any is wrong."""
    allowed = registry.narrow(Board.objects.filter(pk=board.pk), actor, "edit_attendance_codes").exists()
    if not allowed:
        raise PermissionDenied("この教育委員会の出欠の記号は変更できません。")
    errors = _validate_codes(codes)
    if errors:
        raise ValidationError(errors)
    existing = {c.kind: c for c in AttendanceCode.objects.filter(board=board)}
    saved = []
    for order, code in enumerate(codes):
        row = existing.get(code.kind) or AttendanceCode(board=board, kind=code.kind)
        row.symbol, row.label, row.key = code.symbol.strip(), code.label.strip(), code.key.strip()
        row.order, row.is_active = order, code.is_active
        row.save()
        saved.append(row)
    audit_event(kind="attendance_codes_saved", actor=actor, detail={"board": str(board.uuid)})
    return saved
