"""The board's pages of the learning app: the app registry, the quarantine and the monitoring page.

The LRS endpoints themselves are in ``xapi/views.py`` (machines, Basic authentication).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tsunagu.accounts.selectors import actor_assignments
from tsunagu.core.views import get_visible_or_404, policy_required
from tsunagu.learning import selectors, services
from tsunagu.learning.forms import ClientForm, MatchForm
from tsunagu.learning.models import LearningClient, RejectedRequest, XapiAgent


def _board(request: HttpRequest) -> Any:
    """The board the actor works for (their board assignment)."""
    for assignment in actor_assignments(request.user):
        if assignment.role == "board" and assignment.board_id:
            return assignment.board
    raise Http404


def _credentials_page(request: HttpRequest, client: LearningClient, secret: str) -> HttpResponse:
    """The one page that shows a secret: answered directly to the POST, never stored or redirected."""
    response = render(
        request,
        "learning/app_credentials.html",
        {"client": client, "secret": secret, "endpoint": request.build_absolute_uri("/xapi/")},
    )
    response["Cache-Control"] = "no-store"
    return response


@policy_required(LearningClient, "view")
def app_list(request: HttpRequest) -> HttpResponse:
    """The board's learning apps: kind, schools, permissions, state of the credentials, statements."""
    return render(request, "learning/app_list.html", {"clients": selectors.client_list(actor=request.user)})


@policy_required(LearningClient, "add")
def app_create(request: HttpRequest) -> HttpResponse:
    """Register a learning app; the answer shows its key and secret once."""
    board = _board(request)
    form = ClientForm(request.POST or None, board=board)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        client, secret = services.client_register(
            actor=request.user,
            board=board,
            name=data["name"],
            kind=data["kind"],
            all_schools=data["all_schools"],
            schools=data["schools"],
            permissions=data["permissions"],
        )
        return _credentials_page(request, client, secret)
    return render(request, "learning/app_form.html", {"form": form, "client": None})


@policy_required(LearningClient, "change")
def app_detail(request: HttpRequest, client_uuid: str) -> HttpResponse:
    """One learning app: change its name, kind, schools and permissions; rotate or revoke."""
    client = get_visible_or_404(LearningClient, request, client_uuid, "change")
    initial = {
        "name": client.name,
        "kind": client.kind,
        "all_schools": client.all_schools,
        "schools": list(client.schools.all()),
        "permissions": client.permissions,
    }
    form = ClientForm(request.POST or None, board=client.board, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.client_update(
            actor=request.user,
            client=client,
            name=data["name"],
            kind=data["kind"],
            all_schools=data["all_schools"],
            schools=data["schools"],
            permissions=data["permissions"],
        )
        messages.success(request, _("The learning app was saved."))
        return redirect("learning:app_list")
    return render(request, "learning/app_form.html", {"form": form, "client": client})


@require_POST
@policy_required(LearningClient, "change")
def app_rotate(request: HttpRequest, client_uuid: str) -> HttpResponse:
    """Issue a new secret (the old one stops working); the answer shows it once."""
    client = get_visible_or_404(LearningClient, request, client_uuid, "change")
    secret = services.client_rotate(actor=request.user, client=client)
    return _credentials_page(request, client, secret)


@require_POST
@policy_required(LearningClient, "change")
def app_revoke(request: HttpRequest, client_uuid: str) -> HttpResponse:
    """Revoke the app's credentials: its next request is refused (401)."""
    client = get_visible_or_404(LearningClient, request, client_uuid, "change")
    services.client_revoke(actor=request.user, client=client)
    messages.success(request, _("The credentials were revoked."))
    return redirect("learning:app_list")


@policy_required(XapiAgent, "match")
def quarantine(request: HttpRequest) -> HttpResponse:
    """Statement actors not matched to a pupil: match each to a pupil or reject it."""
    context = {"agents": selectors.quarantine_list(actor=request.user), "form": MatchForm()}
    return render(request, "learning/quarantine.html", context)


@require_POST
@policy_required(XapiAgent, "match")
def agent_match(request: HttpRequest, agent_uuid: str) -> HttpResponse:
    """Match a quarantined actor to the pupil with the UUID given."""
    agent = get_visible_or_404(XapiAgent, request, agent_uuid, "match")
    form = MatchForm(request.POST)
    if form.is_valid():
        try:
            services.agent_match(
                actor=request.user, agent=agent, pupil_uuid=str(form.cleaned_data["pupil_uuid"])
            )
        except services.MatchError:
            messages.error(request, _("No pupil has this UUID."))
        else:
            messages.success(request, _("The actor was matched to the pupil."))
    else:
        messages.error(request, _("Enter the pupil's UUID."))
    return redirect("learning:quarantine")


@require_POST
@policy_required(XapiAgent, "match")
def agent_reject(request: HttpRequest, agent_uuid: str) -> HttpResponse:
    """Reject a quarantined actor: its statements stay stored but belong to no pupil."""
    agent = get_visible_or_404(XapiAgent, request, agent_uuid, "match")
    services.agent_reject(actor=request.user, agent=agent)
    messages.success(request, _("The actor was rejected."))
    return redirect("learning:quarantine")


@policy_required(RejectedRequest, "view")
def monitoring(request: HttpRequest) -> HttpResponse:
    """Statements per app per day, refused requests with reasons, the quarantine's size.

    Closed days' counts are taken once and kept (a cache fill: a query when all are counted)."""
    today = timezone.localdate()
    services.statement_days_summarise(since=today - dt.timedelta(days=13), until=today - dt.timedelta(days=2))
    context = {
        "daily": selectors.statements_per_day(actor=request.user),
        "rejected": selectors.rejected_list(actor=request.user),
        "quarantined": selectors.quarantine_count(actor=request.user),
    }
    return render(request, "learning/monitoring.html", context)
