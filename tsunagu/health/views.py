"""Pages of the daily health check-in. Thin: access by decorator and ``get_visible_or_404``, rules in
``services``, reads in ``selectors``.

Every page that shows check-ins or talk requests (class I) writes them to the access log. The live
summaries poll with htmx; a poll logs only the records this session has not logged yet today, so that
the log says who saw what without a row per record every twenty seconds.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tsunagu.core.audit import log_access
from tsunagu.core.policy import registry
from tsunagu.core.views import get_visible_or_404, policy_required
from tsunagu.health import selectors, services
from tsunagu.health.forms import PupilCheckInForm, entries_from_post
from tsunagu.health.models import CheckInSession, HealthCheckIn, Mood, Period, Symptom, TalkRequest
from tsunagu.org.models import Homeroom, School
from tsunagu.org.selectors import homeroom_list_current, school_list

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
    _log_reads(
        request,
        [
            *summary.check_ins,
            *(line.talk for line in summary.talk_lines if line.talk),
            *summary.absence_reports,
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
