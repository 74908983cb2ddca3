"""Pages of the daily health check-in. Thin: access by decorator and ``get_visible_or_404``, rules in
``services``, reads in ``selectors``.

Every page that shows check-ins or talk requests (class I) writes them to the access log. The live
summaries poll with htmx; a poll logs only the records this session has not logged yet today, so that
the log says who saw what without a row per record every twenty seconds.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tsunagu.core.audit import log_access
from tsunagu.core.policy import registry
from tsunagu.core.views import get_visible_or_404, policy_required
from tsunagu.health import selectors, services
from tsunagu.health.forms import DailyLogForm, NurseVisitForm, PupilCheckInForm, entries_from_post
from tsunagu.health.models import (
    BodyPart,
    CheckInSession,
    Complaint,
    FirstAid,
    GuardianContact,
    HealthCheckIn,
    HealthNotice,
    InjuryActivity,
    InjuryCause,
    InjuryPlace,
    Mood,
    NurseDailyLog,
    NurseVisit,
    Outcome,
    Period,
    RegisterState,
    Symptom,
    TalkRequest,
    VisitCategory,
    Weather,
)
from tsunagu.org.models import Homeroom, School
from tsunagu.org.selectors import homeroom_list_current, school_list
from tsunagu.students.models import Student

#: Seconds between two refreshes of a live summary.
POLL_SECONDS = 20


def _is_htmx(request: HttpRequest) -> bool:
    headers = request.headers
    return headers.get("HX-Request") == "true" and not headers.get("HX-History-Restore-Request")


def _log_reads(request: HttpRequest, records: Iterable[models.Model]) -> None:
    """Log class-I ``records`` shown on this page that this session has not logged today."""
    day = selectors.checkin_today().isoformat()
    logged: dict[str, list[str]] = request.session.get("health_logged", {})
    known = set(logged.get(day, []))
    new = [r for r in records if str(r.uuid) not in known]  # type: ignore[attr-defined]
    if not new:
        return
    log_access(actor=request.user, records=new, request=request)
    known.update(str(r.uuid) for r in new)  # type: ignore[attr-defined]
    request.session["health_logged"] = {day: sorted(known)}


def _period(request: HttpRequest) -> str:
    value = request.GET.get("period") or request.POST.get("period") or Period.MORNING
    return value if value in Period.values else Period.MORNING


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Redirect to the ``next`` page of this site, else ``fallback``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(fallback)


# --- the pupil ----------------------------------------------------------------------------------------


@policy_required(HealthCheckIn, "submit")
def pupil_checkin(request: HttpRequest) -> HttpResponse:
    """心の天気: the pupil answers on a tablet — choose, confirm, send — and later sees "seen".

    Step one is the form; "next" shows a confirmation of the choices (against accidental taps, above
    all on 話したい); "send" saves and returns here by redirect, where the answer and its
    acknowledgements are shown (and refreshed by htmx).
    """
    day = selectors.checkin_today()
    state = selectors.pupil_day_get(actor=request.user, day=day)
    form = None
    template = "health/pupil_checkin.html"
    if request.method == "POST":
        form = PupilCheckInForm(request.POST, talk_options=state.talk_options)
        action = request.POST.get("action", "")
        if form.is_valid() and action in {"confirm", "send"}:
            if action == "confirm":
                template = "health/pupil_confirm.html"
            else:
                data = form.cleaned_data
                try:
                    services.checkin_submit(
                        actor=request.user,
                        mood=data["mood"],
                        symptoms=data["symptoms"],
                        comment=data["comment"],
                        talk_to=data["talk_to"] or "",
                        period=data["period"],
                        day=day,
                    )
                except ValidationError as exc:
                    for message in exc.messages:
                        form.add_error(None, message)
                else:
                    messages.success(request, _("Sent. Thank you!"))
                    return redirect("health:pupil_checkin")
    elif state.next_open is not None:
        form = PupilCheckInForm(initial={"period": state.next_open.period}, talk_options=state.talk_options)
    shown = [p.check_in for p in state.answered if p.check_in] + [p.talk for p in state.answered if p.talk]
    _log_reads(request, shown)
    context = {
        "state": state,
        "form": form,
        "day": day,
        "moods": Mood.values,
        "symptoms": Symptom.values,
        "poll_seconds": POLL_SECONDS * 3,
    }
    if _is_htmx(request):
        return render(request, "health/_partials/pupil_status.html", context)
    return render(request, template, context)


# --- the homeroom teacher, the nurse, the principal -------------------------------------------------


def _homeroom(request: HttpRequest, homeroom_uuid: uuid.UUID, action: str) -> Homeroom:
    return get_visible_or_404(
        Homeroom,
        request,
        homeroom_uuid,
        action,
        queryset=Homeroom.objects.select_related("school", "school_year", "grade_level"),
    )


@policy_required(Homeroom, "health_summary")
def class_summary(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """The live class summary: not answered, symptoms or a bad mood, asked to talk, three bad mornings."""
    homeroom = _homeroom(request, homeroom_uuid, "health_summary")
    day = selectors.checkin_today()
    period = _period(request)
    services.talk_requests_escalate(actor=request.user, school=homeroom.school)
    summary = selectors.class_summary_get(actor=request.user, homeroom=homeroom, day=day, period=period)
    outlines = (
        selectors.visit_outlines(actor=request.user, homeroom=homeroom, day=day)
        if registry.allows_any(request.user, NurseVisit, "view_outline")
        else []
    )
    _log_reads(
        request,
        [
            *summary.check_ins,
            *(line.talk for line in summary.talk_lines if line.talk),
            *summary.absence_reports,
            *(o.visit for o in outlines),
        ],
    )
    context = {
        "homeroom": homeroom,
        "summary": summary,
        "period": period,
        "periods": Period.choices,
        "may_enter": Homeroom.objects.filter(pk=homeroom.pk)
        .visible_to(request.user, "health_entry")
        .exists(),
        "may_mark_seen": registry.allows_any(request.user, HealthCheckIn, "mark_seen"),
        "poll_seconds": POLL_SECONDS,
        "today": day,
        "visit_outlines": outlines,
        "may_register": registry.allows_any(request.user, NurseVisit, "register_early_leave"),
    }
    if _is_htmx(request):
        return render(request, "health/_partials/class_summary_live.html", context)
    return render(request, "health/class_summary.html", context)


@policy_required(Homeroom, "health_entry")
def class_entry(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """The homeroom teacher enters the whole class's check-in on one screen (younger grades, absences)."""
    homeroom = _homeroom(request, homeroom_uuid, "health_entry")
    day = selectors.checkin_today()
    period = _period(request)
    summary = selectors.class_summary_get(actor=request.user, homeroom=homeroom, day=day, period=period)
    errors: list[str] = []
    if request.method == "POST":
        try:
            changed = services.checkins_record_for_class(
                actor=request.user,
                homeroom=homeroom,
                entries=entries_from_post(request.POST, summary.lines),
                period=period,
                day=day,
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Saved %(n)d check-ins.") % {"n": changed})
            url = reverse("health:class_summary", args=[homeroom.uuid])
            return HttpResponseRedirect(f"{url}?period={period}")
    _log_reads(request, summary.check_ins)
    context = {
        "homeroom": homeroom,
        "summary": summary,
        "period": period,
        "moods": Mood.choices,
        "symptoms": Symptom.choices,
        "errors": errors,
        "post": request.POST if request.method == "POST" else None,
    }
    return render(request, "health/class_entry.html", context)


@require_POST
@policy_required(CheckInSession, "add")
def open_afternoon(request: HttpRequest, homeroom_uuid: uuid.UUID) -> HttpResponse:
    """Start the afternoon (帰り) check-in of the class."""
    homeroom = _homeroom(request, homeroom_uuid, "health_entry")
    url = reverse("health:class_summary", args=[homeroom.uuid])
    try:
        services.checkin_session_open(actor=request.user, homeroom=homeroom, day=selectors.checkin_today())
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return HttpResponseRedirect(url)
    messages.success(request, _("The afternoon check-in has started."))
    return HttpResponseRedirect(f"{url}?period={Period.AFTERNOON}")


@require_POST
@policy_required(HealthCheckIn, "mark_seen")
def mark_seen(request: HttpRequest, session_uuid: uuid.UUID) -> HttpResponse:
    """Mark every answer of a session as seen; each pupil then sees 「先生が見ました」."""
    session = get_visible_or_404(CheckInSession, request, session_uuid)
    count = services.checkins_mark_seen(actor=request.user, session=session)
    messages.success(request, _("Marked %(n)d answers as seen.") % {"n": count})
    url = reverse("health:class_summary", args=[session.homeroom.uuid])
    return _back(request, f"{url}?period={session.period}")


@require_POST
@policy_required(TalkRequest, "acknowledge")
def talk_acknowledge(request: HttpRequest, talk_uuid: uuid.UUID) -> HttpResponse:
    """Acknowledge a pupil's 話したい; the pupil sees it, and it no longer escalates."""
    talk = get_visible_or_404(TalkRequest, request, talk_uuid, "acknowledge")
    services.talk_request_acknowledge(actor=request.user, talk_request=talk)
    messages.success(request, _("The pupil will see that you have read their request."))
    return _back(request, reverse("home"))


@policy_required(School, "health_summary")
def school_summary(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """The school's morning check-in for the nurse and the principal: escalations first, then every
    class's figures and the pupils reporting symptoms or a bad mood."""
    school = get_visible_or_404(School, request, school_uuid, "health_summary")
    day = selectors.checkin_today()
    services.talk_requests_escalate(actor=request.user, school=school)
    homerooms = [
        h for h in homeroom_list_current(actor=request.user, school=school) if _may_summarise(request, h)
    ]
    summary = selectors.school_summary_get(actor=request.user, school=school, day=day, homerooms=homerooms)
    _log_reads(request, [*summary.attention, *summary.talks])
    context = {"school": school, "summary": summary, "poll_seconds": POLL_SECONDS, "today": day}
    if _is_htmx(request):
        return render(request, "health/_partials/school_summary_live.html", context)
    return render(request, "health/school_summary.html", context)


def _may_summarise(request: HttpRequest, homeroom: Homeroom) -> bool:
    allowed: set[int] | None = getattr(request, "_health_summary_rooms", None)
    if allowed is None:
        allowed = set(
            Homeroom.objects.visible_to(request.user, "health_summary").values_list("pk", flat=True)
        )
        request._health_summary_rooms = allowed  # type: ignore[attr-defined]
    return homeroom.pk in allowed


@policy_required(HealthCheckIn, "count")
def ward_summary(request: HttpRequest) -> HttpResponse:
    """The board's view: this morning's counts per school, small counts suppressed, no names."""
    day = selectors.checkin_today()
    schools = school_list(actor=request.user)
    rows = selectors.ward_aggregates(actor=request.user, schools=schools, day=day)
    context: dict[str, Any] = {"rows": rows, "day": day, "suppress_below": selectors.SUPPRESS_BELOW}
    return render(request, "health/ward_summary.html", context)


# --- 保健室来室記録 (the nurse's office) ---------------------------------------------------------------


def _day_param(request: HttpRequest, name: str = "date") -> dt.date:
    """The day asked for in the query (ISO), else today; never after today."""
    today = selectors.checkin_today()
    try:
        day = dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return today
    return min(day, today)


def _school(request: HttpRequest, school_uuid: uuid.UUID, action: str) -> School:
    return get_visible_or_404(
        School, request, school_uuid, action, queryset=School.objects.select_related("board")
    )


def _visit_choices() -> dict[str, Any]:
    """The one-tap choices of the visit form."""
    return {
        "categories": VisitCategory.choices,
        "complaints": Complaint.choices,
        "places": InjuryPlace.choices,
        "activities": InjuryActivity.choices,
        "body_parts": BodyPart.choices,
        "causes": InjuryCause.choices,
        "first_aids": FirstAid.choices,
        "outcomes": Outcome.choices,
        "contacts": GuardianContact.choices,
    }


def _form_values(form: NurseVisitForm) -> dict[str, Any]:
    """Plain strings (lists for multiple choices) to put back in the inputs, bound or initial."""
    values: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            values[name] = [str(v) for v in value]
        elif isinstance(value, dt.time):
            values[name] = value.strftime("%H:%M")
        elif value is None:
            values[name] = ""
        else:
            values[name] = str(value) if not isinstance(value, bool) else value
    return values


def _form_errors(form: NurseVisitForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@policy_required(NurseVisit, "add")
def nurse_visit_new(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """The nurse's fast entry: find the pupil (name or kana, any width; or by class), then one tap per
    field. Saving returns here for the next pupil; the visit can be completed later from the day's list.
    """
    school = _school(request, school_uuid, "nurse_visit_entry")
    day = selectors.checkin_today()
    query = request.GET.get("q", "").strip()
    homerooms = homeroom_list_current(actor=request.user, school=school)
    room = next((h for h in homerooms if str(h.uuid) == request.GET.get("homeroom", "")), None)
    results = selectors.pupil_search(actor=request.user, school=school, day=day, query=query, homeroom=room)
    if _is_htmx(request) and request.GET.get("search"):
        return render(request, "health/_partials/pupil_search.html", {"results": results, "query": query})
    student_key = request.POST.get("student") or request.GET.get("student", "")
    pupil = None
    if student_key:
        pupil = get_visible_or_404(Student, request, student_key)
    form = NurseVisitForm(initial={"time_in": timezone.localtime().time().replace(second=0, microsecond=0)})
    if request.method == "POST":
        form = NurseVisitForm(request.POST)
        if pupil is None:
            form.add_error(None, _("Please choose a pupil."))
        elif form.is_valid():
            try:
                visit = services.nurse_visit_record(
                    actor=request.user, student=pupil, data=form.visit_input(), day=day
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                _visit_saved_message(request, visit)
                return redirect("health:nurse_visit_new", school_uuid=school.uuid)
    recent = selectors.visit_list_pupil(actor=request.user, student=pupil, limit=5) if pupil else []
    _log_reads(request, recent)
    context = {
        "school": school,
        "day": day,
        "query": query,
        "homerooms": homerooms,
        "room": room,
        "results": results,
        "pupil": pupil,
        "form": form,
        "recent": recent,
        "v": _form_values(form),
        "editable": True,
        "not_editable": False,
        **_visit_choices(),
    }
    return render(request, "health/nurse_visit_new.html", context)


def _visit_saved_message(request: HttpRequest, visit: NurseVisit) -> None:
    messages.success(request, _("Saved the visit of %(name)s.") % {"name": visit.student.full_name})
    if visit.register_state == RegisterState.WRITTEN:
        messages.info(request, _("The early leave has been written to the register."))
    elif visit.register_state == RegisterState.WAITING:
        messages.info(
            request,
            _("The class teacher was told of the early leave and writes it to the register with one tap."),
        )


@policy_required(NurseVisit, "view")
def nurse_visits(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """The day's visits at the school (nurse, principal): who is still in the office, then the rest."""
    school = _school(request, school_uuid, "nurse_office")
    day = _day_param(request)
    visits = selectors.visit_list_day(actor=request.user, school=school, day=day)
    _log_reads(request, visits)
    context = {
        "school": school,
        "day": day,
        "visits": visits,
        "previous": day - dt.timedelta(days=1),
        "next": day + dt.timedelta(days=1) if day < selectors.checkin_today() else None,
        "may_add": School.objects.filter(pk=school.pk).visible_to(request.user, "nurse_visit_entry").exists(),
    }
    return render(request, "health/nurse_visits.html", context)


@policy_required(NurseVisit, "view")
def nurse_visit_edit(request: HttpRequest, visit_uuid: uuid.UUID) -> HttpResponse:
    """One visit in full: the nurse completes or corrects it (time out, outcome …); the principal reads it."""
    visit = get_visible_or_404(
        NurseVisit,
        request,
        visit_uuid,
        queryset=NurseVisit.objects.select_related("student", "school", "homeroom__grade_level"),
    )
    may_change = NurseVisit.objects.filter(pk=visit.pk).visible_to(request.user, "change").exists()
    form = NurseVisitForm(initial=NurseVisitForm.initial_from(visit))
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        form = NurseVisitForm(request.POST)
        if form.is_valid():
            try:
                visit = services.nurse_visit_record(actor=request.user, data=form.visit_input(), visit=visit)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                _visit_saved_message(request, visit)
                url = reverse("health:nurse_visits", args=[visit.school.uuid])
                return HttpResponseRedirect(f"{url}?date={visit.date.isoformat()}")
    _log_reads(request, [visit])
    context = {
        "visit": visit,
        "school": visit.school,
        "pupil": visit.student,
        "form": form,
        "may_change": may_change,
        "v": _form_values(form),
        "editable": may_change,
        "not_editable": not may_change,
        **_visit_choices(),
    }
    return render(request, "health/nurse_visit_edit.html", context)


@policy_required(NurseVisit, "view")
def nurse_pupil_visits(request: HttpRequest, student_uuid: uuid.UUID) -> HttpResponse:
    """Every visit of one pupil (nurse, principal), latest first."""
    pupil = get_visible_or_404(Student, request, student_uuid)
    visits = selectors.visit_list_pupil(actor=request.user, student=pupil)
    if not visits and not registry.allows_any(request.user, NurseVisit, "view"):
        raise PermissionDenied
    _log_reads(request, visits)
    return render(request, "health/nurse_pupil_visits.html", {"pupil": pupil, "visits": visits})


@require_POST
@policy_required(HealthNotice, "mark_read")
def notice_read(request: HttpRequest, notice_uuid: uuid.UUID) -> HttpResponse:
    """The homeroom teacher has read a visit notice."""
    notice = get_visible_or_404(HealthNotice, request, notice_uuid, "mark_read")
    services.health_notice_mark_read(actor=request.user, notice=notice)
    return _back(request, reverse("home"))


@require_POST
@policy_required(NurseVisit, "register_early_leave")
def visit_register(request: HttpRequest, visit_uuid: uuid.UUID) -> HttpResponse:
    """The homeroom teacher writes a visit's early leave to the register with one tap."""
    visit = get_visible_or_404(NurseVisit, request, visit_uuid, "register_early_leave")
    try:
        services.visit_register_early_leave(actor=request.user, visit=visit)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The early leave has been written to the register."))
    return _back(request, reverse("home"))


# --- 保健日誌 and statistics -------------------------------------------------------------------------


def _log_context(request: HttpRequest, school: School, day: dt.date) -> dict[str, Any]:
    log = selectors.daily_log_get(actor=request.user, school=school, day=day)
    records: list[models.Model] = [*log.visits]
    if log.entry is not None:
        records.append(log.entry)
    _log_reads(request, records)
    return {"school": school, "day": day, "log": log, "categories": VisitCategory.choices}


@policy_required(NurseDailyLog, "view")
def daily_log(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """保健日誌 of a day: computed from the records; the nurse adds weather, events and remarks."""
    school = _school(request, school_uuid, "nurse_office")
    day = _day_param(request)
    may_change = registry.allows_any(request.user, NurseDailyLog, "change")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        form = DailyLogForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.daily_log_save(
                    actor=request.user,
                    school=school,
                    day=day,
                    weather=d["weather"],
                    temperature=d["temperature"],
                    humidity=d["humidity"],
                    events=d["events"],
                    remarks=d["remarks"],
                )
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            else:
                messages.success(request, _("Saved the daily log."))
                url = reverse("health:daily_log", args=[school.uuid])
                return HttpResponseRedirect(f"{url}?date={day.isoformat()}")
        else:
            errors = {k: [str(e) for e in v] for k, v in form.errors.items()}
    context = _log_context(request, school, day)
    entry = context["log"].entry
    if request.method != "POST":
        form = DailyLogForm(
            initial={
                "weather": entry.weather,
                "temperature": entry.temperature,
                "humidity": entry.humidity,
                "events": entry.events,
                "remarks": entry.remarks,
            }
            if entry
            else {}
        )
    context.update(
        {
            "form": form,
            "errors": errors,
            "may_change": may_change,
            "weathers": Weather.choices,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1) if day < selectors.checkin_today() else None,
        }
    )
    return render(request, "health/daily_log.html", context)


@policy_required(NurseDailyLog, "view")
def daily_log_pdf(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """The day's 保健日誌 as a one-page A4 PDF to print and file (kept five years)."""
    from tsunagu.core.pdf import pdf_response, render_pdf
    from tsunagu.health.pdf import daily_log_data

    school = _school(request, school_uuid, "nurse_office")
    day = _day_param(request)
    context = _log_context(request, school, day)
    pdf = render_pdf("health/typst/daily_log.typ", daily_log_data(context["log"]))
    return pdf_response(pdf, f"保健日誌_{school.name}_{day.isoformat()}.pdf")


@policy_required(NurseVisit, "view")
def nurse_stats(request: HttpRequest, school_uuid: uuid.UUID) -> HttpResponse:
    """Visit statistics of a month or a school year: by category, weekday, hour and place of injury."""
    school = _school(request, school_uuid, "nurse_office")
    today = selectors.checkin_today()
    year_start = today.year if today.month >= 4 else today.year - 1
    try:
        year = int(request.GET.get("year", year_start))
        month = int(request.GET.get("month", 0))
    except ValueError:
        year, month = year_start, 0
    if not 2000 <= year <= 2100 or not 0 <= month <= 12:
        year, month = year_start, 0
    if month:
        start = dt.date(year if month >= 4 else year + 1, month, 1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    else:
        start, end = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
    stats = selectors.visit_statistics(actor=request.user, school=school, start=start, end=end)
    context = {
        "school": school,
        "stats": stats,
        "year": year,
        "month": month,
        "months": [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3],
        "years": list(range(year_start, year_start - 5, -1)),
        "categories": VisitCategory.choices,
        "places": InjuryPlace.choices,
        "activities": InjuryActivity.choices,
        "outcomes": Outcome.choices,
        "weekdays": ["月", "火", "水", "木", "金"],
        "chart": _stats_chart(stats),
    }
    return render(request, "health/nurse_stats.html", context)


def _stats_chart(stats: selectors.VisitStatistics) -> dict[str, Any]:
    """The data of the page's bar chart (the shared ``barChart`` component): visits per month over a
    year, per hour over a month."""
    if len(stats.by_month) > 1:
        return {
            "labels": [f"{m}月" for (_y, m) in stats.by_month],
            "values": [sum(row.values()) for row in stats.by_month.values()],
        }
    return {"labels": [f"{h}時" for h in stats.by_hour], "values": list(stats.by_hour.values())}
