"""Pages of the health exams. Thin: access by decorator and ``get_visible_or_404``, rules in ``services``,
reads in ``selectors``. Every page that shows exam results (class I) writes them to the access log."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from collections import Counter
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tsunagu.checkups import charts, derive, documents, imports, selectors, services
from tsunagu.checkups.forms import DentalRecordForm, GeneralRecordForm, ImportForm, ReturnForm
from tsunagu.checkups.models import DentalExamRecord, ExamFollowUp, GeneralExamRecord, HealthExam
from tsunagu.core.audit import log_access
from tsunagu.core.pdf import pdf_response
from tsunagu.core.policy import registry
from tsunagu.core.views import get_visible_or_404, policy_required
from tsunagu.core.wareki import school_year_label
from tsunagu.org.models import Homeroom, School
from tsunagu.org.selectors import homeroom_list_current
from tsunagu.students.models import Student
from tsunagu.students.selectors import homeroom_pupil_counts


def _homeroom(request: HttpRequest, homeroom_uuid: uuid.UUID, action: str) -> Homeroom:
    return get_visible_or_404(
        Homeroom,
        request,
        homeroom_uuid,
        action,
        queryset=Homeroom.objects.select_related("school", "school_year", "grade_level"),
    )


def _may(request: HttpRequest, model: Any, action: str) -> bool:
    return registry.allows_any(request.user, model, action)


def _log_views(request: HttpRequest, views: list[selectors.ExamView], fields: tuple[str, ...] = ()) -> None:
    log_access(actor=request.user, records=[v.exam for v in views], request=request, fields=fields)


# --- the school ---------------------------------------------------------------------------------------


@policy_required(School, "checkups")
def school_index(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """The nurse's start page: this year's classes with how far the exams have got, and the tools."""
    school = get_visible_or_404(School, request, school_uuid, "checkups")
    year = selectors.current_school_year()
    homerooms = homeroom_list_current(actor=request.user, school=school)
    progress = (
        selectors.exam_progress(actor=request.user, homerooms=homerooms, school_year=year) if year else {}
    )
    sizes = homeroom_pupil_counts(actor=request.user, homerooms=homerooms)
    rows = [(h, sizes.get(h.pk, 0), progress.get(h.pk, Counter())) for h in homerooms]
    return render(request, "checkups/school_index.html", {"school": school, "year": year, "rows": rows})


@policy_required(School, "checkups")
def statistics(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """School statistics per grade and sex: heights, weights, 肥満度, 視力 A–D, DMF, untreated teeth."""
    school = get_visible_or_404(School, request, school_uuid, "checkups")
    years = selectors.years_with_exams(actor=request.user, school=school)
    chosen = request.GET.get("year", "")
    year = next((y for y in years if str(y.year) == chosen), years[0] if years else None)
    rows = selectors.school_statistics(actor=request.user, school=school, school_year=year) if year else []
    context = {
        "school": school,
        "years": years,
        "year": year,
        "rows": rows,
        "obesity_labels": derive.ObesityCategory.labels,
    }
    return render(request, "checkups/statistics.html", context)


@policy_required(School, "checkups")
def outstanding(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """Letters sent whose return slip has not come back, oldest first."""
    school = get_visible_or_404(School, request, school_uuid, "checkups")
    follow_ups = selectors.outstanding_followups(actor=request.user, school=school)
    log_access(actor=request.user, records=follow_ups, request=request, fields=("item", "finding"))
    today = selectors.today()
    rows = [(f, (today - f.letter_date).days if f.letter_date else 0) for f in follow_ups]
    return render(request, "checkups/outstanding.html", {"school": school, "rows": rows})


def _encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _decode(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise Http404 from None


@policy_required(School, "checkups")
def measurement_import(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """Upload the measuring equipment's CSV → every problem listed (row, column, message), or a preview of
    the changes → confirm → all written, or nothing."""
    school = get_visible_or_404(School, request, school_uuid, "checkups")
    year = selectors.current_school_year()
    if year is None:
        raise Http404
    context: dict[str, Any] = {
        "school": school,
        "year": year,
        "form": ImportForm(),
        "columns": imports.COLUMNS,
    }
    if request.method == "POST":
        if "data" in request.POST:
            data = _decode(request.POST["data"])
        else:
            form = ImportForm(request.POST, request.FILES)
            context["form"] = form
            if not form.is_valid():
                return render(request, "checkups/import.html", context)
            data = form.cleaned_data["file"].read()
        try:
            if request.POST.get("confirm"):
                plan = imports.measurement_import_commit(
                    actor=request.user,
                    school=school,
                    school_year=year,
                    data=data,
                    expected_digest=request.POST.get("digest", ""),
                )
                if plan.ok:
                    messages.success(
                        request,
                        _("Imported: %(n)d pupils' measurements changed.") % {"n": len(plan.changing)},
                    )
                    return HttpResponseRedirect(reverse("checkups:school_index", args=[school.uuid]))
            else:
                plan = imports.measurement_import_plan(
                    actor=request.user, school=school, school_year=year, data=data
                )
        except imports.ImportFileError as exc:
            context["file_error"] = str(exc)
            return render(request, "checkups/import.html", context)
        except imports.StaleImport:
            messages.error(request, _("The records changed since the check. Please check the file again."))
            plan = imports.measurement_import_plan(
                actor=request.user, school=school, school_year=year, data=data
            )
        shown = [r.record.exam for r in plan.rows if r.record is not None and r.changes]
        log_access(
            actor=request.user, records=shown, request=request, fields=("height_cm", "weight_kg", "vision")
        )
        context.update(plan=plan, data=_encode(data))
    return render(request, "checkups/import.html", context)


# --- a class: entry grids --------------------------------------------------------------------------------


def _grid_rows(
    request: HttpRequest, enrolments: list[Any], names: tuple[str, ...]
) -> dict[int, dict[str, str]]:
    """The posted cells of a grid, per pupil id: fields are named ``<field>-<pupil uuid>``."""
    rows: dict[int, dict[str, str]] = {}
    for e in enrolments:
        key = e.student.uuid
        if f"row-{key}" not in request.POST:
            continue
        rows[e.student_id] = {name: request.POST.get(f"{name}-{key}", "") for name in names}
    return rows


def _grid_errors(request: HttpRequest, results: list[services.RowResult]) -> dict[int, dict[str, str]]:
    """The bad cells per pupil of a saved grid, with a message saying how many rows were saved."""
    errors = {r.student_id: r.errors for r in results if r.errors}
    saved = sum(r.saved for r in results)
    if not errors:
        messages.success(request, _("Saved %(n)d rows.") % {"n": saved})
    else:
        messages.error(
            request,
            _("%(bad)d rows were not saved: correct the marked cells. %(n)d rows saved.")
            % {"bad": len(errors), "n": saved},
        )
    return errors


def _exam_date(request: HttpRequest) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.POST.get("exam_date", ""))
    except ValueError:
        return None


@policy_required(Homeroom, "checkup_entry")
def measure_grid(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """身長・体重・視力 of the whole class on one keyboard-fast grid; each row is saved on its own."""
    homeroom = _homeroom(request, homeroom_uuid, "checkup_entry")
    enrolments = selectors.homeroom_enrolments(actor=request.user, homeroom=homeroom)
    posted: dict[int, dict[str, str]] = {}
    errors: dict[int, dict[str, str]] = {}
    if request.method == "POST":
        posted = _grid_rows(request, enrolments, services.MEASUREMENT_FIELDS)
        results = services.measurements_save(
            actor=request.user,
            homeroom=homeroom,
            enrolments=enrolments,
            rows=posted,
            exam_date=_exam_date(request),
        )
        errors = _grid_errors(request, results)
        if not errors:
            return HttpResponseRedirect(request.path)
    rows = selectors.class_rows(actor=request.user, homeroom=homeroom, enrolments=enrolments)
    _log_views(request, [r.view for r in rows if r.view], ("height_cm", "weight_kg", "vision"))
    specs = services.number_fields()
    grid = []
    for row in rows:
        general = row.view.general if row.view else None
        cells = []
        for name in services.MEASUREMENT_FIELDS:
            if row.student.pk in posted and row.student.pk in errors:
                value = posted[row.student.pk].get(name, "")
            else:
                stored = getattr(general, name) if general else None
                value = "" if stored is None else str(stored)
            cells.append(
                {
                    "name": name,
                    "label": specs[name].label,
                    "value": value,
                    "error": errors.get(row.student.pk, {}).get(name, ""),
                }
            )
        grid.append({"row": row, "cells": cells, "failed": row.student.pk in errors})
    context = {
        "homeroom": homeroom,
        "grid": grid,
        "columns": [specs[n] for n in services.MEASUREMENT_FIELDS],
        "today": selectors.today(),
    }
    return render(request, "checkups/measure_grid.html", context)


@policy_required(Homeroom, "checkup_entry")
def dental_grid(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """The 歯式 and the dental scores of the whole class, one row per pupil."""
    homeroom = _homeroom(request, homeroom_uuid, "checkup_entry")
    enrolments = selectors.homeroom_enrolments(actor=request.user, homeroom=homeroom)
    names = (*(q for q, _p, _d in derive.QUADRANTS), *services.DENTAL_SCORES)
    posted: dict[int, dict[str, str]] = {}
    errors: dict[int, dict[str, str]] = {}
    if request.method == "POST":
        posted = _grid_rows(request, enrolments, names)
        results = services.dental_save(
            actor=request.user,
            homeroom=homeroom,
            enrolments=enrolments,
            rows=posted,
            exam_date=_exam_date(request),
        )
        errors = _grid_errors(request, results)
        if not errors:
            return HttpResponseRedirect(request.path)
    rows = selectors.class_rows(actor=request.user, homeroom=homeroom, enrolments=enrolments)
    _log_views(request, [r.view for r in rows if r.view], ("teeth", "scores"))
    labels = {q: str(derive.QUADRANT_LABELS[q]) for q, _p, _d in derive.QUADRANTS}
    labels.update(jaw_joint=_("Jaw"), alignment=_("Bite"), plaque=_("Plaque"), gingiva=_("Gums"))
    grid = []
    for row in rows:
        dental = row.view.dental if row.view else None
        stored = dental.quadrants if dental else {}
        cells = []
        for name in names:
            if row.student.pk in errors:
                value = posted[row.student.pk].get(name, "")
            elif name in stored:
                value = stored[name]
            else:
                score = getattr(dental, name, None) if dental else None
                value = "" if score is None else str(score)
            cells.append(
                {
                    "name": name,
                    "label": labels[name],
                    "value": value,
                    "error": errors.get(row.student.pk, {}).get(name, ""),
                }
            )
        grid.append(
            {
                "row": row,
                "cells": cells,
                "failed": row.student.pk in errors,
                "counts": row.view.counts if row.view else None,
            }
        )
    context = {
        "homeroom": homeroom,
        "grid": grid,
        "quadrants": [derive.QUADRANT_LABELS[q] for q, _p, _d in derive.QUADRANTS],
        "today": selectors.today(),
    }
    return render(request, "checkups/dental_grid.html", context)


# --- a class: follow-ups ----------------------------------------------------------------------------------


@policy_required(Homeroom, "checkup_followups")
def class_followups(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """The class's 事後措置. The nurse and the principal see findings and results and record returns;
    the homeroom teacher sees only which pupils have a follow-up and whether the slips came back."""
    homeroom = _homeroom(request, homeroom_uuid, "checkup_followups")
    detail = Homeroom.objects.filter(pk=homeroom.pk).visible_to(request.user, "checkup_entry").exists()
    context: dict[str, Any] = {"homeroom": homeroom, "detail": detail, "today": selectors.today()}
    if detail:
        rows = [r for r in selectors.class_rows(actor=request.user, homeroom=homeroom) if r.view]
        shown = [f for r in rows for f in r.view.follow_ups]  # type: ignore[union-attr]
        # The page shows the clinic with the result, so the log names every class-I field it shows.
        log_access(actor=request.user, records=shown, request=request, fields=ExamFollowUp.class_i_fields)
        context["rows"] = [r for r in rows if r.view and r.view.follow_ups]
        context["return_form"] = ReturnForm(initial={"returned_on": selectors.today()})
    else:
        status = selectors.class_followup_status(actor=request.user, homeroom=homeroom)
        context["status_rows"] = status
    return render(request, "checkups/class_followups.html", context)


@require_POST
@policy_required(Homeroom, "checkup_entry")
def followups_issue(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """Propose the follow-ups of the class from the findings and issue their letters today."""
    homeroom = _homeroom(request, homeroom_uuid, "checkup_entry")
    rows = selectors.class_rows(actor=request.user, homeroom=homeroom)
    exams = [r.view.exam for r in rows if r.view]
    with transaction.atomic():
        services.followups_propose(actor=request.user, exams=exams)
        follow_ups = list(ExamFollowUp.objects.visible_to(request.user, "change").filter(exam__in=exams))
        issued = services.followups_issue(actor=request.user, follow_ups=follow_ups)
    messages.success(request, _("%(n)d letters issued. Print them with “Letters (PDF)”.") % {"n": issued})
    return HttpResponseRedirect(reverse("checkups:class_followups", args=[homeroom.uuid]))


@policy_required(Homeroom, "checkup_entry")
def letters_pdf(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """受診勧告 letters of the class, one page per pupil with its issued, unanswered follow-ups, each with a
    tear-off return slip; one PDF for the class."""
    homeroom = _homeroom(request, homeroom_uuid, "checkup_entry")
    rows = selectors.class_rows(actor=request.user, homeroom=homeroom)
    pupils = []
    for row in rows:
        if not row.view:
            continue
        open_items = [f for f in row.view.follow_ups if f.letter_date and not f.returned_on]
        if open_items:
            pupils.append((row, open_items))
    log_access(
        actor=request.user,
        records=[f for _r, items in pupils for f in items],
        request=request,
        action="print",
    )
    pdf = documents.letters_pdf(homeroom=homeroom, pupils=pupils)
    return pdf_response(pdf, f"受診勧告_{homeroom.display_name}.pdf")


@require_POST
@policy_required(ExamFollowUp, "change")
def followup_return(request: HttpRequest, follow_up_uuid: uuid.UUID) -> HttpResponse:
    """Record a returned slip: the date, the result the doctor wrote, the clinic."""
    follow_up = get_visible_or_404(
        ExamFollowUp,
        request,
        follow_up_uuid,
        "change",
        queryset=ExamFollowUp.objects.select_related("exam__homeroom"),
    )
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.followup_return(actor=request.user, follow_up=follow_up, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The returned slip is recorded."))
    else:
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, str(error))
    homeroom = follow_up.exam.homeroom
    target = request.POST.get("next", "")
    if target == "outstanding":
        return HttpResponseRedirect(reverse("checkups:outstanding", args=[follow_up.school.uuid]))
    if homeroom is None:
        return HttpResponseRedirect(reverse("checkups:outstanding", args=[follow_up.school.uuid]))
    return HttpResponseRedirect(reverse("checkups:class_followups", args=[homeroom.uuid]))


# --- a pupil ---------------------------------------------------------------------------------------------


@policy_required(HealthExam, "view")
def pupil_detail(request: HttpRequest, student_uuid: uuid.UUID) -> HttpResponse:
    """Every year's exam of the pupil (any school of the ward), the growth chart and the follow-ups."""
    student = get_visible_or_404(Student, request, student_uuid)
    history = selectors.pupil_history(actor=request.user, student=student)
    _log_views(request, history, ("all",))
    labels = [f"{v.exam.grade_level}" for v in history]
    chart = charts.growth_svg(
        labels,
        [v.general.height_cm if v.general else None for v in history],
        [v.general.weight_kg if v.general else None for v in history],
    )
    changeable = set(
        HealthExam.objects.visible_to(request.user, "change")
        .filter(pk__in=[v.exam.pk for v in history])
        .values_list("pk", flat=True)
    )
    context = {
        "student": student,
        "history": history,
        "chart": chart,
        "changeable": changeable,
        "may_print": _may(request, HealthExam, "print"),
        "year_labels": {v.exam.pk: school_year_label(v.exam.school_year.year) for v in history},
    }
    return render(request, "checkups/pupil_detail.html", context)


@policy_required(HealthExam, "change")
def exam_edit(request: HttpRequest, exam_uuid: uuid.UUID) -> HttpResponse:
    """Every item of one exam (一般 and 歯・口腔) on one form, for what the grids do not take."""
    exam = get_visible_or_404(
        HealthExam,
        request,
        exam_uuid,
        "change",
        queryset=HealthExam.objects.select_related("student", "school_year"),
    )
    general = GeneralExamRecord.objects.visible_to(request.user, "view").filter(exam=exam).first()
    dental = DentalExamRecord.objects.visible_to(request.user, "view").filter(exam=exam).first()
    general = general or GeneralExamRecord(exam=exam)
    dental = dental or DentalExamRecord(exam=exam)
    if request.method == "POST":
        general_form = GeneralRecordForm(request.POST, instance=general, prefix="g")
        dental_form = DentalRecordForm(request.POST, instance=dental, prefix="d")
        if general_form.is_valid() and dental_form.is_valid():
            quadrants = dental_form.quadrants()
            dental_data = {k: v for k, v in dental_form.cleaned_data.items() if k not in quadrants}
            try:
                services.exam_records_update(
                    actor=request.user,
                    exam=exam,
                    general=general_form.cleaned_data,
                    dental=dental_data,
                    quadrants=quadrants,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    dental_form.add_error(None, message)
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(reverse("checkups:pupil_detail", args=[exam.student.uuid]))
    else:
        general_form = GeneralRecordForm(instance=general, prefix="g")
        dental_form = DentalRecordForm(instance=dental, prefix="d")
    log_access(actor=request.user, records=[exam], request=request, fields=("all",))
    context = {
        "exam": exam,
        "general_form": general_form,
        "dental_form": dental_form,
        "year_label": school_year_label(exam.school_year.year),
    }
    return render(request, "checkups/exam_edit.html", context)


@policy_required(HealthExam, "print")
def exam_card_pdf(request: HttpRequest, student_uuid: uuid.UUID) -> HttpResponse:
    """The 健康診断票 (一般 and 歯・口腔) of the pupil with every year, as PDF."""
    student = get_visible_or_404(Student, request, student_uuid)
    history = [
        v
        for v in selectors.pupil_history(actor=request.user, student=student)
        if HealthExam.objects.filter(pk=v.exam.pk).visible_to(request.user, "print").exists()
    ]
    if not history:
        raise Http404
    log_access(actor=request.user, records=[v.exam for v in history], request=request, action="print")
    pdf = documents.exam_card_pdf(student=student, history=history)
    return pdf_response(pdf, f"健康診断票_{student.full_name}.pdf")
