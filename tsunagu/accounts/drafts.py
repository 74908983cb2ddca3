"""Keep a form's input across a session timeout, so half-typed grades are not lost (SECURITY.md §2).

When a POST arrives on a session that has just timed out, ``SessionLifetimeMiddleware`` logs the
user out and stashes the submitted fields in the new, anonymous session. Django keeps session data
across the following login (it only changes the session key), so after logging in again the page
named by ``next`` can take the draft back with :func:`take_draft` and show it for saving.
"""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest, QueryDict

DRAFT_SESSION_KEY = "tsunagu.draft"

#: Drafts older than this (seconds) are discarded rather than shown.
DRAFT_MAX_AGE = 2 * 60 * 60

#: Upper bound on the stashed text, so a large upload cannot bloat the session table.
DRAFT_MAX_CHARS = 64 * 1024

#: Fields never kept: the CSRF token (stale after logout) and anything that looks like a secret.
_SKIPPED_FIELDS = ("csrfmiddlewaretoken",)
_SECRET_MARKERS = ("password", "secret", "token")


def _is_kept(name: str) -> bool:
    lowered = name.lower()
    return name not in _SKIPPED_FIELDS and not any(marker in lowered for marker in _SECRET_MARKERS)


def stash_draft(request: HttpRequest, *, page: str | None = None) -> bool:
    """Keep the POSTed fields of ``request``; False when there was nothing to keep.

    The draft is found again under the path it was posted to, or under ``page`` (the page the user
    was on, when an htmx request posted to a fragment URL). Call after logout: the data goes into
    the new session. Files are not kept.
    """
    if request.method != "POST":
        return False
    fields: list[list[str]] = []
    size = 0
    for name, values in request.POST.lists():
        if not _is_kept(name):
            continue
        for value in values:
            size += len(name) + len(value)
            if size > DRAFT_MAX_CHARS:
                return False
            fields.append([name, value])
    if not fields:
        return False
    paths = [request.path] + ([page] if page and page != request.path else [])
    request.session[DRAFT_SESSION_KEY] = {"paths": paths, "at": time.time(), "fields": fields}
    return True


def take_draft(request: HttpRequest, *, path: str | None = None) -> QueryDict | None:
    """Return and forget the draft stashed for ``path`` (default: this request's path), if any.

    A view restores it as its form's initial data; the user checks it and saves again, now with a
    fresh session and CSRF token.
    """
    draft: dict[str, Any] | None = request.session.get(DRAFT_SESSION_KEY)
    if not draft or (path or request.path) not in draft.get("paths", ()):
        return None
    del request.session[DRAFT_SESSION_KEY]
    if time.time() - float(draft.get("at", 0)) > DRAFT_MAX_AGE:
        return None
    data = QueryDict(mutable=True)
    for name, value in draft.get("fields", []):
        data.appendlist(name, value)
    data._mutable = False
    return data
