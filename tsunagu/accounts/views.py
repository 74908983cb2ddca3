"""Account pages of our own (login, MFA and password pages are allauth's)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tsunagu.accounts.selectors import actor_assignments_this_year, actor_mfa_status, assignment_scope_label


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """「マイアカウント」: this year's roles, the second factors, and links to change them."""
    assignments = actor_assignments_this_year(request.user)
    roles = [{"assignment": a, "scope": assignment_scope_label(a)} for a in assignments]
    return render(
        request,
        "accounts/profile.html",
        {"roles": roles, "mfa": actor_mfa_status(request.user)},
    )
