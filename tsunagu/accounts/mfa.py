"""What counts as a second factor, and whether this session has used one.

allauth records every authentication step of a session (password, MFA, passkey) in the session; we
read those records rather than keep a parallel flag, so that a login through any allauth path
(password + TOTP, password + security key, recovery code, passkey) counts the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest

from tsunagu.core import crypto

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


def convert_secrets(kind: str, data: dict[str, Any], convert: Callable[[str], str]) -> dict[str, Any]:
    """``data`` of an authenticator of type ``kind`` with ``convert`` applied to each secret in it.

    The secrets are the values allauth (65.x) passes through ``MFAAdapter.encrypt``: a TOTP app's
    ``secret``, the recovery codes' ``seed`` and ``migrated_codes`` (codes imported from an older MFA
    package). WebAuthn data is a public-key credential and is not encrypted by allauth. The input is
    not changed; a new dict is returned.
    """
    converted = dict(data)
    if kind == Authenticator.Type.TOTP and isinstance(data.get("secret"), str):
        converted["secret"] = convert(data["secret"])
    elif kind == Authenticator.Type.RECOVERY_CODES:
        if isinstance(data.get("seed"), str):
            converted["seed"] = convert(data["seed"])
        if isinstance(data.get("migrated_codes"), list):
            converted["migrated_codes"] = [convert(code) for code in data["migrated_codes"]]
    return converted


#: Authenticator types whose data holds secrets (see ``convert_secrets``).
SECRET_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)


class AuthenticatorSecrets:
    """The MFA secrets in ``mfa_authenticator.data``, as a token store of ``manage.py field_keys``.

    They are encrypted by ``MFAAdapter`` inside a JSON column rather than by an encrypted field, so
    ``field_keys`` cannot find them by field class; ``AccountsConfig.token_stores`` names this class
    instead.
    """

    label = "mfa.Authenticator.data"

    def stored_values(self) -> list[str]:
        """Every non-empty secret as stored (a token, or plain text written before encryption)."""
        found: list[str] = []

        def keep(value: str) -> str:
            if value:
                found.append(value)
            return value

        for kind, data in Authenticator.objects.filter(type__in=SECRET_TYPES).values_list("type", "data"):
            convert_secrets(kind, data or {}, keep)
        return found

    def rotate(self) -> int:
        """Re-encrypt plain secrets and secrets under older keys with the current key; the count.

        Each row is locked while it is rewritten: allauth rewrites the whole ``data`` of a recovery
        code row when a code is used, and an unlocked rewrite here could undo that mark and let the
        code be used twice.
        """
        current = crypto.keyring().current
        moved = 0

        def refresh(value: str) -> str:
            nonlocal moved
            if not value or crypto.key_id_of(value) == current:
                return value
            moved += 1
            return crypto.encrypt(crypto.decrypt(value))

        for pk in Authenticator.objects.filter(type__in=SECRET_TYPES).values_list("pk", flat=True):
            with transaction.atomic():
                row = Authenticator.objects.select_for_update().filter(pk=pk).first()
                if row is None:
                    continue  # removed since the list was read
                data = convert_secrets(row.type, row.data or {}, refresh)
                if data != row.data:
                    Authenticator.objects.filter(pk=pk).update(data=data)
        return moved
