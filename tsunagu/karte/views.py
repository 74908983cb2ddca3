"""The karte pages: one pupil's karte, a class's board, and the insight actions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from tsunagu.core.audit import log_access
from tsunagu.core.views import get_visible_or_404, policy_required
from tsunagu.karte import selectors, services
from tsunagu.karte.forms import AssignForm, DismissForm
from tsunagu.karte.models import Insight
from tsunagu.org.models import Homeroom
from tsunagu.students.models import Student

PERIODS = {"14": 14, "30": 30, "90": 90}


@require_http_methods(["GET"])
@policy_required(Student, "view_karte")
def karte(request: HttpRequest, student_uuid: str) -> HttpResponse:
    """One pupil's karte; ``?days=`` chooses the mood period (14, 30 or 90 days)."""
    student = get_visible_or_404(Student, request, student_uuid, "view_karte")
    period = PERIODS.get(request.GET.get("days", "14"), 14)
    data = selectors.karte_get(actor=request.user, student=student, period_days=period)
    log_access(actor=request.user, records=[student], request=request, fields=["karte", "moods", "insights"])
    if data.class_i:
        log_access(actor=request.user, records=data.class_i, request=request, fields=["karte"])
    return render(
        request,
        "karte/karte.html",
        {
            "karte": data,
            "period": period,
            "periods": PERIODS.values(),
            "assign_form": AssignForm(),
            "dismiss_form": DismissForm(),
        },
    )


@require_POST
@policy_required(Student, "view_karte")
def refresh(request: HttpRequest, student_uuid: str) -> HttpResponse:
    """Run the insight rules for this pupil now (they also run every night)."""
    student = get_visible_or_404(Student, request, student_uuid, "view_karte")
    data = selectors.karte_get(actor=request.user, student=student)
    if data.enrolment is not None:
        services.insights_refresh(
            school=data.enrolment.school, day=timezone.localdate(), student_ids=[student.pk]
        )
    return redirect("karte:karte", student_uuid=student.uuid)


@require_POST
@policy_required(Insight, "change")
def assign(request: HttpRequest, insight_uuid: str) -> HttpResponse:
    """Take an insight on with a follow-up date."""
    insight = get_visible_or_404(Insight, request, insight_uuid, "change")
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            services.insight_assign(
                actor=request.user,
                insight=insight,
                follow_up_on=form.cleaned_data["follow_up_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            return _refuse(request, insight, error)
    return redirect("karte:karte", student_uuid=insight.student.uuid)


@require_POST
@policy_required(Insight, "change")
def dismiss(request: HttpRequest, insight_uuid: str) -> HttpResponse:
    """Dismiss an insight with a reason."""
    insight = get_visible_or_404(Insight, request, insight_uuid, "change")
    form = DismissForm(request.POST)
    if not form.is_valid():
        return _refuse(request, insight, ValidationError(form.errors.get("reason", [""])[0]))
    try:
        services.insight_dismiss(actor=request.user, insight=insight, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        return _refuse(request, insight, error)
    return redirect("karte:karte", student_uuid=insight.student.uuid)


def _refuse(request: HttpRequest, insight: Insight, error: ValidationError) -> HttpResponse:
    """The karte again, with the error above the insight (400)."""
    data = selectors.karte_get(actor=request.user, student=insight.student)
    response = render(
        request,
        "karte/karte.html",
        {
            "karte": data,
            "period": 14,
            "periods": PERIODS.values(),
            "assign_form": AssignForm(),
            "dismiss_form": DismissForm(),
            "error": " ".join(error.messages),
            "error_insight": insight.pk,
        },
    )
    response.status_code = 400
    return response


@require_http_methods(["GET"])
@policy_required(Homeroom, "view_board")
def class_board(request: HttpRequest, homeroom_uuid: str) -> HttpResponse:
    """The class board: pupils × recent school days, what changed first."""
    homeroom = get_visible_or_404(
        Homeroom,
        request,
        homeroom_uuid,
        "view_board",
        queryset=Homeroom.objects.select_related("school", "grade_level"),
    )
    rows = selectors.class_board_get(actor=request.user, homeroom=homeroom)
    log_access(actor=request.user, records=[r.student for r in rows], request=request, fields=["board"])
    days = [c.date for c in rows[0].cells] if rows else []
    return render(request, "karte/board.html", {"homeroom": homeroom, "rows": rows, "days": days})
