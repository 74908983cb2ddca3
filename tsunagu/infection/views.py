"""Pages of 学校感染症. Thin: access by decorator and ``get_visible_or_404``, rules in ``services``,
reads in ``selectors``. Every page that shows diagnoses (class I) writes them to the access log."""

from __future__ import annotations

import csv
import datetime as dt
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tsunagu.attendance.models import ClosureScope
from tsunagu.core.audit import log_access
from tsunagu.core.policy import registry
from tsunagu.core.views import get_visible_or_404, policy_required
from tsunagu.infection import selectors, services
from tsunagu.infection.diseases import DISEASES
from tsunagu.infection.forms import (
    CancelForm,
    ConfirmForm,
    DatesForm,
    DecideForm,
    DiagnosisForm,
    DismissForm,
    SettingsForm,
)
from tsunagu.infection.models import ClosureProposal, InfectionSettings, InfectionStatus, SchoolInfection
from tsunagu.org.models import Board, School
from tsunagu.org.selectors import school_list
from tsunagu.students.models import Student


def _today() -> dt.date:
    return timezone.localdate()


def _day_param(request: HttpRequest) -> dt.date:
    """The ``date`` of the query string (YYYY-MM-DD), today when missing or malformed."""
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return _today()


def _errors_to_form(form: object, exc: ValidationError) -> None:
    """Put a service's Japanese messages on the form's fields (or on the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            target = name if name in form.fields else None  # type: ignore[attr-defined]
            for message in errors:
                form.add_error(target, message)  # type: ignore[attr-defined]
    else:
        for message in exc.messages:
            form.add_error(None, message)  # type: ignore[attr-defined]


@policy_required(School, "view_infections")
def school_list_view(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """The school's current 出席停止: who, class, disease, until when (nurse, principal)."""
    school = get_visible_or_404(School, request, school_uuid, "view_infections")
    day = _today()
    rows = selectors.current_suspensions(actor=request.user, school=school, day=day)
    log_access(actor=request.user, records=rows, request=request)
    context = {
        "school": school,
        "rows": rows,
        "today": day,
        "may_record": School.objects.filter(pk=school.pk)
        .visible_to(request.user, "record_infection")
        .exists(),
    }
    return render(request, "infection/school.html", context)


@policy_required(School, "record_infection")
def diagnosis_new(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """Record a diagnosis: find the pupil (name, kana), enter the disease and dates; the next page
    shows the proposed period for the nurse to confirm."""
    school = get_visible_or_404(School, request, school_uuid, "record_infection")
    day = _today()
    query = request.GET.get("q", "").strip()
    results = selectors.pupil_search(actor=request.user, school=school, query=query, day=day)
    pupil = None
    pupil_uuid = request.GET.get("student") or request.POST.get("student")
    if pupil_uuid:
        try:
            pupil = get_visible_or_404(Student, request, uuid.UUID(str(pupil_uuid)))
        except ValueError:
            pupil = None
    form = DiagnosisForm(request.POST or None, initial={"onset_date": day, "diagnosed_on": day})
    if request.method == "POST" and pupil is not None and form.is_valid():
        data = form.cleaned_data
        try:
            infection = services.infection_record(
                actor=request.user,
                student=pupil,
                disease=data["disease"],
                onset_date=data["onset_date"],
                diagnosed_on=data["diagnosed_on"],
                fever_end_date=data["fever_end_date"],
                condition_date=data["condition_date"],
                preschool=data["preschool"],
                doctor_note=data["doctor_note"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            return HttpResponseRedirect(reverse("infection:detail", args=[infection.uuid]))
    context = {
        "school": school,
        "query": query,
        "results": results,
        "pupil": pupil,
        "form": form,
        "diseases": DISEASES,
    }
    return render(request, "infection/diagnosis_new.html", context)


def _detail_context(request: HttpRequest, infection: SchoolInfection) -> dict[str, object]:
    may_change = SchoolInfection.objects.filter(pk=infection.pk).visible_to(request.user, "change").exists()
    return {
        "infection": infection,
        "disease": infection.disease_info,
        "days": selectors.infection_detail(actor=request.user, infection=infection),
        "may_change": may_change and infection.status != InfectionStatus.CANCELLED,
        "confirm_form": ConfirmForm(
            initial={
                "first_day": infection.first_day or infection.proposed_first_day,
                "last_day": infection.last_day or infection.proposed_last_day,
            }
        ),
        "dates_form": DatesForm(
            initial={
                "fever_end_date": infection.fever_end_date,
                "condition_date": infection.condition_date,
                "doctor_note": infection.doctor_note,
            }
        ),
        "cancel_form": CancelForm(),
    }


def _infection(request: HttpRequest, infection_uuid: uuid.UUID, action: str = "view") -> SchoolInfection:
    return get_visible_or_404(
        SchoolInfection,
        request,
        infection_uuid,
        action,
        queryset=SchoolInfection.objects.select_related("student", "school", "homeroom"),
    )


@policy_required(SchoolInfection, "view")
def detail(request: HttpRequest, infection_uuid: uuid.UUID) -> HttpResponse:
    """One diagnosis: the proposal with its working in Japanese, the confirmed days, the register days."""
    infection = _infection(request, infection_uuid)
    log_access(actor=request.user, records=[infection], request=request)
    return render(request, "infection/detail.html", _detail_context(request, infection))


def _rerender(request: HttpRequest, infection: SchoolInfection, name: str, form: object) -> HttpResponse:
    context = _detail_context(request, infection)
    context[name] = form
    return render(request, "infection/detail.html", context, status=400)


def _report_write(request: HttpRequest, result: services.RegisterWrite) -> None:
    messages.success(
        request,
        _("Register updated: %(w)d days written, %(r)d days given back.")
        % {"w": len(result.written), "r": len(result.removed)},
    )
    if result.kept:
        days = "、".join(f"{d.month}/{d.day}" for d in result.kept)
        messages.warning(
            request, _("Days left as they were (another mark, a closure …): %(days)s") % {"days": days}
        )


@require_POST
@policy_required(SchoolInfection, "change")
def confirm(request: HttpRequest, infection_uuid: uuid.UUID) -> HttpResponse:
    """The nurse confirms the period (or adjusts it with a reason); it goes into the register."""
    infection = _infection(request, infection_uuid, "change")
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            result = services.infection_confirm(
                actor=request.user,
                infection=infection,
                first_day=form.cleaned_data["first_day"],
                last_day=form.cleaned_data["last_day"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            _report_write(request, result)
            return HttpResponseRedirect(reverse("infection:detail", args=[infection.uuid]))
    return _rerender(request, infection, "confirm_form", form)


@require_POST
@policy_required(SchoolInfection, "change")
def update_dates(request: HttpRequest, infection_uuid: uuid.UUID) -> HttpResponse:
    """Enter the fever's end or the condition date later: a provisional period is extended."""
    infection = _infection(request, infection_uuid, "change")
    form = DatesForm(request.POST)
    if form.is_valid():
        try:
            result = services.infection_dates_update(
                actor=request.user,
                infection=infection,
                fever_end_date=form.cleaned_data["fever_end_date"],
                condition_date=form.cleaned_data["condition_date"],
                doctor_note=form.cleaned_data["doctor_note"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            _report_write(request, result)
            return HttpResponseRedirect(reverse("infection:detail", args=[infection.uuid]))
    return _rerender(request, infection, "dates_form", form)


@require_POST
@policy_required(SchoolInfection, "change")
def cancel(request: HttpRequest, infection_uuid: uuid.UUID) -> HttpResponse:
    """Cancel a diagnosis recorded in error (its register days are given back)."""
    infection = _infection(request, infection_uuid, "change")
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            result = services.infection_cancel(
                actor=request.user, infection=infection, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            _report_write(request, result)
            return HttpResponseRedirect(reverse("infection:school", args=[infection.school.uuid]))
    return _rerender(request, infection, "cancel_form", form)


# --- 学級閉鎖 proposals --------------------------------------------------------------------------


@policy_required(School, "closure_proposals")
def proposals(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """Today's classes past the board's threshold, and earlier proposals; the principal decides."""
    school = get_visible_or_404(School, request, school_uuid, "closure_proposals")
    day = _today()
    services.closure_proposals_refresh(actor=request.user, school=school, day=day)
    rows = selectors.proposal_list(actor=request.user, school=school)
    percent, pupils = services.closure_threshold(school)
    may_decide = registry.allows_any(request.user, ClosureProposal, "decide")
    forms = {
        p.pk: DecideForm(
            prefix=str(p.uuid),
            initial={
                "scope": ClosureScope.HOMEROOM,
                "start_date": p.date,
                "end_date": p.date,
                "reason": _("Influenza"),
            },
        )
        for p in rows
        if p.status == "open"
    }
    context = {
        "school": school,
        "rows": [(p, forms.get(p.pk)) for p in rows],
        "today": day,
        "percent": percent,
        "pupils": pupils,
        "may_decide": may_decide,
    }
    return render(request, "infection/proposals.html", context)


@require_POST
@policy_required(ClosureProposal, "decide")
def proposal_decide(request: HttpRequest, proposal_uuid: uuid.UUID) -> HttpResponse:
    """The principal decides a closure (class, grade or school; dates); it goes into the register."""
    proposal = get_visible_or_404(ClosureProposal, request, proposal_uuid, "decide")
    form = DecideForm(request.POST, prefix=str(proposal.uuid))
    url = reverse("infection:proposals", args=[proposal.school.uuid])
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return HttpResponseRedirect(url)
    try:
        services.closure_proposal_decide(actor=request.user, proposal=proposal, **form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The closure has been entered into the register."))
    return HttpResponseRedirect(url)


@require_POST
@policy_required(ClosureProposal, "decide")
def proposal_dismiss(request: HttpRequest, proposal_uuid: uuid.UUID) -> HttpResponse:
    """The principal decides not to close the class."""
    proposal = get_visible_or_404(ClosureProposal, request, proposal_uuid, "decide")
    form = DismissForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.closure_proposal_dismiss(actor=request.user, proposal=proposal, note=note)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return HttpResponseRedirect(reverse("infection:proposals", args=[proposal.school.uuid]))


# --- reports --------------------------------------------------------------------------------------


@policy_required(School, "infection_report")
def daily_report(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """The day's CSV for the 学校等欠席者・感染症情報システム (docs/imports/infection-report.md)."""
    school = get_visible_or_404(School, request, school_uuid, "infection_report")
    day = _day_param(request)
    rows = selectors.daily_report_rows(actor=request.user, school=school, day=day)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="infection-{school.mext_code}-{day.isoformat()}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow(selectors.REPORT_COLUMNS)
    writer.writerows(rows)
    return response


@policy_required(SchoolInfection, "count")
def ward(request: HttpRequest) -> HttpResponse:
    """The board's view: pupils under 出席停止 on a day (today by default) by school and disease, open
    proposals. No names."""
    day = _day_param(request)
    schools = school_list(actor=request.user)
    rows, diseases = selectors.ward_counts(actor=request.user, schools=schools, day=day)
    return render(request, "infection/ward.html", {"rows": rows, "diseases": diseases, "today": day})


@policy_required(InfectionSettings, "change")
def board_settings(request: HttpRequest) -> HttpResponse:
    """The board sets the 学級閉鎖 threshold for every school of the ward."""
    board_id = services.actor_board_id(request.user)
    board = Board.objects.filter(pk=board_id).first() if board_id else None
    if board is None:
        raise Http404
    percent, pupils = services.closure_threshold_for_board(board.pk)
    form = SettingsForm(
        request.POST or None, initial={"threshold_percent": percent, "threshold_pupils": pupils}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.infection_settings_save(
                actor=request.user,
                board=board,
                percent=form.cleaned_data["threshold_percent"],
                pupils=form.cleaned_data["threshold_pupils"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("The threshold has been saved."))
            return HttpResponseRedirect(reverse("infection:settings"))
    return render(request, "infection/settings.html", {"board": board, "form": form})
