"""Writes of the 通知表: the school's template, the 提出 → 承認 → 公開 workflow, print jobs.

Every function is keyword-only, checks the actor's right through the policy registry (the view has
already answered 404/403; this is the second, independent check), refuses a transition the state does
not allow with a Japanese message (``ValidationError``), and runs in one transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import zipfile
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.core.scope import system_scope
from tsunagu.org.models import Homeroom, School, Term
from tsunagu.report_cards import selectors
from tsunagu.report_cards.models import (
    BatchOutput,
    BatchState,
    CardState,
    ReportCard,
    ReportCardBatch,
    ReportCardSet,
    ReportCardTemplate,
)
from tsunagu.report_cards.pdf import pdf_name, render_cards

logger = logging.getLogger("tsunagu.report_cards")


def _require(actor: Any, obj: Any, action: str) -> None:
    """Refuse unless ``actor`` may ``action`` the object (the service's own check)."""
    model = type(obj)
    if not model._default_manager.visible_to(actor, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(action)


# --- the template ---------------------------------------------------------------------------------


@transaction.atomic
def report_card_template_save(*, actor: Any, template: ReportCardTemplate) -> ReportCardTemplate:
    """Save the school's form as edited by its principal (validated by the form already)."""
    _require(actor, template.school, "report_card_admin")
    template.updated_by = actor
    template.full_clean()
    template.save()
    return template


# --- the workflow -----------------------------------------------------------------------------------


def _locked_set(homeroom: Homeroom, term: Term) -> ReportCardSet | None:
    """The class's workflow row, locked for the transition (two clicks cannot both pass the check)."""
    with system_scope(reason="report card workflow locks the class's row"):
        return ReportCardSet.objects.select_for_update().filter(homeroom=homeroom, term=term).first()


@transaction.atomic
def report_card_set_submit(*, actor: Any, homeroom: Homeroom, term: Term) -> ReportCardSet:
    """提出: the homeroom teacher hands the class's cards of the term to the principal."""
    _require(actor, homeroom, "submit_report_cards")
    if term.school_id != homeroom.school_id or term.school_year_id != homeroom.school_year_id:
        raise ValidationError(_("This term is not one of the class's school year."))
    card_set = _locked_set(homeroom, term)
    if card_set is None:
        card_set = ReportCardSet(homeroom=homeroom, term=term)
    elif card_set.state not in (CardState.DRAFT, CardState.RETURNED):
        raise ValidationError(_("These cards have already been submitted."))
    card_set.state = CardState.SUBMITTED
    card_set.submitted_at = timezone.now()
    card_set.submitted_by = actor
    card_set.save()
    return card_set


@transaction.atomic
def report_card_set_return(*, actor: Any, card_set: ReportCardSet, comment: str) -> ReportCardSet:
    """差し戻し: the principal sends submitted cards back to the teacher with what to correct."""
    _require(actor, card_set.homeroom, "approve_report_cards")
    comment = comment.strip()
    if not comment:
        raise ValidationError(_("Write what should be corrected."))
    locked = _locked_set(card_set.homeroom, card_set.term)
    if locked is None or locked.state != CardState.SUBMITTED:
        raise ValidationError(_("Only submitted cards can be sent back."))
    locked.state = CardState.RETURNED
    locked.return_comment = comment
    locked.save()
    return locked


@transaction.atomic
def report_card_set_approve(*, actor: Any, card_set: ReportCardSet) -> ReportCardSet:
    """承認: freeze every pupil's card as it stands now (content and its hash).

    Allowed on submitted cards, and again on approved or released ones whose data has changed since
    (re-approval: the new content replaces the old; a released set stays released, so families see the
    corrected card). Cards of pupils who have left the class are removed.
    """
    homeroom, term = card_set.homeroom, card_set.term
    _require(actor, homeroom, "approve_report_cards")
    locked = _locked_set(homeroom, term)
    if locked is None or locked.state not in (CardState.SUBMITTED, CardState.APPROVED, CardState.RELEASED):
        raise ValidationError(_("Only submitted cards can be approved."))
    overview = selectors.class_cards_get(actor=actor, homeroom=homeroom, term=term)
    if locked.state != CardState.SUBMITTED and not overview.needs_approval:
        raise ValidationError(_("Nothing has changed since the approval."))
    enrolments = [row.enrolment for row in overview.rows]
    contents = selectors.cards_content(actor=actor, term=term, enrolments=enrolments)
    now = timezone.now()
    with system_scope(reason="report card approval replaces the class's frozen cards"):
        ReportCard.objects.filter(card_set=locked).exclude(student__in=list(contents)).delete()
        existing = {c.student_id: c for c in ReportCard.objects.filter(card_set=locked)}
    new, changed = [], []
    for student_id, content in contents.items():
        digest = selectors.content_hash(content)
        card = existing.get(student_id)
        if card is None:
            new.append(
                ReportCard(
                    card_set=locked,
                    student_id=student_id,
                    content=content,
                    content_hash=digest,
                    approved_at=now,
                )
            )
        elif card.content_hash != digest:
            card.content, card.content_hash, card.approved_at = content, digest, now
            changed.append(card)
    ReportCard.objects.bulk_create(new)
    if changed:
        with system_scope(reason="report card approval updates changed cards"):
            ReportCard.objects.bulk_update(changed, ["content", "content_hash", "approved_at"])
    if locked.state == CardState.SUBMITTED:
        locked.state = CardState.APPROVED
    locked.approved_at = now
    locked.approved_by = actor
    locked.return_comment = ""
    locked.save()
    return locked


@transaction.atomic
def report_card_set_release(*, actor: Any, card_set: ReportCardSet, release_on: dt.date) -> ReportCardSet:
    """公開: guardians see the approved cards from ``release_on`` on (a day ahead is allowed)."""
    homeroom, term = card_set.homeroom, card_set.term
    _require(actor, homeroom, "approve_report_cards")
    locked = _locked_set(homeroom, term)
    if locked is None or locked.state not in (CardState.APPROVED, CardState.RELEASED):
        raise ValidationError(_("Only approved cards can be released."))
    if release_on < term.start_date:
        raise ValidationError(_("The release day cannot be before the term."))
    overview = selectors.class_cards_get(actor=actor, homeroom=homeroom, term=term)
    if overview.needs_approval:
        raise ValidationError(_("Some cards have changed since the approval: approve them again first."))
    locked.state = CardState.RELEASED
    locked.release_on = release_on
    locked.save()
    return locked


# --- print jobs -------------------------------------------------------------------------------------


def report_card_batch_start(*, actor: Any, school: School, term: Term, output_kind: str) -> ReportCardBatch:
    """Queue the whole school's cards of ``term`` for printing in the background (one job)."""
    from tsunagu.report_cards.tasks import report_card_batch_task

    _require(actor, school, "report_card_admin")
    if term.school_id != school.pk:
        raise ValidationError(_("This term is not one of the school's."))
    if output_kind not in BatchOutput.values:
        raise ValidationError(_("Choose what to produce."))
    batch = ReportCardBatch.objects.create(
        school=school, term=term, output_kind=output_kind, requested_by=actor
    )
    # The database backend's queue row is written in the caller's transaction, so the worker cannot
    # pick the job up before the batch row is committed.
    report_card_batch_task.enqueue(batch.pk)
    return batch


def _progress(actor: Any, batch_id: int, **fields: Any) -> None:
    """Record progress as the principal who asked (their own school's job: no system scope)."""
    ReportCardBatch.objects.visible_to(actor, "view").filter(pk=batch_id).update(**fields)


def report_card_batch_run(*, batch_id: int) -> None:
    """Do a print job: every class of the school, approved classes from their frozen cards and the
    others from today's data marked 下書き. Reads run as the principal who asked (their scope, not a
    system scope), in bulk for the whole school; one Typst compile per class (ZIP) or one for the school
    (merged PDF). Progress (classes done) is written after each class so the page can show it."""
    with system_scope(reason="report card print job reads its own row"):
        batch = ReportCardBatch.objects.select_related("school", "term__school_year", "requested_by").get(
            pk=batch_id
        )
    if batch.state not in (BatchState.QUEUED,):
        return
    actor, school, term = batch.requested_by, batch.school, batch.term
    try:
        _require(actor, school, "report_card_admin")
        _progress(actor, batch_id, state=BatchState.RUNNING, started_at=timezone.now())
        groups = school_cards(actor=actor, school=school, term=term)
        _progress(actor, batch_id, total=len(groups) + (1 if batch.output_kind == BatchOutput.MERGED else 0))
        pupils = sum(len(cards) for _, cards in groups)
        if batch.output_kind == BatchOutput.ZIP:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
                for done, (homeroom, cards) in enumerate(groups, start=1):
                    archive.writestr(pdf_name(homeroom.display_name, term.name), render_cards(cards))
                    _progress(actor, batch_id, done=done, pupils=sum(len(c) for _, c in groups[:done]))
            output, name = buffer.getvalue(), pdf_name(school.name, term.name).removesuffix(".pdf") + ".zip"
        else:
            _progress(actor, batch_id, done=len(groups), pupils=pupils)
            output = render_cards([card for _, cards in groups for card in cards])
            name = pdf_name(school.name, term.name)
        _progress(
            actor,
            batch_id,
            state=BatchState.DONE,
            done=len(groups) + (1 if batch.output_kind == BatchOutput.MERGED else 0),
            pupils=pupils,
            output=output,
            output_name=name,
            finished_at=timezone.now(),
        )
    except PermissionDenied:
        _fail(batch_id, _("The person who started the job may no longer print this school's cards."))
    except Exception as error:
        logger.exception("report card print job %s failed", batch_id)
        _fail(batch_id, str(error))


def _fail(batch_id: int, message: str) -> None:
    """Record a failed job (the requester may have lost the right to it: recorded regardless)."""
    with system_scope(reason="report card print job records its failure"):
        ReportCardBatch.objects.filter(pk=batch_id).update(
            state=BatchState.FAILED, error=message[:1000], finished_at=timezone.now()
        )


def school_cards(
    *, actor: Any, school: School, term: Term
) -> list[tuple[Homeroom, list[tuple[dict[str, Any], bool]]]]:
    """Every class of the school with its cards to print (content, draft): the frozen content of
    approved classes, today's data for the others. The data of all pupils is read in one go."""
    enrolments = selectors.school_enrolments(actor=actor, school=school, term=term)
    contents = selectors.cards_content(actor=actor, term=term, enrolments=enrolments)
    frozen_sets = {
        s.homeroom_id: s
        for s in ReportCardSet.objects.visible_to(actor, "view").filter(
            term=term, homeroom__school=school, state__in=[CardState.APPROVED, CardState.RELEASED]
        )
    }
    homeroom_of_set = {s.pk: homeroom_id for homeroom_id, s in frozen_sets.items()}
    frozen: dict[tuple[int, int], dict[str, Any]] = {}
    if frozen_sets:
        for card in ReportCard.objects.visible_to(actor, "view").filter(card_set__in=list(homeroom_of_set)):
            frozen[(homeroom_of_set[card.card_set_id], card.student_id)] = card.content
    groups: dict[int, tuple[Homeroom, list[tuple[dict[str, Any], bool]]]] = {}
    for e in enrolments:
        homeroom = e.homeroom
        assert homeroom is not None  # _enrolments keeps pupils with a class only
        entry = groups.setdefault(homeroom.pk, (homeroom, []))
        approved = frozen.get((homeroom.pk, e.student_id))
        if approved is not None:
            entry[1].append((approved, False))
        else:
            entry[1].append((contents[e.student_id], True))
    return list(groups.values())
