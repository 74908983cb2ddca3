"""Writes about user accounts: disabling an account and ending its sessions."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from tsunagu.accounts.models import User
from tsunagu.core.audit import audit_event


def user_session_epoch_bump(*, user: User) -> int:
    """End every session of ``user`` by moving the account to a new session epoch; returns it.

    Each session remembers the epoch it was created under (``SessionLifetimeMiddleware``); the
    next request of an older session is logged out. Call this whenever the account is disabled or
    its roles change. The increment happens in the database, so concurrent bumps are not lost.
    """
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    return user.session_epoch


@transaction.atomic
def user_disable(*, user: User, by: Any, reason: str = "") -> User:
    """Disable ``user``'s account: no more logins, and every open session ends at its next request."""
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    user_session_epoch_bump(user=user)
    audit_event(
        kind="account_disabled",
        actor=by,
        detail={"user": user.get_username(), "reason": reason},
    )
    return user
