"""通知表 pages. Thin: access by ``policy_required`` and ``get_visible_or_404`` (homeroom, school, card,
print job), reads in selectors, writes in services, PDFs through ``pdf.render_cards``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tsunagu.core.audit import log_access
from tsunagu.core.pdf import pdf_response
from tsunagu.core.views import get_visible_or_404, policy_required
from tsunagu.org.models import Homeroom, School, Term
from tsunagu.report_cards import selectors, services
from tsunagu.report_cards.forms import (
    SECTION_FIELDS,
    WORDING_FIELDS,
    BatchForm,
    ReleaseForm,
    ReturnForm,
    TemplateForm,
)
from tsunagu.report_cards.models import BatchState, CardState, ReportCard, ReportCardBatch
from tsunagu.report_cards.pdf import pdf_name, render_cards

_HOMEROOMS = Homeroom.objects.select_related("school", "school_year", "grade_level")


def _class_and_term(
    request: HttpRequest, homeroom_uuid: uuid.UUID, term: int, action: str
) -> tuple[Homeroom, Term]:
    homeroom = get_visible_or_404(Homeroom, request, homeroom_uuid, action, queryset=_HOMEROOMS)
    found = selectors.term_get(homeroom, term)
    if found is None:
        raise Http404
    found.school = homeroom.school  # same school: saves a query when the content reads it
    return homeroom, found


def _may(actor: Any, obj: Any, action: str) -> bool:
    return bool(type(obj)._default_manager.visible_to(actor, action).filter(pk=obj.pk).exists())


@policy_required(Homeroom, "view_report_cards")
def index(request: HttpRequest) -> HttpResponse:
    """The classes whose cards the actor may open, each term with where its cards stand; the
    principal's way to the school's template and printing."""
    schools = selectors.admin_schools(actor=request.user)
    return render(
        request,
        "report_cards/index.html",
        {"links": selectors.class_links(actor=request.user), "schools": schools},
    )


@policy_required(Homeroom, "view_report_cards")
def class_cards(request: HttpRequest, homeroom_uuid: uuid.UUID, term: int) -> HttpResponse:
    """The class's cards of a term: every pupil with a preview, where the cards stand, what changed
    since the approval, and the actions the actor may take (提出 / 承認 / 差し戻し / 公開)."""
    homeroom, found = _class_and_term(request, homeroom_uuid, term, "view_report_cards")
    overview = selectors.class_cards_get(actor=request.user, homeroom=homeroom, term=found)
    may_submit = _may(request.user, homeroom, "submit_report_cards")
    may_approve = _may(request.user, homeroom, "approve_report_cards")
    state = overview.state
    return render(
        request,
        "report_cards/class.html",
        {
            "homeroom": homeroom,
            "term": found,
            "terms": selectors.terms_of(homeroom.school_id, homeroom.school_year_id),
            "overview": overview,
            "State": CardState,
            "may_submit": may_submit and state in (CardState.DRAFT, CardState.RETURNED),
            "may_approve": may_approve and (state == CardState.SUBMITTED or overview.needs_approval),
            "may_return": may_approve and state == CardState.SUBMITTED,
            "may_release": may_approve and state in (CardState.APPROVED, CardState.RELEASED),
            "return_form": ReturnForm(),
            "release_form": ReleaseForm(
                initial={
                    "release_on": (overview.card_set.release_on if overview.card_set else None)
                    or timezone.localdate()
                }
            ),
        },
    )


@policy_required(Homeroom, "view_report_cards")
def class_pdf(request: HttpRequest, homeroom_uuid: uuid.UUID, term: int) -> HttpResponse:
    """Every card of the class as it stands today, in one PDF (下書き until approved)."""
    homeroom, found = _class_and_term(request, homeroom_uuid, term, "view_report_cards")
    enrolments = selectors.class_enrolments(actor=request.user, homeroom=homeroom, term=found)
    if not enrolments:
        raise Http404
    contents = selectors.cards_content(actor=request.user, term=found, enrolments=enrolments)
    draft = _is_draft(request, homeroom, found)
    pdf = render_cards([(contents[e.student_id], draft) for e in enrolments])
    return pdf_response(pdf, pdf_name(homeroom.display_name, found.name))


def _is_draft(request: HttpRequest, homeroom: Homeroom, term: Term) -> bool:
    card_set = selectors.card_set_get(actor=request.user, homeroom=homeroom, term=term)
    return card_set is None or card_set.state not in (CardState.APPROVED, CardState.RELEASED)


@policy_required(Homeroom, "view_report_cards")
def pupil_pdf(
    request: HttpRequest, homeroom_uuid: uuid.UUID, term: int, student_uuid: uuid.UUID
) -> HttpResponse:
    """One pupil's card as it stands today (the homeroom teacher's preview)."""
    homeroom, found = _class_and_term(request, homeroom_uuid, term, "view_report_cards")
    enrolments = [
        e
        for e in selectors.class_enrolments(actor=request.user, homeroom=homeroom, term=found)
        if e.student.uuid == student_uuid
    ]
    if not enrolments:
        raise Http404
    contents = selectors.cards_content(actor=request.user, term=found, enrolments=enrolments)
    e = enrolments[0]
    pdf = render_cards([(contents[e.student_id], _is_draft(request, homeroom, found))])
    return pdf_response(pdf, pdf_name(homeroom.display_name, found.name, e.student.full_name))


def _transition(request: HttpRequest, homeroom: Homeroom, term: Term, run: Any, done: str) -> HttpResponse:
    try:
        run()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("report_cards:class_cards", homeroom.uuid, term.number)


@require_POST
@policy_required(Homeroom, "submit_report_cards")
def submit(request: HttpRequest, homeroom_uuid: uuid.UUID, term: int) -> HttpResponse:
    """提出: the homeroom teacher hands the cards to the principal."""
    homeroom, found = _class_and_term(request, homeroom_uuid, term, "submit_report_cards")
    return _transition(
        request,
        homeroom,
        found,
        lambda: services.report_card_set_submit(actor=request.user, homeroom=homeroom, term=found),
        _("Submitted to the principal."),
    )


def _set_or_404(request: HttpRequest, homeroom: Homeroom, term: Term) -> Any:
    card_set = selectors.card_set_get(actor=request.user, homeroom=homeroom, term=term)
    if card_set is None:
        raise Http404
    card_set.homeroom, card_set.term = homeroom, term
    return card_set


@require_POST
@policy_required(Homeroom, "approve_report_cards")
def approve(request: HttpRequest, homeroom_uuid: uuid.UUID, term: int) -> HttpResponse:
    """承認 (or re-approval after a change): freeze the cards as they stand."""
    homeroom, found = _class_and_term(request, homeroom_uuid, term, "approve_report_cards")
    card_set = _set_or_404(request, homeroom, found)
    return _transition(
        request,
        homeroom,
        found,
        lambda: services.report_card_set_approve(actor=request.user, card_set=card_set),
        _("Approved. The cards are frozen as they are now."),
    )


@require_POST
@policy_required(Homeroom, "approve_report_cards")
def send_back(request: HttpRequest, homeroom_uuid: uuid.UUID, term: int) -> HttpResponse:
    """差し戻し with a comment."""
    homeroom, found = _class_and_term(request, homeroom_uuid, term, "approve_report_cards")
    card_set = _set_or_404(request, homeroom, found)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write what should be corrected."))
        return redirect("report_cards:class_cards", homeroom.uuid, found.number)
    comment = form.cleaned_data["comment"]
    return _transition(
        request,
        homeroom,
        found,
        lambda: services.report_card_set_return(actor=request.user, card_set=card_set, comment=comment),
        _("Sent back to the homeroom teacher."),
    )


@require_POST
@policy_required(Homeroom, "approve_report_cards")
def release(request: HttpRequest, homeroom_uuid: uuid.UUID, term: int) -> HttpResponse:
    """公開 on a day."""
    homeroom, found = _class_and_term(request, homeroom_uuid, term, "approve_report_cards")
    card_set = _set_or_404(request, homeroom, found)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the release day."))
        return redirect("report_cards:class_cards", homeroom.uuid, found.number)
    day = form.cleaned_data["release_on"]
    return _transition(
        request,
        homeroom,
        found,
        lambda: services.report_card_set_release(actor=request.user, card_set=card_set, release_on=day),
        _("Released: guardians see the cards from %(day)s.") % {"day": day.isoformat()},
    )


@policy_required(ReportCard, "view")
def card_pdf(request: HttpRequest, card_uuid: uuid.UUID) -> HttpResponse:
    """An approved card exactly as approved (for guardians: released cards of their children). Every
    download is logged."""
    queryset = ReportCard.objects.select_related(
        "student", "card_set__term", "card_set__homeroom__grade_level"
    )
    card = get_visible_or_404(ReportCard, request, card_uuid, "view", queryset=queryset)
    pdf = render_cards([(card.content, False)])
    log_access(actor=request.user, records=[card], request=request, action="download")
    title = str(card.content.get("form", {}).get("title", ""))
    return pdf_response(pdf, pdf_name(title, card.card_set.term.name, card.student.full_name))


@policy_required(ReportCard, "view")
def mine(request: HttpRequest) -> HttpResponse:
    """For guardians: the released cards of their children."""
    return render(request, "report_cards/mine.html", {"cards": selectors.released_cards(actor=request.user)})


# --- the principal's pages --------------------------------------------------------------------------


@policy_required(School, "report_card_admin")
def template_edit(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """The school's 通知表 form (title, paper, sections, wording, note to families)."""
    school = get_visible_or_404(School, request, school_uuid, "report_card_admin")
    template = selectors.template_for(school)
    if request.method == "POST" and "restore" in request.POST:
        # Shown, not saved: the principal sees the defaults of the school's kind and saves them.
        for name, value in selectors.template_defaults(school).items():
            setattr(template, name, value)
        form = TemplateForm(instance=template)
        messages.info(request, _("The default wording is shown below; save to keep it."))
    elif request.method == "POST":
        form = TemplateForm(request.POST, instance=template)
        if form.is_valid():
            services.report_card_template_save(actor=request.user, template=form.save(commit=False))
            messages.success(request, _("The report card form has been saved."))
            return redirect("report_cards:template_edit", school.uuid)
    else:
        form = TemplateForm(instance=template)
    return render(
        request,
        "report_cards/template.html",
        {
            "school": school,
            "form": form,
            "saved": template.pk is not None,
            "section_fields": [form[name] for name in SECTION_FIELDS],
            "wording_fields": [form[name] for name in WORDING_FIELDS],
        },
    )


@policy_required(School, "report_card_admin")
def school_print(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """The whole school's cards of a term in one background job; its latest jobs; every class's state."""
    school = get_visible_or_404(School, request, school_uuid, "report_card_admin")
    from tsunagu.org.selectors import school_year_on

    year = school_year_on(timezone.localdate())
    terms = selectors.terms_of(school, year) if year else []
    if request.method == "POST":
        form = BatchForm(request.POST, terms=terms)
        if form.is_valid():
            try:
                batch = services.report_card_batch_start(
                    actor=request.user,
                    school=school,
                    term=form.cleaned_data["term"],
                    output_kind=form.cleaned_data["output_kind"],
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                return redirect("report_cards:batch", batch.uuid)
    else:
        current = next((t for t in terms if t.start_date <= timezone.localdate() <= t.end_date), None)
        form = BatchForm(terms=terms, initial={"term": current.pk if current else None})
    term_pk = form["term"].value()
    term = next((t for t in terms if str(t.pk) == str(term_pk)), terms[0] if terms else None)
    classes = selectors.school_overview(actor=request.user, school=school, term=term) if term else []
    return render(
        request,
        "report_cards/school.html",
        {
            "school": school,
            "form": form,
            "term": term,
            "terms": terms,
            "classes": classes,
            "batches": selectors.batches_of(actor=request.user, school=school),
        },
    )


def _batch(request: HttpRequest, batch_uuid: uuid.UUID) -> ReportCardBatch:
    queryset = ReportCardBatch.objects.select_related("school", "term").defer("output")
    return get_visible_or_404(ReportCardBatch, request, batch_uuid, "view", queryset=queryset)


@policy_required(ReportCardBatch, "view")
def batch(request: HttpRequest, batch_uuid: uuid.UUID) -> HttpResponse:
    """A print job with its progress bar (refreshed by htmx until it ends)."""
    job = _batch(request, batch_uuid)
    return render(request, "report_cards/batch.html", {"batch": job, "State": BatchState})


@policy_required(ReportCardBatch, "view")
def batch_progress(request: HttpRequest, batch_uuid: uuid.UUID) -> HttpResponse:
    """The progress fragment htmx polls (it stops polling once the job has ended)."""
    job = _batch(request, batch_uuid)
    return render(request, "report_cards/_partials/progress.html", {"batch": job, "State": BatchState})


@policy_required(ReportCardBatch, "view")
def batch_download(request: HttpRequest, batch_uuid: uuid.UUID) -> HttpResponse:
    """The job's output: the school's PDF or the ZIP of class PDFs."""
    job = _batch(request, batch_uuid)
    if job.state != BatchState.DONE:
        raise Http404
    output = (
        ReportCardBatch.objects.visible_to(request.user, "view")
        .values_list("output", flat=True)
        .get(pk=job.pk)
    )
    if output is None:
        raise Http404
    if job.output_name.endswith(".zip"):
        response = HttpResponse(bytes(output), content_type="application/zip")
        from django.utils.http import content_disposition_header

        response["Content-Disposition"] = content_disposition_header(True, job.output_name) or "attachment"
        response["Cache-Control"] = "private, no-store"
        return response
    return pdf_response(bytes(output), job.output_name, download=True)
