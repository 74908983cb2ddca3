"""The karte pages: one pupil's karte, a class's and a school's board, the insight actions, the pupil's
and the guardian's views, the board's counts and thresholds."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tsunagu.core.audit import log_access
from tsunagu.core.policy import registry
from tsunagu.core.views import get_visible_or_404, policy_required
from tsunagu.karte import selectors, services
from tsunagu.karte.chart import study_chart
from tsunagu.karte.forms import AssignForm, DismissForm, ThresholdsForm
from tsunagu.karte.models import Insight
from tsunagu.org.models import Board, Homeroom, School
from tsunagu.org.selectors import school_year_on
from tsunagu.students.models import Student

PERIODS = {"14": 14, "30": 30, "90": 90}


@require_http_methods(["GET"])
@policy_required(Student, "view_karte")
def karte(request: HttpRequest, student_uuid: str) -> HttpResponse:
    """One pupil's karte; ``?days=`` chooses the mood period (14, 30 or 90 days)."""
    student = get_visible_or_404(Student, request, student_uuid, "view_karte")
    period = PERIODS.get(request.GET.get("days", "14"), 14)
    data = selectors.karte_get(actor=request.user, student=student, period_days=period)
    # One INSERT for the pupil and every class-I record shown, however many (a fixed query count).
    log_access(
        actor=request.user,
        records=[student, *data.class_i],
        request=request,
        fields=["karte", "moods", "insights"],
    )
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
@policy_required(Insight, "change")
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


@require_http_methods(["GET"])
@policy_required(School, "view_board")
def school_board(request: HttpRequest, school_uuid: str) -> HttpResponse:
    """The board across the school's classes (a grade head's: their grade), grouped by class; ``?grade=``
    narrows to one grade."""
    school = get_visible_or_404(School, request, school_uuid, "view_board")
    grade = request.GET.get("grade", "")
    groups = selectors.school_board_get(actor=request.user, school=school, grade=grade)
    students = [r.student for g in groups for r in g.rows]
    if students:
        log_access(actor=request.user, records=students, request=request, fields=["board"])
    first = next((r for g in groups for r in g.rows), None)
    return render(
        request,
        "karte/school_board.html",
        {
            "school": school,
            "groups": groups,
            "days": [c.date for c in first.cells] if first else [],
            "grade": grade,
            "grades": sorted({g.homeroom.grade_level for g in groups}, key=lambda x: (x.stage, x.number)),
        },
    )


def _own_pupil(request: HttpRequest) -> Student:
    pupil = Student.objects.visible_to(request.user, "view_own_dashboard").filter(user=request.user).first()
    if pupil is None:
        raise Http404
    return pupil


@require_http_methods(["GET"])
@policy_required(Student, "view_own_dashboard")
def mine(request: HttpRequest) -> HttpResponse:
    """The pupil's own page: their weather and their learning against their own past."""
    pupil = _own_pupil(request)
    data = selectors.pupil_dashboard_get(actor=request.user, student=pupil)
    log_access(actor=request.user, records=[pupil], request=request, fields=["moods", "learning"])
    chart = study_chart(data.learning.daily) if data.learning else None
    return render(request, "karte/mine.html", {"data": data, "chart": chart, "f": data.furigana})


@require_http_methods(["GET"])
@policy_required(Student, "view_child_summary")
def child(request: HttpRequest, student_uuid: str) -> HttpResponse:
    """A guardian's summary of their child: attendance, いいところ shared with home, learning."""
    student = get_visible_or_404(Student, request, student_uuid, "view_child_summary")
    data = selectors.child_summary_get(actor=request.user, student=student)
    chart = study_chart(data.learning.daily) if data.learning else None
    return render(request, "karte/child.html", {"data": data, "chart": chart})


def _own_board(request: HttpRequest, action: str) -> Board:
    board = registry.narrow(Board.objects.order_by("pk"), request.user, action).first()
    if board is None:
        raise Http404
    return board


@require_http_methods(["GET"])
@policy_required(Board, "view_insight_counts")
def ward(request: HttpRequest) -> HttpResponse:
    """The board's counts of active insights per school: no names, numbers under five suppressed."""
    board = _own_board(request, "view_insight_counts")
    rows = selectors.ward_counts_get(actor=request.user, board=board)
    return render(
        request,
        "karte/ward.html",
        {
            "board": board,
            "rows": rows,
            "may_edit": registry.allows_any(request.user, Board, "manage_insight_settings"),
        },
    )


@require_http_methods(["GET", "POST"])
@policy_required(Board, "manage_insight_settings")
def thresholds(request: HttpRequest) -> HttpResponse:
    """The board's thresholds of the insight rules, and how often each rule was dismissed this year."""
    board = _own_board(request, "manage_insight_settings")
    current = asdict(services.thresholds_for(board.pk))
    form = ThresholdsForm(request.POST if request.method == "POST" else None, current=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.insight_settings_save(actor=request.user, board=board, values=form.cleaned_data)
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    for message in problems:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("The thresholds were saved. They apply from the next check."))
                return redirect("karte:thresholds")
        status = 400
    year = school_year_on(timezone.localdate())
    stats = selectors.rule_stats_get(board=board, school_year=year) if year else []
    return render(
        request, "karte/thresholds.html", {"board": board, "form": form, "stats": stats}, status=status
    )
