"""Pages of 指導要録 and 調査書. Thin: access by decorator and ``get_visible_or_404``, rules in ``services``,
reads in ``selectors``. Every page or PDF showing a record is a class-I read and is logged."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tsunagu.core.audit import log_access
from tsunagu.core.pdf import pdf_response
from tsunagu.core.policy import registry
from tsunagu.core.views import get_visible_or_404, policy_required
from tsunagu.org.models import Homeroom, SchoolYear
from tsunagu.records import pdfs, selectors, services
from tsunagu.records.forms import AmendForm, DraftForm, SignForm, TranscriptForm
from tsunagu.records.models import CumulativeRecord, SectionStatus, TranscriptForAdmission
from tsunagu.students.models import Enrolment, Student

FORM1_LABELS = {
    "pupil.address": "児童生徒の現住所",
    "guardian.address": "保護者の現住所",
    "prior_history": "入学前の経歴",
    "next_destination": "進学先・就職先等",
}
FORM2_LABELS = {
    "moral": "特別の教科 道徳",
    "foreign_language": "外国語活動の記録",
    "integrated.activity": "総合的な学習の時間：学習活動",
    "integrated.viewpoint": "総合的な学習の時間：観点",
    "integrated.evaluation": "総合的な学習の時間：評価",
    "remark": "総合所見及び指導上参考となる諸事項",
    "attendance.note": "出欠の記録：備考",
}


def _homeroom(request: HttpRequest, homeroom_uuid: uuid.UUID, action: str) -> Homeroom:
    return get_visible_or_404(
        Homeroom,
        request,
        homeroom_uuid,
        action,
        queryset=Homeroom.objects.select_related("school", "school_year", "grade_level"),
    )


def _record(request: HttpRequest, record_uuid: uuid.UUID, action: str = "view") -> CumulativeRecord:
    return get_visible_or_404(
        CumulativeRecord,
        request,
        record_uuid,
        action,
        queryset=CumulativeRecord.objects.select_related("student", "school"),
    )


def _year(year_uuid: uuid.UUID) -> SchoolYear:
    year = SchoolYear.objects.filter(uuid=year_uuid).first()
    if year is None:
        raise Http404
    return year


@policy_required(CumulativeRecord, "view")
def index(request: HttpRequest) -> HttpResponse:
    """指導要録: the classes the actor may open (this year and last), and the principal's sign-off queue."""
    context = {
        "homerooms": selectors.homerooms_for(actor=request.user),
        "waiting": selectors.submitted_count(actor=request.user)
        if registry.allows_any(request.user, CumulativeRecord, "sign")
        else None,
    }
    return render(request, "records/index.html", context)


def _open_class(request: HttpRequest, homeroom: Homeroom) -> list[selectors.ClassRow]:
    pupils = [
        e.student
        for e in Enrolment.objects.visible_to(request.user, "view")
        .filter(homeroom=homeroom)
        .select_related("student")
    ]
    services.records_open(
        actor=request.user, school=homeroom.school, students=pupils, school_year=homeroom.school_year
    )
    return selectors.homeroom_rows(actor=request.user, homeroom=homeroom)


@policy_required(CumulativeRecord, "view")
def homeroom(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """A class's 指導要録 for its year: each pupil's status; submit (homeroom teacher), sign or send back
    (principal, password again)."""
    room = _homeroom(request, homeroom_uuid, "records")
    rows = _open_class(request, room)
    context = {
        "homeroom": room,
        "rows": rows,
        "may_submit": registry.allows_any(request.user, CumulativeRecord, "submit"),
        "may_sign": registry.allows_any(request.user, CumulativeRecord, "sign"),
        "drafts": sum(1 for r in rows if r.status == SectionStatus.DRAFT),
        "submitted": sum(1 for r in rows if r.status == SectionStatus.SUBMITTED),
        "sign_form": SignForm(),
        "may_transcripts": Homeroom.objects.filter(pk=room.pk)
        .visible_to(request.user, "transcripts")
        .exists(),
    }
    return render(request, "records/homeroom.html", context)


def _chosen(request: HttpRequest, rows: list[selectors.ClassRow], status: str) -> list[CumulativeRecord]:
    """The ticked pupils of the given status, or all of them with ``all=1`` (nothing when neither: an
    empty POST must not submit or sign a whole class)."""
    wanted = set(request.POST.getlist("record"))
    every = request.POST.get("all") == "1"
    return [r.record for r in rows if r.status == status and (every or str(r.record.uuid) in wanted)]


@require_POST
@policy_required(CumulativeRecord, "submit")
def homeroom_submit(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """The homeroom teacher submits the class's checked years (the ticked pupils, or every draft)."""
    room = _homeroom(request, homeroom_uuid, "records")
    rows = selectors.homeroom_rows(actor=request.user, homeroom=room)
    try:
        n = services.year_submit(
            actor=request.user,
            records=_chosen(request, rows, SectionStatus.DRAFT),
            school_year=room.school_year,
        )
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("Submitted %(n)s pupils' records to the principal.") % {"n": n})
    return HttpResponseRedirect(reverse("records:homeroom", args=[room.uuid]))


@require_POST
@policy_required(CumulativeRecord, "sign")
def homeroom_sign(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """The principal signs the submitted years off (password again), or sends them back."""
    room = _homeroom(request, homeroom_uuid, "records")
    rows = selectors.homeroom_rows(actor=request.user, homeroom=room)
    chosen = _chosen(request, rows, SectionStatus.SUBMITTED)
    try:
        if request.POST.get("action") == "return":
            n = services.year_return(actor=request.user, records=chosen, school_year=room.school_year)
            messages.success(
                request, _("Sent %(n)s pupils' records back to the homeroom teacher.") % {"n": n}
            )
        else:
            n = services.year_sign(
                actor=request.user,
                records=chosen,
                school_year=room.school_year,
                password=request.POST.get("password", ""),
            )
            messages.success(request, _("Signed off %(n)s pupils' records.") % {"n": n})
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    return HttpResponseRedirect(reverse("records:homeroom", args=[room.uuid]))


@policy_required(CumulativeRecord, "view")
def record(request: HttpRequest, record_uuid: uuid.UUID) -> HttpResponse:
    """A pupil's 指導要録 at the school: 様式1 and 様式2 per year, live until signed, then the signed versions
    and any amendments (朱書き訂正) as history."""
    rec = _record(request, record_uuid)
    years = selectors.record_years(actor=request.user, record=rec)
    log_access(actor=request.user, records=[rec], request=request, fields=["form1", "form2"])
    latest_form1 = years[-1].form1 if years else None
    context = {
        "record": rec,
        "years": years,
        "form1": latest_form1,
        "may_submit": registry.allows_any(request.user, CumulativeRecord, "submit"),
        "may_amend": registry.allows_any(request.user, CumulativeRecord, "amend"),
        "stage": "P" if rec.school.kind == "B1" else "J",
    }
    return render(request, "records/record.html", context)


@policy_required(CumulativeRecord, "submit")
def record_drafts(request: HttpRequest, record_uuid: uuid.UUID, year_uuid: uuid.UUID) -> HttpResponse:
    """The year's own items (入学前の経歴, 進学先, 出欠の備考) before submission."""
    rec = _record(request, record_uuid, "submit")
    year = _year(year_uuid)
    years = {y.school_year.pk: y for y in selectors.record_years(actor=request.user, record=rec)}
    if year.pk not in years:
        raise Http404
    view = years[year.pk]
    initial = {
        "prior_history": view.enrolment_section.prior_history,
        "next_destination": view.enrolment_section.next_destination,
        "attendance_note": view.guidance_section.attendance_note,
    }
    form = DraftForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.section_drafts_save(
                actor=request.user, record=rec, school_year=year, **form.cleaned_data
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.message_dict.items():
                    for m in errors:
                        form.add_error(name if name in form.fields else None, m)
            else:
                for m in exc.messages:
                    form.add_error(None, m)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("records:record", args=[rec.uuid]))
    log_access(actor=request.user, records=[rec], request=request, fields=["drafts"])
    context = {"record": rec, "year": view, "form": form}
    return render(request, "records/drafts.html", context, status=400 if form.errors else 200)


@policy_required(CumulativeRecord, "amend")
def record_amend(
    request: HttpRequest, record_uuid: uuid.UUID, year_uuid: uuid.UUID, form_name: str
) -> HttpResponse:
    """The principal records an amendment of a signed year: a new signed version with its reason."""
    rec = _record(request, record_uuid, "amend")
    year = _year(year_uuid)
    if form_name not in ("form1", "form2"):
        raise Http404
    years = {y.school_year.pk: y for y in selectors.record_years(actor=request.user, record=rec)}
    if year.pk not in years:
        raise Http404
    view = years[year.pk]
    content = view.form1 if form_name == "form1" else view.form2
    labels = FORM1_LABELS if form_name == "form1" else FORM2_LABELS
    items = [(path, label, services.get_path(content, path)) for path, label in labels.items()]
    form = AmendForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        try:
            services.section_amend(
                actor=request.user,
                record=rec,
                school_year=year,
                form=form_name,
                changes=form.changes(),
                reason=form.cleaned_data["reason"],
                password=form.cleaned_data["password"],
                reread=form.cleaned_data["reread"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.message_dict.items():
                    for m in errors:
                        form.add_error(name if name in form.fields else None, m)
            else:
                for m in exc.messages:
                    form.add_error(None, m)
        else:
            messages.success(request, _("The amendment has been recorded."))
            return HttpResponseRedirect(reverse("records:record", args=[rec.uuid]))
    log_access(actor=request.user, records=[rec], request=request, fields=[form_name])
    context = {"record": rec, "year": view, "form": form, "form_name": form_name}
    return render(request, "records/amend.html", context, status=400 if form.errors else 200)


@policy_required(CumulativeRecord, "view")
def record_pdf(request: HttpRequest, record_uuid: uuid.UUID) -> HttpResponse:
    """The record as the standard form (A4): 様式1 then 様式2 (the years side by side); ``?copy=1`` marks it
    as the 写し for the next school; ``?layout=years`` prints 様式2 with a column per grade."""
    rec = _record(request, record_uuid)
    years = selectors.record_years(actor=request.user, record=rec)
    copy = request.GET.get("copy") == "1"
    pdf = pdfs.record_pdf(record=rec, years=years, copy=copy, multi_year=request.GET.get("layout") == "years")
    log_access(actor=request.user, records=[rec], request=request, action="print", fields=["form1", "form2"])
    name = f"指導要録_{timezone.localdate():%Y%m%d}_{str(rec.student.uuid)[:8]}.pdf"
    return pdf_response(pdf, name)


# --- 調査書 ----------------------------------------------------------------------------------------


@policy_required(TranscriptForAdmission, "view")
def transcripts(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """The 中3 class's 調査書 list: 9 評定, 換算内申 and 調査書点 per pupil."""
    room = _homeroom(request, homeroom_uuid, "transcripts")
    rows, weighting, term = selectors.transcript_rows(actor=request.user, homeroom=room)
    log_access(
        actor=request.user,
        records=[r.enrolment.student for r in rows],
        request=request,
        fields=["transcript"],
    )
    context = {
        "homeroom": room,
        "rows": rows,
        "weighting": weighting,
        "term": term,
        "subjects": pdfs.TRANSCRIPT_SUBJECTS,
    }
    return render(request, "records/transcripts.html", context)


def _transcript_pupil(request: HttpRequest, room: Homeroom, student_uuid: uuid.UUID) -> Student:
    enrolment = (
        Enrolment.objects.visible_to(request.user, "view")
        .filter(homeroom=room, student__uuid=student_uuid, end_date__isnull=True)
        .select_related("student")
        .first()
    )
    if enrolment is None:
        raise Http404
    return enrolment.student


@policy_required(TranscriptForAdmission, "change")
def transcript(request: HttpRequest, homeroom_uuid: uuid.UUID, student_uuid: uuid.UUID) -> HttpResponse:
    """One pupil's 調査書: the figures, and the reason for absences and remarks to write."""
    room = _homeroom(request, homeroom_uuid, "transcripts")
    pupil = _transcript_pupil(request, room, student_uuid)
    rows, weighting, term = selectors.transcript_rows(actor=request.user, homeroom=room)
    row = next(r for r in rows if r.enrolment.student_id == pupil.pk)
    initial = {
        "absence_reason": row.transcript.absence_reason if row.transcript else "",
        "remarks": row.transcript.remarks if row.transcript else "",
    }
    form = TranscriptForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.transcript_save(
                actor=request.user,
                student=pupil,
                school=room.school,
                school_year=room.school_year,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            for m in exc.messages:
                form.add_error(None, m)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("records:transcripts", args=[room.uuid]))
    log_access(actor=request.user, records=[pupil], request=request, fields=["transcript"])
    context = {"homeroom": room, "row": row, "weighting": weighting, "term": term, "form": form,
               "subjects": pdfs.TRANSCRIPT_SUBJECTS}  # fmt: skip
    return render(request, "records/transcript.html", context)


@policy_required(TranscriptForAdmission, "view")
def transcript_pdf(request: HttpRequest, homeroom_uuid: uuid.UUID, student_uuid: uuid.UUID) -> HttpResponse:
    """The 調査書 in the Tokyo layout (A4)."""
    room = _homeroom(request, homeroom_uuid, "transcripts")
    pupil = _transcript_pupil(request, room, student_uuid)
    rows, weighting, _term = selectors.transcript_rows(actor=request.user, homeroom=room)
    row = next(r for r in rows if r.enrolment.student_id == pupil.pk)
    pdf = pdfs.transcript_pdf(homeroom=room, row=row, weighting=weighting)
    log_access(actor=request.user, records=[pupil], request=request, action="print", fields=["transcript"])
    return pdf_response(pdf, f"調査書_{timezone.localdate():%Y%m%d}_{str(pupil.uuid)[:8]}.pdf")
