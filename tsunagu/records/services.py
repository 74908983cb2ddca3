"""Writes of 指導要録 and 調査書: opening records, the draft items, submission, sign-off, amendment.

Every service is keyword-only, runs in one transaction and checks the actor's right on the rows it
touches (``visible_to``); bad input raises ``ValidationError`` with a Japanese message and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tsunagu.core.audit import audit_event
from tsunagu.org.models import School, SchoolYear
from tsunagu.records import rules, selectors
from tsunagu.records.models import (
    CumulativeRecord,
    EnrolmentSection,
    EnrolmentSectionVersion,
    GuidanceSection,
    GuidanceSectionVersion,
    SectionStatus,
    TranscriptForAdmission,
    content_digest,
)
from tsunagu.students.models import Enrolment, Student

SIGNED_MESSAGE = "署名済みの指導要録は変更できません。訂正として記録してください。"

#: Items an amendment may change by hand, per form (the rest comes from the owning apps: change it
#: there and amend with "read the data again").
FORM1_TEXT = ("pupil.address", "guardian.address", "prior_history", "next_destination")
FORM2_TEXT = (
    "moral",
    "foreign_language",
    "integrated.activity",
    "integrated.viewpoint",
    "integrated.evaluation",
    "remark",
    "attendance.note",
)


def _name(user: Any) -> str:
    staff = getattr(user, "staff_member", None)
    return staff.full_name if staff is not None else user.get_username()


def _check_password(actor: Any, password: str) -> None:
    """The signer re-enters their password: an electronic signature is a deliberate act of that person."""
    if not password or not actor.check_password(password):
        raise ValidationError(
            {"password": "パスワードが違います。署名するにはご自分のパスワードを入れてください。"}
        )


def _visible(model: Any, actor: Any, action: str, pks: Sequence[int]) -> set[int]:
    return set(model.objects.visible_to(actor, action).filter(pk__in=list(pks)).values_list("pk", flat=True))


@transaction.atomic
def records_open(
    *, actor: Any, school: School, students: Sequence[Student], school_year: SchoolYear
) -> dict[int, CumulativeRecord]:
    """The records of ``students`` at ``school`` with their sections for every year they spent there up to
    ``school_year``, created where missing (empty containers: the content is read live). Only pupils the
    actor may see at that school; by pupil id."""
    ids = list(
        Enrolment.objects.visible_to(actor, "view")
        .filter(school=school, student__in=[s.pk for s in students], start_date__lte=school_year.end_date)
        .values_list("student_id", "school_year_id")
    )
    by_student: dict[int, set[int]] = {}
    for sid, year_id in ids:
        by_student.setdefault(sid, set()).add(year_id)
    existing = {
        r.student_id: r
        for r in CumulativeRecord.objects.visible_to(actor, "view").filter(
            school=school, student_id__in=by_student
        )
    }
    missing = [sid for sid in by_student if sid not in existing]
    if missing:
        CumulativeRecord.objects.bulk_create(
            [CumulativeRecord(student_id=sid, school=school) for sid in missing], ignore_conflicts=True
        )
        existing = {
            r.student_id: r
            for r in CumulativeRecord.objects.visible_to(actor, "view").filter(
                school=school, student_id__in=by_student
            )
        }
    for model in (EnrolmentSection, GuidanceSection):
        have = set(
            model.objects.visible_to(actor, "view")
            .filter(record__in=[r.pk for r in existing.values()])
            .values_list("record_id", "school_year_id")
        )
        model.objects.bulk_create(
            [
                model(record=existing[sid], school_year_id=year_id)
                for sid, years in by_student.items()
                if sid in existing
                for year_id in years
                if (existing[sid].pk, year_id) not in have
            ],
            ignore_conflicts=True,
        )
    return existing


def _sections(
    actor: Any, records: Sequence[CumulativeRecord], school_year: SchoolYear, action: str
) -> tuple[dict[int, EnrolmentSection], dict[int, GuidanceSection]]:
    pks = [r.pk for r in records]
    e = {
        s.record_id: s
        for s in EnrolmentSection.objects.visible_to(actor, action)
        .select_for_update()
        .filter(record__in=pks, school_year=school_year)
    }
    g = {
        s.record_id: s
        for s in GuidanceSection.objects.visible_to(actor, action)
        .select_for_update()
        .filter(record__in=pks, school_year=school_year)
    }
    if len(e) != len(pks) or len(g) != len(pks):
        raise PermissionDenied("この指導要録は扱えません。")
    return e, g


@transaction.atomic
def section_drafts_save(
    *,
    actor: Any,
    record: CumulativeRecord,
    school_year: SchoolYear,
    prior_history: str,
    next_destination: str,
    attendance_note: str,
) -> None:
    """The items of the year that no other app holds: 入学前の経歴, 進学先 (様式1) and the 出欠 備考 (様式2).
    Refused once the year is submitted or signed."""
    e, g = _sections(actor, [record], school_year, "submit")
    enrolment, guidance = e[record.pk], g[record.pk]
    if guidance.status == SectionStatus.SIGNED:
        raise ValidationError(SIGNED_MESSAGE)
    if guidance.status == SectionStatus.SUBMITTED:
        raise ValidationError("提出済みです。直すには校長に差し戻してもらってください。")
    errors = {}
    if len(prior_history) > 400:
        errors["prior_history"] = "入学前の経歴は400字以内にしてください。"
    if len(next_destination) > 200:
        errors["next_destination"] = "進学先・就職先は200字以内にしてください。"
    if len(attendance_note) > 200:
        errors["attendance_note"] = "出欠の備考は200字以内にしてください。"
    if errors:
        raise ValidationError(errors)
    enrolment.prior_history = prior_history.strip()
    enrolment.next_destination = next_destination.strip()
    enrolment.save(update_fields=["prior_history", "next_destination", "updated_at"])
    guidance.attendance_note = attendance_note.strip()
    guidance.save(update_fields=["attendance_note", "updated_at"])


@transaction.atomic
def year_submit(*, actor: Any, records: Sequence[CumulativeRecord], school_year: SchoolYear) -> int:
    """The homeroom teacher has checked the year and submits it: the content shown now is frozen as
    version 1 of both sections (unsigned) and waits for the principal. All or nothing; returns the
    number submitted."""
    if not records:
        raise ValidationError("提出する児童生徒を選んでください。")
    e, g = _sections(actor, records, school_year, "submit")
    not_draft = [r for r in records if g[r.pk].status != SectionStatus.DRAFT]
    if not_draft:
        names = "、".join(r.student.full_name for r in not_draft[:5])
        raise ValidationError(f"提出済み・署名済みの児童生徒が含まれています（{names}）。")
    form1 = selectors.form1_contents(actor=actor, records=records, school_year=school_year)
    form2 = selectors.form2_contents(actor=actor, records=records, school_year=school_year)
    now = timezone.now()
    name = _name(actor)
    e_versions, g_versions = [], []
    for r in records:
        e_versions.append(
            EnrolmentSectionVersion(
                section=e[r.pk], number=1, content=form1[r.pk], content_sha256=content_digest(form1[r.pk]),
                author=actor, author_name=name,
            )
        )  # fmt: skip
        g_versions.append(
            GuidanceSectionVersion(
                section=g[r.pk], number=1, content=form2[r.pk], content_sha256=content_digest(form2[r.pk]),
                author=actor, author_name=name,
            )
        )  # fmt: skip
    EnrolmentSectionVersion.objects.bulk_create(e_versions)
    GuidanceSectionVersion.objects.bulk_create(g_versions)
    for model in (EnrolmentSection, GuidanceSection):
        model.objects.visible_to(actor, "submit").filter(
            record__in=[r.pk for r in records], school_year=school_year
        ).update(status=SectionStatus.SUBMITTED, submitted_by=actor, submitted_at=now)
    audit_event(
        kind="records_submitted", actor=actor, detail={"year": school_year.year, "count": len(records)}
    )
    return len(records)


def _retention(record: CumulativeRecord, school_year: SchoolYear) -> tuple[dt.date, dt.date]:
    """(学籍 until, 指導 until): counted from the day the pupil left the school, or — still enrolled — from
    the end of their final year there (later than any actual leaving, so never too early)."""
    enrolments = list(
        Enrolment.objects.filter(student=record.student_id, school=record.school_id)
        .select_related("grade_level", "school_year")
        .order_by("start_date", "id")
    )
    if enrolments and all(e.end_date for e in enrolments):
        left = max(e.end_date for e in enrolments if e.end_date)
    else:
        last = enrolments[-1] if enrolments else None
        left = rules.expected_leaving(
            school_year_end=(last.school_year if last else school_year).end_date,
            grade_number=last.grade_level.number if last else 1,
            stage=last.grade_level.stage if last else "P",
        )
    return rules.retention_until(left_on=left, part="enrolment"), rules.retention_until(
        left_on=left, part="guidance"
    )


@transaction.atomic
def year_sign(
    *, actor: Any, records: Sequence[CumulativeRecord], school_year: SchoolYear, password: str
) -> int:
    """The principal signs submitted years off: the pending version gets the signer, the time and stays
    bound to its SHA-256; the sections lock and get their retention date. Password re-entered. All or
    nothing; returns the number signed."""
    _check_password(actor, password)
    if not records:
        raise ValidationError("署名する児童生徒を選んでください。")
    from tsunagu.core.scope import system_scope

    e, g = _sections(actor, records, school_year, "sign")
    not_submitted = [r for r in records if g[r.pk].status != SectionStatus.SUBMITTED]
    if not_submitted:
        names = "、".join(r.student.full_name for r in not_submitted[:5])
        raise ValidationError(f"提出されていない（または署名済みの）児童生徒が含まれています（{names}）。")
    now = timezone.now()
    name = _name(actor)
    for r in records:
        # The enrolment history to date the retention includes years at the school the actor's own
        # scope may not list; reading dates only, for the legal retention period.
        with system_scope(reason="records: retention date from the pupil's enrolments at the school"):
            keep_enrolment, keep_guidance = _retention(r, school_year)
        for section, until in ((e[r.pk], keep_enrolment), (g[r.pk], keep_guidance)):
            pending = section.versions.visible_to(actor, "sign").filter(signed_at__isnull=True).get()
            if not pending.intact:
                raise ValidationError("提出された内容が変わっています。差し戻して提出し直してください。")
            pending.signed_by = actor
            pending.signer_name = name
            pending.signed_at = now
            pending.save(update_fields=["signed_by", "signer_name", "signed_at", "updated_at"])
            section.status = SectionStatus.SIGNED
            section.retention_until = until
            section.save(update_fields=["status", "retention_until", "updated_at"])
    audit_event(kind="records_signed", actor=actor, detail={"year": school_year.year, "count": len(records)})
    return len(records)


@transaction.atomic
def year_return(*, actor: Any, records: Sequence[CumulativeRecord], school_year: SchoolYear) -> int:
    """The principal sends submitted years back to the homeroom teacher (the unsigned versions go; the
    content is live again)."""
    e, g = _sections(actor, records, school_year, "sign")
    for r in records:
        if g[r.pk].status != SectionStatus.SUBMITTED:
            raise ValidationError(f"{r.student.full_name}さんは提出されていません。")
        for section in (e[r.pk], g[r.pk]):
            section.versions.visible_to(actor, "sign").filter(signed_at__isnull=True).delete()
            section.status = SectionStatus.DRAFT
            section.submitted_by = None
            section.submitted_at = None
            section.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    audit_event(
        kind="records_returned", actor=actor, detail={"year": school_year.year, "count": len(records)}
    )
    return len(records)


def _set(content: dict[str, Any], path: str, value: str) -> None:
    head, _, rest = path.partition(".")
    if rest:
        content.setdefault(head, {})
        if content[head] is None:
            content[head] = {}
        content[head][rest] = value
    else:
        content[head] = value


def get_path(content: dict[str, Any], path: str) -> str:
    head, _, rest = path.partition(".")
    value = content.get(head)
    if rest:
        value = (value or {}).get(rest)
    return "" if value is None else str(value)


@transaction.atomic
def section_amend(
    *,
    actor: Any,
    record: CumulativeRecord,
    school_year: SchoolYear,
    form: str,
    changes: dict[str, str],
    reason: str,
    password: str,
    reread: bool = False,
) -> Any:
    """An amendment of a signed year (訂正): a new version, signed by the principal, with the reason; the
    earlier versions stay. ``changes`` sets the form's text items; ``reread`` first takes the owning apps'
    current data (e.g. a 評定 corrected in grades). Refused when nothing changes."""
    _check_password(actor, password)
    if not reason.strip():
        raise ValidationError({"reason": "訂正の理由を入れてください。"})
    if len(reason) > 300:
        raise ValidationError({"reason": "訂正の理由は300字以内にしてください。"})
    if form not in ("form1", "form2"):
        raise ValidationError("様式が正しくありません。")
    e, g = _sections(actor, [record], school_year, "amend")
    section: Any = e[record.pk] if form == "form1" else g[record.pk]
    if section.status != SectionStatus.SIGNED:
        raise ValidationError("署名前の指導要録は訂正ではなく、そのまま直してください。")
    allowed = FORM1_TEXT if form == "form1" else FORM2_TEXT
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError("訂正できない項目が含まれています。")
    latest = section.versions.visible_to(actor, "amend").order_by("-number").first()
    if reread:
        build = selectors.form1_contents if form == "form1" else selectors.form2_contents
        content = build(actor=actor, records=[record], school_year=school_year)[record.pk]
    else:
        content = dict(latest.content)
    content = {k: (dict(v) if isinstance(v, dict) else v) for k, v in content.items()}
    for path, value in changes.items():
        if len(value) > 1000:
            raise ValidationError("訂正の内容が長すぎます。")
        _set(content, path, value.strip())
    digest = content_digest(content)
    if digest == latest.content_sha256:
        raise ValidationError("訂正の内容が署名済みの内容と同じです。")
    model = EnrolmentSectionVersion if form == "form1" else GuidanceSectionVersion
    now = timezone.now()
    name = _name(actor)
    version = model.objects.create(
        section=section,
        number=latest.number + 1,
        content=content,
        content_sha256=digest,
        reason=reason.strip(),
        author=actor,
        author_name=name,
        signed_by=actor,
        signer_name=name,
        signed_at=now,
    )
    audit_event(
        kind="records_amended",
        actor=actor,
        detail={"record": record.uuid, "year": school_year.year, "form": form, "version": version.number},
    )
    return version


@transaction.atomic
def transcript_save(
    *,
    actor: Any,
    student: Student,
    school: School,
    school_year: SchoolYear,
    absence_reason: str,
    remarks: str,
) -> TranscriptForAdmission:
    """What the homeroom teacher writes on the 調査書 (the reason for absences, remarks)."""
    if not Student.objects.visible_to(actor, "view").filter(pk=student.pk).exists():
        raise PermissionDenied("この生徒の調査書は扱えません。")
    errors = {}
    if len(absence_reason) > 200:
        errors["absence_reason"] = "欠席の主な理由は200字以内にしてください。"
    if len(remarks) > 600:
        errors["remarks"] = "備考は600字以内にしてください。"
    if errors:
        raise ValidationError(errors)
    transcript = (
        TranscriptForAdmission.objects.visible_to(actor, "change")
        .filter(student=student, school_year=school_year)
        .first()
    )
    if transcript is None:
        transcript = TranscriptForAdmission(student=student, school=school, school_year=school_year)
    transcript.absence_reason = absence_reason.strip()
    transcript.remarks = remarks.strip()
    transcript.updated_by = actor
    transcript.full_clean()
    transcript.save()
    if not TranscriptForAdmission.objects.visible_to(actor, "change").filter(pk=transcript.pk).exists():
        raise PermissionDenied("この生徒の調査書は扱えません。")
    return transcript
