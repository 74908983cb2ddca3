"""What counts as a second factor, and whether this session has used one.

allauth records every authentication step of a session (password, MFA, passkey) in the session; we
read those records rather than keep a parallel flag, so that a login through any allauth path
(password + TOTP, password + security key, recovery code, passkey) counts the same way.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

#: Authenticator types that are a second factor in their own right. Recovery codes are only a
#: fallback for these and are deleted by allauth when the last real factor is removed.
FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

#: Session key set when the user enrolled a factor in this very session (see ``mark_enrolled``).
ENROLLED_SESSION_KEY = "tsunagu.mfa_enrolled"


def has_second_factor(user: Any) -> bool:
    """True when the user has a TOTP app or a WebAuthn key / passkey registered."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    cache: dict[str, bool] = user.__dict__.setdefault("_tsunagu_mfa", {})
    if "has_factor" not in cache:
        cache["has_factor"] = Authenticator.objects.filter(user_id=user.pk, type__in=FACTOR_TYPES).exists()
    return cache["has_factor"]


def session_used_second_factor(request: HttpRequest, user: Any) -> bool:
    """True when this session was authenticated with a second factor (or enrolled one).

    allauth appends ``{"method": "mfa", "type": ...}`` to the session's authentication records
    when a TOTP code, a recovery code or a security key is accepted at login, and when a passkey
    logs the user in without a password.
    """
    records = get_authentication_records(request, user)
    if any(record.get("method") == "mfa" for record in records):
        return True
    return request.session.get(ENROLLED_SESSION_KEY) == user.pk


def mark_enrolled(request: HttpRequest, user: Any) -> None:
    """Count this session as MFA-verified after the user enrolled a factor in it.

    Enrolling a TOTP app means typing a valid code from it, and adding a security key means using
    it, so the session has just proved possession of the new factor. Without this, a teacher
    who sets up MFA would be logged out at once and miss the recovery codes shown next.
    """
    request.session[ENROLLED_SESSION_KEY] = user.pk


def record_mfa_login(session: SessionBase, user: Any, *, factor: str = "totp") -> None:
    """Write allauth's records of a password + second-factor login into ``session`` (for tests).

    Test clients log in with ``force_login``, which bypasses allauth's login stages; a staff
    user's session then has no MFA record and ``MfaRequiredMiddleware`` would log it out. This
    writes the same records allauth writes after a real password + TOTP login. The caller saves
    the session.
    """
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.userkit import user_id_to_str

    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "username": user.get_username()},
        {"method": "mfa", "at": now, "type": factor},
    ]
    # allauth keeps the records only for the user named under this key.
    session[f"{AUTHENTICATION_METHODS_SESSION_KEY}_user"] = user_id_to_str(user)
