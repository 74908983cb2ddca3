"""The client's address behind reverse proxies (TSUNAGU_TRUSTED_PROXIES, tsunagu.core.proxy).

With trusted proxies, django-axes, the audit log and the WSGI environ (the server's access log) all
see the address the outermost proxy wrote; without, X-Forwarded-For is ignored, so a client cannot
dodge a lockout by inventing addresses.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from tsunagu.accounts.models import User
from tsunagu.core.models import AuditEvent
from tsunagu.core.proxy import forwarded_client_ip

LIMIT = settings.AXES_FAILURE_LIMIT
PROXY = "10.9.9.9"  # the reverse proxy, as Django's socket sees it


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """allauth's rate-limit counters live in the cache; start each test with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pupil(db: Any, settings: Any) -> User:
    """An account to guess passwords for; cheap hashing, since each failure hashes once."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = User(username="proxy.pupil")
    user.set_password("hikari-sakura-2026")
    user.save()
    return user


def fail(client: Client, username: str, forwarded_for: str | None) -> int:
    """One wrong password through the real login form, arriving from the proxy."""
    extra: dict[str, Any] = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    response = client.post("/accounts/login/", {"login": username, "password": "wrong"}, **extra)
    return response.status_code


@pytest.mark.parametrize(
    ("header", "proxies", "expected"),
    [
        ("203.0.113.5", 1, "203.0.113.5"),
        # The client sent a header of its own; the proxy appended the real address.
        ("1.2.3.4, 203.0.113.5", 1, "203.0.113.5"),
        # Two proxies: the outer one wrote the client's address, the inner one the outer proxy's.
        ("1.2.3.4, 203.0.113.5, 10.0.0.2", 2, "203.0.113.5"),
        ("203.0.113.5:51234", 1, "203.0.113.5"),
        ("[2001:db8::7]:443", 1, "2001:db8::7"),
        ("2001:db8::7", 1, "2001:db8::7"),
        # Fewer entries than proxies: the request bypassed one, nothing is trustworthy.
        ("203.0.113.5", 2, None),
        ("not-an-address", 1, None),
        ("", 1, None),
        ("203.0.113.5", 0, None),
    ],
)
def test_the_nth_entry_from_the_right_is_the_client(header: str, proxies: int, expected: str | None) -> None:
    assert forwarded_client_ip(header, proxies) == expected


def test_the_proxy_middleware_comes_first() -> None:
    assert settings.MIDDLEWARE[0] == "tsunagu.core.proxy.TrustedProxyMiddleware"
    assert settings.TSUNAGU_TRUSTED_PROXIES == 0  # the default: no header is believed
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0  # REMOTE_ADDR is already the client's


def test_behind_a_trusted_proxy_the_lockout_is_keyed_on_the_forwarded_address(
    settings: Any, pupil: User
) -> None:
    settings.TSUNAGU_TRUSTED_PROXIES = 1
    client = Client()
    # The client tries to pose as someone else with a header of its own; the proxy appends the truth.
    statuses = [fail(client, pupil.username, "192.0.2.66, 198.51.100.7") for _ in range(LIMIT)]
    assert statuses[-1] == 429
    attempt = AccessAttempt.objects.get()
    assert attempt.ip_address == "198.51.100.7"
    events = AuditEvent.objects.filter(kind="login_failed", actor_username=pupil.username)
    assert set(events.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    # The same user name from another client behind the same proxy is not locked out.
    assert fail(Client(), pupil.username, "198.51.100.8") == 200
    # The locked-out client stays locked, whatever it writes into the header.
    assert fail(Client(), pupil.username, "198.51.100.8, 198.51.100.7") == 429


def test_without_trusted_proxies_the_header_is_ignored(settings: Any, pupil: User) -> None:
    settings.TSUNAGU_TRUSTED_PROXIES = 0
    # A spoofing attempt: a new invented address for every guess must not reset the count.
    statuses = [fail(Client(), pupil.username, f"198.51.100.{n}") for n in range(LIMIT)]
    assert statuses[-1] == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [PROXY]
    events = AuditEvent.objects.filter(kind="login_failed", actor_username=pupil.username)
    assert set(events.values_list("ip_address", flat=True)) == {PROXY}
    assert fail(Client(), pupil.username, "203.0.113.99") == 429


def test_the_wsgi_environ_carries_the_client_address_for_the_access_log(settings: Any, db: Any) -> None:
    """The WSGI server logs ``environ["REMOTE_ADDR"]`` after the response; Django's META is that dict."""
    from django.core.handlers.wsgi import WSGIHandler

    settings.TSUNAGU_TRUSTED_PROXIES = 1
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/accounts/login/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": PROXY,
        "HTTP_X_FORWARDED_FOR": "192.0.2.66, 198.51.100.7",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        return None

    WSGIHandler()(environ, start_response).close()
    assert environ["REMOTE_ADDR"] == "198.51.100.7"
