"""django-axes hooks: which user name a login attempt is counted against.

Axes locks a (user name, IP address) pair after repeated failures (settings ``AXES_*``). It must see
the same name however the attempt arrives: allauth calls ``authenticate(username=...)`` while its
form posts the field ``login``; the admin form posts ``username``. And since allauth matches user
names case-insensitively, ``Tanaka`` and ``tanaka`` must count as one name, or an attacker gets
five more guesses per spelling.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.http import HttpRequest


def normalise_username(value: Any) -> str | None:
    """The canonical form of a user name for counting failures (NFKC, trimmed, lower case)."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    return text or None


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the attempted user name from the credentials, else from the POST."""
    for source in (credentials or {}, getattr(request, "POST", None) or {}):
        for key in ("username", "login"):
            if source.get(key):
                return normalise_username(source.get(key))
    return None
