"""Session lifetime rules: idle and absolute timeouts, and the account's session epoch.

At login the session records when it started and under which ``User.session_epoch``; every request
checks the three rules (``SessionLifetimeMiddleware``).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest

LOGIN_AT_KEY = "tsunagu.login_at"
LAST_SEEN_KEY = "tsunagu.last_seen"
EPOCH_KEY = "tsunagu.session_epoch"

#: Activity is written to the session at most this often (seconds): writing it on every request
#: would turn every page view into a session UPDATE, and a minute is fine against a 30-minute limit.
LAST_SEEN_RESOLUTION = 60


def start_session(request: HttpRequest, user: Any) -> None:
    """Stamp a freshly logged-in session with its start time and the account's epoch."""
    now = time.time()
    request.session[LOGIN_AT_KEY] = now
    request.session[LAST_SEEN_KEY] = now
    request.session[EPOCH_KEY] = user.session_epoch


def expiry_reason(request: HttpRequest, user: Any, now: float | None = None) -> str | None:
    """Why this authenticated session must end now (``"absolute"``, ``"idle"``, ``"epoch"``), or None.

    A session without our stamps (made before they existed, or by some path that skipped the
    login signal) is treated as expired: failing closed costs one extra login.
    """
    now = time.time() if now is None else now
    session = request.session
    login_at = session.get(LOGIN_AT_KEY)
    last_seen = session.get(LAST_SEEN_KEY)
    epoch = session.get(EPOCH_KEY)
    if login_at is None or last_seen is None or epoch is None:
        return "unstamped"
    if epoch != user.session_epoch:
        return "epoch"
    if now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT:
        return "absolute"
    if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    return None


def touch(request: HttpRequest, now: float | None = None) -> None:
    """Record activity, at most once per ``LAST_SEEN_RESOLUTION`` seconds."""
    now = time.time() if now is None else now
    last_seen = request.session.get(LAST_SEEN_KEY) or 0
    if now - last_seen >= LAST_SEEN_RESOLUTION:
        request.session[LAST_SEEN_KEY] = now
