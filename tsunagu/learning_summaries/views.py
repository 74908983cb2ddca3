"""Pages of learning summaries: the test-result import of a school and the class learning overview.

Thin: access by decorator and ``get_visible_or_404``, checks and writes in ``imports``, reads in
``selectors``. Learning data is class II: no read is logged.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.core.policy import registry
from tsunagu.core.views import get_visible_or_404, policy_required
from tsunagu.learning_summaries import imports, selectors
from tsunagu.learning_summaries.forms import ImportForm, PeriodForm
from tsunagu.org.models import Homeroom, School


def _encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _decode(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise Http404 from None


@policy_required(School, "import_test_results")
def test_results_import(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """Upload a test-result file → every problem listed (row, column, message), or a preview of what it
    writes → confirm → all written, or nothing. Below: the school's earlier imports."""
    school = get_visible_or_404(School, request, school_uuid, "import_test_results")
    context: dict[str, Any] = {
        "school": school,
        "form": ImportForm(),
        "columns": imports.COLUMNS,
        "history": selectors.test_import_history(actor=request.user, school=school),
    }
    if request.method == "POST":
        file_name = request.POST.get("file_name", "")[:200]
        if "data" in request.POST:
            data = _decode(request.POST["data"])
        else:
            form = ImportForm(request.POST, request.FILES)
            context["form"] = form
            if not form.is_valid():
                return render(request, "learning_summaries/import.html", context)
            upload = form.cleaned_data["file"]
            data, file_name = upload.read(), upload.name[:200]
        try:
            if request.POST.get("confirm"):
                plan, record = imports.test_results_commit(
                    actor=request.user, school=school, data=data, file_name=file_name
                )
                if plan.ok and record is not None:
                    messages.success(
                        request, _("Imported: %(n)d test results written.") % {"n": record.changed}
                    )
                    return HttpResponseRedirect(
                        reverse("learning_summaries:test_results_import", args=[school.uuid])
                    )
            else:
                plan = imports.test_results_plan(
                    actor=request.user, school=school, data=data, file_name=file_name
                )
        except imports.ImportFileError as exc:
            context["file_error"] = str(exc)
            return render(request, "learning_summaries/import.html", context)
        context.update(plan=plan, data=_encode(data), file_name=file_name)
    return render(request, "learning_summaries/import.html", context)


@policy_required(Homeroom, "view_learning")
def homeroom_overview(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """A class's learning over the last weeks: per subject (correct rate and study time per pupil, with
    the grade's averages) and per pupil."""
    homeroom = get_visible_or_404(
        Homeroom,
        request,
        homeroom_uuid,
        "view_learning",
        queryset=Homeroom.objects.select_related("school", "school_year", "grade_level"),
    )
    form = PeriodForm(request.GET or None)
    weeks = (form.cleaned_data.get("weeks") if form.is_valid() else None) or 4
    until = min(timezone.localdate(), homeroom.school_year.end_date)
    since = until - dt.timedelta(days=7 * weeks - 1)
    subjects, pupils = selectors.homeroom_overview(
        actor=request.user, homeroom=homeroom, since=since, until=until
    )
    return render(
        request,
        "learning_summaries/homeroom.html",
        {
            "homeroom": homeroom,
            "form": form,
            "weeks": weeks,
            "since": since,
            "until": until,
            "subjects": subjects,
            "pupils": pupils,
        },
    )


@policy_required(School, "view_learning")
def school_index(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """The classes of this year whose learning overview the actor may open (principal: all; grade head:
    their grade), and the import page when the actor may import."""
    school = get_visible_or_404(School, request, school_uuid, "view_learning")
    today = timezone.localdate()
    rooms = list(
        Homeroom.objects.filter(
            school=school, school_year__start_date__lte=today, school_year__end_date__gte=today
        )
        .visible_to(request.user, "view_learning")
        .select_related("grade_level")
        .order_by("grade_level__order", "order", "name")
    )
    return render(
        request,
        "learning_summaries/school.html",
        {
            "school": school,
            "rooms": rooms,
            "may_import": registry.allows_any(request.user, School, "import_test_results"),
        },
    )
