"""The client's address behind reverse proxies: ``TSUNAGU_TRUSTED_PROXIES`` (docs/deployment.md §2.3).

Behind a proxy, ``REMOTE_ADDR`` is the proxy's address, so django-axes would lock a user name from
everywhere at once and the audit log would record the proxy for every event. Each proxy appends the
address it received the request from to ``X-Forwarded-For``; with N trusted proxies in front of
Django, the Nth entry from the right was written by the outermost one and is the client's address.
Everything left of it was sent by the client and can be anything, so it is never read.

The middleware puts that address into ``REMOTE_ADDR`` before anything else runs, so every reader —
django-axes (which reads only ``REMOTE_ADDR``, ``AXES_IPWARE_META_PRECEDENCE_ORDER``), allauth's rate
limits, ``core.audit`` and the WSGI server's access log (``request.META`` *is* the WSGI environ) —
sees one and the same address. With no trusted proxy the header is ignored: a client could write it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def _clean_ip(value: str) -> str | None:
    """The address in one ``X-Forwarded-For`` entry (a port, and IPv6 brackets, removed), or None."""
    text = value.strip()
    if text.startswith("["):  # "[2001:db8::1]:443"
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # "192.0.2.1:5678"; a bare IPv6 address has several colons
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def forwarded_client_ip(forwarded_for: str, trusted_proxies: int) -> str | None:
    """The client's address in ``X-Forwarded-For`` given the number of trusted proxies, or None.

    None when no proxy is trusted, when the header has fewer entries than there are proxies (the
    request did not come through all of them, so no entry can be trusted as the client's) or when
    the chosen entry is not an IP address.
    """
    if trusted_proxies <= 0 or not forwarded_for:
        return None
    entries = [entry for entry in forwarded_for.split(",") if entry.strip()]
    if len(entries) < trusted_proxies:
        return None
    return _clean_ip(entries[-trusted_proxies])


class TrustedProxyMiddleware:
    """Replaces ``REMOTE_ADDR`` with the client's address from ``X-Forwarded-For`` (first middleware).

    Does nothing unless ``TSUNAGU_TRUSTED_PROXIES`` > 0. When the header cannot be used, the
    connection's own address stays: a wrong guess would let a client choose its address.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Read per request (one attribute lookup), so that tests can change the setting.
        trusted = getattr(settings, "TSUNAGU_TRUSTED_PROXIES", 0)
        if trusted > 0:
            client = forwarded_client_ip(request.META.get("HTTP_X_FORWARDED_FOR", ""), trusted)
            if client is not None:
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)
