"""Test helpers for logging a test client in as a user, as the real login would leave the session.

Shared fixtures (``client_as``) should use :func:`force_login` instead of ``client.force_login``:
staff sessions must carry an MFA record, or ``MfaRequiredMiddleware`` ends them.
"""

from __future__ import annotations

from typing import Any

from django.test import Client

from tsunagu.accounts.mfa import record_mfa_login


def force_login(client: Client, user: Any, *, mfa: bool = True) -> Client:
    """Log ``client`` in as ``user``; with ``mfa`` the session counts as password + TOTP verified.

    ``force_login`` fires ``user_logged_in``, so the session also gets its login time and session
    epoch, like a real login.
    """
    client.force_login(user)
    if mfa:
        session = client.session
        record_mfa_login(session, user)
        session.save()
    return client
