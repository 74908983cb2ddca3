"""Pages of 配慮事項. Thin: access by decorator and ``get_visible_or_404``, rules in ``services``, reads
in ``selectors``. A page showing the class-I detail writes it to the access log."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.care import selectors, services
from tsunagu.care.forms import CareNoteForm
from tsunagu.care.models import CHRONIC_CONDITIONS, CareNote
from tsunagu.core.audit import log_access
from tsunagu.core.policy import registry
from tsunagu.core.views import get_visible_or_404, policy_required
from tsunagu.org.models import Homeroom, School
from tsunagu.students.models import Student


@policy_required(School, "care_index")
def school_index(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """The nurse's and the principal's overview: every pupil of the school with a care note, and a search
    to open any pupil's notes (where the nurse adds one)."""
    school = get_visible_or_404(School, request, school_uuid, "care_index")
    day = timezone.localdate()
    query = request.GET.get("q", "").strip()
    context = {
        "school": school,
        "lines": selectors.school_care_list(actor=request.user, school=school, day=day),
        "query": query,
        "results": selectors.pupil_search(actor=request.user, school=school, query=query, day=day),
    }
    return render(request, "care/school.html", context)


@policy_required(Homeroom, "care_list")
def class_list(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """このクラスの配慮事項: a printable A4 list for field trips and lunch (summaries only)."""
    homeroom = get_visible_or_404(
        Homeroom,
        request,
        homeroom_uuid,
        "care_list",
        queryset=Homeroom.objects.select_related("school", "grade_level"),
    )
    day = timezone.localdate()
    lines = selectors.class_care_list(actor=request.user, homeroom=homeroom, day=day)
    return render(request, "care/class_list.html", {"homeroom": homeroom, "lines": lines, "today": day})


@policy_required(CareNote, "view")
def pupil(request: HttpRequest, student_uuid: uuid.UUID) -> HttpResponse:
    """A pupil's care notes: the summary for whoever teaches the pupil (and their guardians); the detail
    for the nurse and the principal, logged."""
    student = get_visible_or_404(Student, request, student_uuid)
    notes, detail_ids = selectors.pupil_notes(actor=request.user, student=student)
    detailed = [n for n in notes if n.pk in detail_ids]
    if detailed:
        log_access(
            actor=request.user,
            records=detailed,
            request=request,
            action="view_detail",
            fields=CareNote.class_i_fields,
        )
    context = {
        "student": student,
        "notes": [(n, n.pk in detail_ids) for n in notes],
        "may_add": registry.allows_any(request.user, CareNote, "add"),
    }
    return render(request, "care/pupil.html", context)


def _form_page(
    request: HttpRequest, student: Student, form: CareNoteForm, note: CareNote | None
) -> HttpResponse:
    history = list(note.history.select_related("history_user").order_by("-history_date")[:20]) if note else []
    context = {
        "student": student,
        "form": form,
        "note": note,
        "history": history,
        "conditions": CHRONIC_CONDITIONS,
    }
    return render(request, "care/note_form.html", context, status=400 if form.errors else 200)


def _save_errors(form: CareNoteForm, exc: ValidationError) -> None:
    for name, errors in exc.message_dict.items():
        for message in errors:
            form.add_error(name if name in form.fields else None, message)


@policy_required(CareNote, "add")
def note_new(request: HttpRequest, student_uuid: uuid.UUID) -> HttpResponse:
    """The nurse enters a care note for a pupil of the school."""
    student = get_visible_or_404(Student, request, student_uuid)
    form = CareNoteForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.care_note_create(actor=request.user, student=student, data=form.to_input())
        except ValidationError as exc:
            _save_errors(form, exc)
        else:
            messages.success(request, _("The care note has been saved."))
            return HttpResponseRedirect(reverse("care:pupil", args=[student.uuid]))
    return _form_page(request, student, form, None)


@policy_required(CareNote, "change")
def note_edit(request: HttpRequest, note_uuid: uuid.UUID) -> HttpResponse:
    """The nurse edits a care note; earlier versions are listed below the form (and kept)."""
    note = get_visible_or_404(
        CareNote, request, note_uuid, "change", queryset=CareNote.objects.select_related("student")
    )
    initial = {name: getattr(note, name) for name in CareNoteForm.base_fields}
    form = CareNoteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.care_note_update(actor=request.user, note=note, data=form.to_input())
        except ValidationError as exc:
            _save_errors(form, exc)
        else:
            messages.success(request, _("The care note has been saved."))
            return HttpResponseRedirect(reverse("care:pupil", args=[note.student.uuid]))
    else:
        log_access(
            actor=request.user,
            records=[note],
            request=request,
            action="view_detail",
            fields=CareNote.class_i_fields,
        )
    return _form_page(request, note.student, form, note)
