"""Attendance pages. Thin: access by decorator and ``get_visible_or_404``, reads in selectors, writes in
services. Every page works without JavaScript; the daily screen's keys are an extra (attendance.js).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.attendance import selectors, services
from tsunagu.attendance.forms import AbsenceReportForm, AttendanceSettingsForm, ClosureForm
from tsunagu.attendance.models import AbsenceReport, BoardNotice, Category, Closure, Mark, PeriodKind
from tsunagu.attendance.pdfs import register_month_pdf
from tsunagu.core.audit import log_access
from tsunagu.core.pdf import pdf_response
from tsunagu.core.policy import registry
from tsunagu.core.views import get_visible_or_404, policy_required
from tsunagu.org.models import Board, Homeroom, School
from tsunagu.students.models import Student

_HOMEROOMS = Homeroom.objects.select_related("school", "school_year", "grade_level")


def _day_param(request: HttpRequest, default: dt.date) -> dt.date:
    raw = request.POST.get("date") or request.GET.get("date") or ""
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return default


def _uuid_param(request: HttpRequest, name: str) -> uuid.UUID:
    """A UUID posted as ``name``; 404 when it is missing or malformed (like an unknown one)."""
    try:
        return uuid.UUID(request.POST.get(name, ""))
    except ValueError as exc:
        raise Http404 from exc


def _time(raw: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@policy_required(Homeroom, "take_attendance")
def daily(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """The day's register of one class on one screen: everyone present unless changed; guardians'
    reports pre-filled as pending marks; saving confirms them."""
    homeroom = get_visible_or_404(Homeroom, request, homeroom_uuid, "take_attendance", queryset=_HOMEROOMS)
    today = timezone.localdate()
    day = _day_param(request, today)
    register = selectors.daily_register_get(actor=request.user, homeroom=homeroom, day=day)
    errors: dict[str, list[str]] = {}
    form_errors: list[str] = []
    if request.method == "POST":
        entries = []
        for row in register.rows:
            key = str(row.student.uuid)
            entries.append(
                services.MarkEntry(
                    student_id=row.student.pk,
                    kind=request.POST.get(f"kind-{key}", Mark.PRESENT),
                    time=_time(request.POST.get(f"time-{key}", "")),
                    left_at=_time(request.POST.get(f"left-{key}", "")),
                    detail=request.POST.get(f"detail-{key}", "").strip(),
                )
            )
            # Keep what the teacher chose on the page if it has to be shown again with errors.
            row.kind, row.time, row.detail = entries[-1].kind, entries[-1].time, entries[-1].detail
        periods: dict[int, dict[int, str]] | None = None
        if register.period_numbers:
            periods = {}
            for row in register.rows:
                key = str(row.student.uuid)
                chosen = {
                    number: request.POST.get(f"period-{key}-{number}", "")
                    for number in register.period_numbers
                }
                row.periods = {number: kind for number, kind in chosen.items() if kind}
                periods[row.student.pk] = row.periods
        try:
            saved = services.register_day_save(
                actor=request.user, homeroom=homeroom, day=day, entries=entries, periods=periods
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for row in register.rows:
                    for error in exc.error_dict.get(str(row.student.pk), []):
                        row.errors.extend(error.messages)
                        errors[str(row.student.uuid)] = row.errors
                if not errors:
                    form_errors = list(exc.messages)
            else:
                form_errors = list(exc.messages)
        else:
            messages.success(
                request,
                _("Saved the register of %(day)s (%(n)s marks changed, %(r)s reports confirmed).")
                % {
                    "day": day.isoformat(),
                    "n": saved.marks_written + saved.marks_removed,
                    "r": saved.reports_confirmed,
                },
            )
            return redirect(f"{request.path}?date={day.isoformat()}")
    reports = [r.report for r in register.rows if r.report is not None]
    if reports:
        log_access(actor=request.user, records=reports, request=request, fields=AbsenceReport.class_i_fields)
    context = {
        "homeroom": homeroom,
        "register": register,
        "day": day,
        "today": today,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "errors": errors,
        "form_errors": form_errors,
        "needs_time": [Mark.LATE, Mark.EARLY_LEAVE],
        "period_kinds": PeriodKind.choices,
        "status": 400 if errors or form_errors else 200,
    }
    return render(request, "attendance/daily.html", context, status=context["status"])


def _month_param(request: HttpRequest, homeroom: Homeroom, today: dt.date) -> tuple[int, int]:
    """The month asked for (``?month=YYYY-MM``), kept inside the homeroom's school year."""
    year, month = today.year, today.month
    raw = request.GET.get("month", "")
    try:
        parsed = dt.date.fromisoformat(f"{raw}-01")
        year, month = parsed.year, parsed.month
    except ValueError:
        pass
    if not homeroom.school_year.contains(dt.date(year, month, 1)):
        first = homeroom.school_year.start_date
        last = min(homeroom.school_year.end_date, today)
        year, month = (last.year, last.month) if last >= first else (first.year, first.month)
    return year, month


@policy_required(Homeroom, "view_attendance")
def register_month(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """出席簿 of one class for one month: pupils × days with symbols, monthly and cumulative totals."""
    homeroom = get_visible_or_404(Homeroom, request, homeroom_uuid, "view_attendance", queryset=_HOMEROOMS)
    today = timezone.localdate()
    year, month = _month_param(request, homeroom, today)
    register = selectors.register_month_get(actor=request.user, homeroom=homeroom, year=year, month=month)
    first = register.month_start
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = register.month_end + dt.timedelta(days=1)
    context = {
        "homeroom": homeroom,
        "register": register,
        "codes": selectors.attendance_codes(board=homeroom.school.board_id),
        "previous_month": previous if homeroom.school_year.contains(previous) else None,
        "next_month": following if homeroom.school_year.contains(following) and following <= today else None,
        "may_take": Homeroom.objects.filter(pk=homeroom.pk)
        .visible_to(request.user, "take_attendance")
        .exists(),
        "today": today,
    }
    return render(request, "attendance/register_month.html", context)


@policy_required(Homeroom, "view_attendance")
def register_pdf(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """The month's 出席簿 as the legal book: A4 landscape PDF, one class on one page."""
    homeroom = get_visible_or_404(Homeroom, request, homeroom_uuid, "view_attendance", queryset=_HOMEROOMS)
    year, month = _month_param(request, homeroom, timezone.localdate())
    register = selectors.register_month_get(actor=request.user, homeroom=homeroom, year=year, month=month)
    codes = selectors.attendance_codes(board=homeroom.school.board_id)
    pdf = register_month_pdf(register, codes)
    return pdf_response(pdf, f"出席簿_{homeroom.display_name}_{year}-{month:02d}.pdf")


@policy_required(Homeroom, "view_attendance")
def homeroom_alerts(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """Pupils of one class absent 7 school days in a row, or approaching 30 days absent this year."""
    homeroom = get_visible_or_404(Homeroom, request, homeroom_uuid, "view_attendance", queryset=_HOMEROOMS)
    alerts = selectors.absence_alerts(actor=request.user, school=homeroom.school, homeroom=homeroom)
    return render(
        request,
        "attendance/alerts.html",
        {"alerts": alerts, "school": homeroom.school, "homeroom": homeroom, "title": homeroom.display_name},
    )


@policy_required(School, "view_attendance")
def school_alerts(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """The whole school's attendance alerts (施行令 §20: 7 consecutive days; 30 days in the year)."""
    school = get_visible_or_404(School, request, school_uuid, "view_attendance")
    alerts = selectors.absence_alerts(actor=request.user, school=school)
    may_notify = registry.allows_any(request.user, Student, "notify_board")
    sent = set(
        BoardNotice.objects.visible_to(request.user, "view")
        .filter(student_id__in=[a.student.pk for a in alerts])
        .values_list("student_id", "first_day")
    )
    for alert in alerts:
        alert.notified = (alert.student.pk, alert.run_start) in sent
    return render(
        request,
        "attendance/alerts.html",
        {
            "alerts": alerts,
            "school": school,
            "homeroom": None,
            "title": school.name,
            "may_notify": may_notify,
            "unreported": selectors.unreported_absences(actor=request.user, school=school),
            "deadline": selectors.attendance_settings_get(school=school).report_deadline,
        },
    )


@policy_required(School, "view_attendance")
def school_notices(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """Notices the school sent to the board (施行令 §20); the principal sends one with one click (POST
    ``student``) from the alerts page."""
    school = get_visible_or_404(School, request, school_uuid, "view_attendance")
    if request.method == "POST":
        student = get_visible_or_404(Student, request, _uuid_param(request, "student"), "notify_board")
        try:
            services.board_notice_send(actor=request.user, student=student, note=request.POST.get("note", ""))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The notice was sent to the board of education."))
        return redirect(reverse("attendance:school_notices", args=[school.uuid]))
    notices = (
        BoardNotice.objects.visible_to(request.user, "view")
        .filter(school=school)
        .select_related("sent_by", "acknowledged_by")
    )
    return render(request, "attendance/notices.html", {"school": school, "notices": notices, "board": None})


@policy_required(BoardNotice, "acknowledge")
def board_notices(request: HttpRequest) -> HttpResponse:
    """The board's 学務 staff: notices of 7 school days absent in a row from every school of the ward."""
    if request.method == "POST":
        notice = get_visible_or_404(BoardNotice, request, _uuid_param(request, "notice"), "acknowledge")
        services.board_notice_acknowledge(actor=request.user, notice=notice)
        messages.success(request, _("Marked as read."))
        return redirect(reverse("attendance:board_notices"))
    notices = BoardNotice.objects.visible_to(request.user, "view").select_related(
        "school", "sent_by", "acknowledged_by"
    )
    return render(request, "attendance/notices.html", {"school": None, "notices": notices, "board": True})


@policy_required(School, "manage_attendance_settings")
def school_settings(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """The principal sets the guardians' reporting deadline and whether periods are recorded."""
    school = get_visible_or_404(School, request, school_uuid, "manage_attendance_settings")
    current = selectors.attendance_settings_get(school=school)
    form = AttendanceSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "report_deadline": current.report_deadline,
            "period_marks": current.period_marks,
            "periods_per_day": current.periods_per_day,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_settings_save(actor=request.user, school=school, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The attendance settings were saved."))
            return redirect(request.path)
    return render(
        request,
        "attendance/settings.html",
        {"school": school, "form": form},
        status=400 if form.errors else 200,
    )


@policy_required(Board, "edit_attendance_codes")
def board_codes(request: HttpRequest) -> HttpResponse:
    """The board's code list: the symbol, name and key of each kind of mark, for every school."""
    board = registry.narrow(Board.objects.all(), request.user, "edit_attendance_codes").order_by("pk").first()
    if board is None:
        raise Http404
    codes = selectors.attendance_codes(board=board)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        rows = [
            services.CodeInput(
                kind=code.kind,
                symbol=request.POST.get(f"symbol-{code.kind}", ""),
                label=request.POST.get(f"label-{code.kind}", ""),
                key=request.POST.get(f"key-{code.kind}", ""),
                is_active=request.POST.get(f"active-{code.kind}") == "on",
            )
            for code in codes
        ]
        try:
            services.attendance_codes_save(actor=request.user, board=board, codes=rows)
        except ValidationError as exc:
            errors = {k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()}
            codes = [
                selectors.Code(kind=r.kind, symbol=r.symbol, label=r.label, key=r.key, is_active=r.is_active)
                for r in rows
            ]
        else:
            messages.success(request, _("The code list was saved. Every school of the ward uses it now."))
            return redirect(request.path)
    rows_out = [
        (code, Mark(code.kind).label, Category(code.category).label, errors.get(code.kind, []))
        for code in codes
    ]
    return render(
        request,
        "attendance/codes.html",
        {"board": board, "rows": rows_out, "form_errors": errors.get("__all__", [])},
        status=400 if errors else 200,
    )


@policy_required(School, "view_attendance")
def school_day(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """学校日誌 for the principal: each class's attendance on one day (counts and reasons)."""
    school = get_visible_or_404(School, request, school_uuid, "view_attendance")
    today = timezone.localdate()
    day = _day_param(request, today)
    rows = selectors.school_day_summary(actor=request.user, school=school, day=day)
    totals = {
        "enrolled": sum(r.enrolled for r in rows),
        "absent": sum(r.absent for r in rows),
        "excused": sum(r.excused for r in rows),
        "late": sum(r.late for r in rows),
        "early_leave": sum(r.early_leave for r in rows),
        "present": sum(r.present for r in rows),
    }
    context = {
        "school": school,
        "rows": rows,
        "totals": totals,
        "day": day,
        "today": today,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
    }
    return render(request, "attendance/school_day.html", context)


@policy_required(School, "view_attendance")
def closures(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """臨時休業・学年閉鎖・学級閉鎖 of the school this year; the principal enters new ones here."""
    school = get_visible_or_404(School, request, school_uuid, "view_attendance")
    may_manage = School.objects.filter(pk=school.pk).visible_to(request.user, "manage_closures").exists()
    homerooms = selectors.homeroom_list_for_attendance(actor=request.user, school=school)
    form = ClosureForm(request.POST if request.method == "POST" else None, homerooms=homerooms)
    if request.method == "POST":
        school = get_visible_or_404(School, request, school_uuid, "manage_closures")
        if form.is_valid():
            try:
                services.closure_create(
                    actor=request.user,
                    school=school,
                    scope=form.cleaned_data["scope"],
                    start_date=form.cleaned_data["start_date"],
                    end_date=form.cleaned_data["end_date"],
                    reason=form.cleaned_data["reason"],
                    grade_level=form.chosen_grade(),
                    homeroom=form.chosen_homeroom(),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The closure was saved."))
                return redirect(request.path)
    today = timezone.localdate()
    listed = (
        Closure.objects.visible_to(request.user, "view")
        .filter(school=school, end_date__gte=today - dt.timedelta(days=365))
        .select_related("grade_level", "homeroom__grade_level")
        .order_by("-start_date")
    )
    return render(
        request,
        "attendance/closures.html",
        {"school": school, "closures": listed, "form": form, "may_manage": may_manage},
        status=400 if form.errors else 200,
    )


def _add_errors(form: ClosureForm | AbsenceReportForm | AttendanceSettingsForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@policy_required("students.Student", "report_absence")
def report_new(request: HttpRequest) -> HttpResponse:
    """欠席連絡 from a guardian: absence, late arrival or early leave of their own child."""
    today = timezone.localdate()
    children = selectors.reportable_children(actor=request.user)
    form = AbsenceReportForm(request.POST or None, children=children, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.absence_report_create(
                actor=request.user,
                student=form.chosen_child(),
                day=data["day"],
                kind=data["kind"],
                reason=data["reason"],
                symptoms=data["symptoms"],
                temperature=data["temperature"],
                time=data["time"],
                note=data["note"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Thank you. The school has received your report."))
            if report.after_deadline:
                deadline = selectors.attendance_settings_get(school=report.school_id).report_deadline
                messages.warning(
                    request,
                    _(
                        "The school asks for reports by %(time)s. Yours has been received and marked as "
                        "late; if it is urgent, please also phone the school."
                    )
                    % {"time": deadline.strftime("%H:%M")},
                )
            return redirect(reverse("attendance:report_list"))
    return render(
        request,
        "attendance/report_form.html",
        {"form": form, "children": children},
        status=400 if form.errors else 200,
    )


@policy_required(AbsenceReport, "view")
def report_list(request: HttpRequest) -> HttpResponse:
    """Absence reports of the last 30 days the actor may see (a guardian: their children's)."""
    reports = selectors.absence_report_list(actor=request.user)
    if reports:
        log_access(actor=request.user, records=reports, request=request, fields=AbsenceReport.class_i_fields)
    return render(
        request,
        "attendance/report_list.html",
        {
            "reports": reports,
            "may_report": registry.allows_any(request.user, "students.Student", "report_absence"),
        },
    )
