"""Signal receivers: stamp new sessions, and write MFA and password events to the audit log.

Logins, logouts and failed logins are audited by ``tsunagu.core.audit``; this adds what allauth
signals about second factors and passwords (SECURITY.md §4: every authentication event).
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.http import HttpRequest

from tsunagu.accounts.mfa import FACTOR_TYPES, mark_enrolled
from tsunagu.accounts.session import start_session
from tsunagu.core.audit import audit_event


def _on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **_: Any) -> None:
    # Django's login() has already given the session a new key (no session fixation).
    if request is not None and hasattr(request, "session"):
        start_session(request, user)


def _on_authenticator_added(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **_: Any
) -> None:
    audit_event(kind="mfa_added", actor=user, request=request, detail={"type": authenticator.type})
    if authenticator.type in FACTOR_TYPES and getattr(request, "user", None) == user:
        mark_enrolled(request, user)


def _on_authenticator_removed(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **_: Any
) -> None:
    audit_event(kind="mfa_removed", actor=user, request=request, detail={"type": authenticator.type})


def _on_authenticator_reset(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **_: Any
) -> None:
    audit_event(kind="mfa_reset", actor=user, request=request, detail={"type": authenticator.type})


def _on_authenticator_used(
    sender: Any,
    request: HttpRequest,
    user: Any,
    authenticator: Any,
    reauthenticated: bool = False,
    passwordless: bool = False,
    **_: Any,
) -> None:
    audit_event(
        kind="mfa_used",
        actor=user,
        request=request,
        detail={"type": authenticator.type, "reauthenticated": reauthenticated, "passwordless": passwordless},
    )


def _on_mfa_failed(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, reauthentication: bool = False, **_: Any
) -> None:
    audit_event(
        kind="mfa_failed",
        request=request,
        username=user.get_username(),
        detail={"type": authenticator.type, "reauthentication": reauthentication},
    )


def _on_password_changed(sender: Any, request: HttpRequest, user: Any, **_: Any) -> None:
    audit_event(kind="password_changed", actor=user, request=request)


def _on_role_assignment_changed(sender: Any, instance: Any, **_: Any) -> None:
    """A role granted, changed or taken away ends the user's sessions (SECURITY.md §2), whichever
    path made the change (services, the admin, imports)."""
    from tsunagu.accounts.services import user_session_epoch_bump

    user = getattr(instance, "user", None)
    if user is not None:
        user_session_epoch_bump(user=user)


def connect() -> None:
    """Connect the receivers (called from ``AccountsConfig.ready``)."""
    auth_signals.user_logged_in.connect(_on_logged_in, dispatch_uid="tsunagu_session_start")
    mfa_signals.authenticator_added.connect(_on_authenticator_added, dispatch_uid="tsunagu_mfa_added")
    mfa_signals.authenticator_removed.connect(_on_authenticator_removed, dispatch_uid="tsunagu_mfa_removed")
    mfa_signals.authenticator_reset.connect(_on_authenticator_reset, dispatch_uid="tsunagu_mfa_reset")
    mfa_signals.authenticator_used.connect(_on_authenticator_used, dispatch_uid="tsunagu_mfa_used")
    mfa_signals.authentication_failed.connect(_on_mfa_failed, dispatch_uid="tsunagu_mfa_failed")
    account_signals.password_changed.connect(_on_password_changed, dispatch_uid="tsunagu_password_changed")
    from django.db.models import signals as model_signals

    from tsunagu.accounts.models import RoleAssignment

    for signal in (model_signals.post_save, model_signals.post_delete):
        signal.connect(
            _on_role_assignment_changed, sender=RoleAssignment, dispatch_uid=f"tsunagu_roles_{signal}"
        )
