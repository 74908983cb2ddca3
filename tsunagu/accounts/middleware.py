"""Session lifetime and MFA enforcement, applied to every request after authentication.

``SessionLifetimeMiddleware`` ends sessions after the idle or absolute timeout, or when the account
moved to a new session epoch (disabled, roles changed). ``MfaRequiredMiddleware`` keeps staff without
a second factor on the enrolment pages, and ends staff sessions that did not use their factor.
Both answer an htmx request with 401 and an ``HX-Redirect`` header instead of a redirect, so the
whole page goes to the login, not a fragment of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tsunagu.accounts import drafts, session
from tsunagu.accounts.mfa import has_second_factor, session_used_second_factor
from tsunagu.accounts.selectors import is_staff_actor
from tsunagu.core.audit import audit_event

logger = logging.getLogger("tsunagu.accounts")

#: URL names a staff user without a second factor may still open: the enrolment pages, the password
#: re-entry that allauth asks for before adding a factor, logout and the language switch.
MFA_SETUP_URL_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "account_reauthenticate",
        "account_logout",
        "set_language",
    }
)


def is_htmx(request: HttpRequest) -> bool:
    """True for a request made by htmx (it sends ``HX-Request: true``)."""
    return request.headers.get("HX-Request") == "true"


def _is_static(request: HttpRequest) -> bool:
    static_url = settings.STATIC_URL or "/static/"
    if not static_url.startswith("/"):
        static_url = "/" + static_url
    return request.path.startswith(static_url)


def page_path(request: HttpRequest) -> str:
    """The path (with query) of the page the user is on.

    For htmx requests that is the page that issued the request (``HX-Current-URL``), not the
    fragment URL: after logging in again the user should land back on the page. Only the path of
    that header is used, so it cannot point to another site.
    """
    if is_htmx(request):
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        if current.path.startswith("/") and not current.path.startswith("//"):
            return current.path + (f"?{current.query}" if current.query else "")
    return request.get_full_path()


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect the browser to ``url``: 302 normally, 401 + ``HX-Redirect`` for htmx."""
    if is_htmx(request):
        response = HttpResponse(status=401)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _login_url(next_path: str) -> str:
    """The login URL with ``next``, encoded like Django's ``redirect_to_login`` (slashes kept)."""
    query = QueryDict(mutable=True)
    query["next"] = next_path
    return f"{resolve_url(settings.LOGIN_URL)}?{query.urlencode(safe='/')}"


class SessionLifetimeMiddleware:
    """Ends sessions after idle/absolute timeouts or when the account's session epoch changes.

    On a timeout the user is sent to the login page with ``next`` pointing back to the page, and
    a timed-out POST is kept as a draft (``tsunagu.accounts.drafts``) to be offered again.
    """

    MESSAGES = {
        "idle": gettext_noop("You were logged out after a period of inactivity. Please log in again."),
        "absolute": gettext_noop("Your session reached its maximum length. Please log in again."),
        "epoch": gettext_noop("Your account was changed, so you were logged out. Please log in again."),
        "unstamped": gettext_noop("Please log in again."),
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or _is_static(request):
            return self.get_response(request)
        if user.is_authenticated:
            reason = session.expiry_reason(request, user)
            if reason is not None:
                return self.end_session(request, user, reason)
            session.touch(request)
        elif SESSION_KEY in request.session:
            # Django refused the session's user (account disabled or deleted) and treats the request
            # as anonymous; delete the leftover session rather than keep it until it expires.
            audit_event(
                kind="session_ended",
                request=request,
                detail={"reason": "account_unavailable", "user_id": request.session[SESSION_KEY]},
            )
            request.session.flush()
        return self._htmx_login_redirect(request, self.get_response(request))

    @staticmethod
    def _htmx_login_redirect(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Turn a view's redirect to the login page into 401 + ``HX-Redirect`` for htmx.

        Otherwise htmx would follow the redirect and swap the login page into a fragment of the
        page (a second htmx request after the session ended lands here, for example).
        """
        if not is_htmx(request) or response.status_code != 302:
            return response
        login_path = resolve_url(settings.LOGIN_URL)
        if urlsplit(response.get("Location", "")).path != login_path:
            return response
        return _redirect(request, _login_url(page_path(request)))

    def end_session(self, request: HttpRequest, user: Any, reason: str) -> HttpResponse:
        """Log the user out and send them to the login page, with ``next`` and any draft kept."""
        next_path = page_path(request)
        audit_event(kind="session_ended", actor=user, request=request, detail={"reason": reason})
        logout(request)
        if reason in {"idle", "absolute"}:
            drafts.stash_draft(request, page=next_path.split("?", 1)[0])
        messages.info(request, _(self.MESSAGES[reason]))
        return _redirect(request, _login_url(next_path))


class MfaRequiredMiddleware:
    """Keeps staff without a verified second factor out of everything but MFA setup (SECURITY.md §2).

    - Staff (``is_staff_actor``) without a TOTP app or security key reach only the enrolment pages
      (``MFA_SETUP_URL_NAMES``), static files and the language switch; anything else redirects
      to the MFA page with a message.
    - Staff with a factor whose session did not use one (e.g. logged in through some path that
      skipped allauth's MFA stage) are logged out and sent to the login page.
    - Guardians and pupils may use MFA but are not required to.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _is_static(request) or not is_staff_actor(user):
            return self.get_response(request)
        if not has_second_factor(user):
            if self._url_name(request) in MFA_SETUP_URL_NAMES:
                return self.get_response(request)
            messages.warning(
                request,
                _(
                    "Staff accounts must use two-factor authentication. Set up an authenticator "
                    "app or a passkey to continue."
                ),
            )
            return _redirect(request, reverse("mfa_index"))
        if session_used_second_factor(request, user):
            return self.get_response(request)
        next_path = page_path(request)
        audit_event(kind="mfa_session_refused", actor=user, request=request)
        logout(request)
        messages.warning(request, _("Please log in again with your second factor."))
        return _redirect(request, _login_url(next_path))

    @staticmethod
    def _url_name(request: HttpRequest) -> str | None:
        try:
            return resolve(request.path_info).url_name
        except Resolver404:
            return None
