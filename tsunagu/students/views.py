"""Roster and pupil pages. Thin: access checks by decorator and ``get_visible_or_404``, reads in selectors.

A request from htmx (the live search) gets only the table rows (``_partials/``), everything else the
whole page, so the search also works without JavaScript.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tsunagu.core.audit import log_access
from tsunagu.core.policy import registry
from tsunagu.core.views import get_visible_or_404, policy_required
from tsunagu.org.models import Homeroom, School
from tsunagu.org.selectors import homeroom_list_current
from tsunagu.students import selectors
from tsunagu.students.forms import RosterSearchForm, SchoolRosterFilterForm
from tsunagu.students.models import Student


def _is_htmx(request: HttpRequest) -> bool:
    """A fragment request from htmx (a history restore wants the whole page)."""
    headers = request.headers
    return headers.get("HX-Request") == "true" and not headers.get("HX-History-Restore-Request")


@policy_required(Homeroom, "view")
def homeroom_roster(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """学級名簿: the pupils of one homeroom with guardians' contacts, searchable by name."""
    homeroom = get_visible_or_404(
        Homeroom,
        request,
        homeroom_uuid,
        queryset=Homeroom.objects.select_related("school", "school_year", "grade_level"),
    )
    form = RosterSearchForm(request.GET)
    rows = selectors.homeroom_roster_list(actor=request.user, homeroom=homeroom, query=form.query())
    context = {
        "homeroom": homeroom,
        "school": homeroom.school,
        "form": form,
        "rows": rows,
        "show_contacts": selectors.may_view_contacts(request.user),
        "query": form.query(),
        "today": timezone.localdate(),
    }
    if _is_htmx(request):
        return render(request, "students/_partials/homeroom_roster_rows.html", context)
    return render(request, "students/homeroom_roster.html", context)


@policy_required(School, "view_roster")
def school_roster(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """全校児童生徒名簿: every current pupil of the school by grade and class, filterable and searchable."""
    school = get_visible_or_404(School, request, school_uuid, "view_roster")
    homerooms = homeroom_list_current(actor=request.user, school=school)
    form = SchoolRosterFilterForm(request.GET, homerooms=homerooms)
    roster = selectors.school_roster_list(
        actor=request.user,
        school=school,
        homerooms=homerooms,
        query=form.query(),
        grade_code=form.value("grade"),
        homeroom=form.chosen_homeroom(),
    )
    context = {
        "school": school,
        "form": form,
        "roster": roster,
        "show_contacts": selectors.may_view_contacts(request.user),
        "query": form.query(),
        "today": timezone.localdate(),
    }
    if _is_htmx(request):
        return render(request, "students/_partials/school_roster_rows.html", context)
    return render(request, "students/school_roster.html", context)


@policy_required(Student, "view")
def student_detail(request: HttpRequest, student_uuid: uuid.UUID) -> HttpResponse:
    """The pupil page: basic data, enrolment history, guardians. Class-I reads are logged."""
    student = get_visible_or_404(Student, request, student_uuid)
    detail = selectors.student_detail_get(actor=request.user, student=student)
    if detail.class_i_fields:
        log_access(actor=request.user, records=[student], request=request, fields=detail.class_i_fields)
    context = {
        "student": student,
        "detail": detail,
        "may_audit": registry.allows_any(request.user, Student, "view_audit"),
    }
    return render(request, "students/student_detail.html", context)
