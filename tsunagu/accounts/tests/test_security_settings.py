"""Secure cookies and headers: the production profile, __Host- cookies, CSP, no-store (SECURITY.md §2)."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tsunagu.accounts.models import Role
from tsunagu.accounts.testing import force_login
from tsunagu.accounts.tests.conftest import MakeUser, password_login
from tsunagu.core.tests.environments import PRODUCTION_ENV, run_settings

pytestmark = pytest.mark.django_db


def run_production(*args: str) -> subprocess.CompletedProcess[str]:
    """Run Python with the production profile (and nothing of the test run's TSUNAGU_* environment)."""
    return run_settings(PRODUCTION_ENV, *args)


def test_production_settings_pass_the_deploy_check_at_warning_level() -> None:
    result = run_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_cookies_are_host_prefixed_secure_and_http_only() -> None:
    script = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({k: getattr(s, k) for k in ["
        "'SESSION_COOKIE_NAME','CSRF_COOKIE_NAME','SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE',"
        "'SESSION_COOKIE_HTTPONLY','SESSION_COOKIE_SAMESITE','CSRF_COOKIE_SAMESITE','SESSION_COOKIE_DOMAIN',"
        "'CSRF_COOKIE_DOMAIN','SECURE_HSTS_SECONDS','SECURE_SSL_REDIRECT','DEBUG','TSUNAGU_DEMO_ENABLED',"
        "'MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN']}))"
    )
    result = run_production("-c", script)
    assert result.returncode == 0, result.stderr
    prod = json.loads(result.stdout.strip().splitlines()[-1])
    assert prod["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert prod["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert prod["SESSION_COOKIE_SECURE"] and prod["CSRF_COOKIE_SECURE"] and prod["SESSION_COOKIE_HTTPONLY"]
    assert prod["SESSION_COOKIE_SAMESITE"] == "Lax" and prod["CSRF_COOKIE_SAMESITE"] == "Lax"
    # __Host- cookies must not name a domain.
    assert prod["SESSION_COOKIE_DOMAIN"] is None and prod["CSRF_COOKIE_DOMAIN"] is None
    assert prod["SECURE_HSTS_SECONDS"] >= 31536000 and prod["SECURE_SSL_REDIRECT"]
    assert prod["DEBUG"] is False and prod["TSUNAGU_DEMO_ENABLED"] is False
    assert prod["MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN"] is False


@override_settings(
    SESSION_COOKIE_NAME="__Host-tsunagu-session",
    CSRF_COOKIE_NAME="__Host-tsunagu-csrf",
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
)
def test_login_over_https_sets_a_valid_host_cookie(make_user: MakeUser) -> None:
    client = Client(enforce_csrf_checks=False)
    guardian = make_user(Role.GUARDIAN)
    response = password_login(client, guardian.username, secure=True)
    assert response.status_code == 302
    cookie = response.cookies["__Host-tsunagu-session"]
    # What browsers demand of a __Host- cookie: Secure, Path=/, no Domain.
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"]  # ends with the browser session


def test_every_page_gets_the_security_headers(client: Client) -> None:
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_pages_for_a_logged_in_user_are_not_stored(client: Client, make_user: MakeUser) -> None:
    teacher = make_user(Role.HOMEROOM_TEACHER, mfa="totp")
    force_login(client, teacher)
    for path in ("/", "/me/", "/accounts/2fa/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], path


def test_the_lockout_page_carries_the_headers_too(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = password_login(client, guardian.username, "wrong-password")
    assert response.status_code == 429
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def _csp_violations(html: str) -> list[str]:
    """Inline code the strict CSP would block: inline scripts (other than JSON data) and style attributes."""
    problems = []
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
        if "src=" not in attrs and 'type="application/json"' not in attrs and body.strip():
            problems.append(f"inline script: {body.strip()[:60]}")
    problems += [f"style attribute: {m[:60]}" for m in re.findall(r"<[^>]+\sstyle=\"[^\"]*\"", html)]
    problems += [f"event handler: {m[:60]}" for m in re.findall(r"<[^>]+\son[a-z]+=\"", html)]
    return problems


def test_account_pages_contain_nothing_the_csp_would_block(client: Client, make_user: MakeUser) -> None:
    assert _csp_violations(client.get("/accounts/login/").content.decode()) == []
    teacher = make_user(Role.HOMEROOM_TEACHER)
    password_login(client, teacher.username)
    assert _csp_violations(client.get("/accounts/2fa/").content.decode()) == []
    pupil = make_user(Role.STUDENT, mfa="totp")
    force_login(client, pupil)
    for path in ("/me/", "/accounts/2fa/", "/accounts/password/change/"):
        assert _csp_violations(client.get(path).content.decode()) == [], path


def test_production_refuses_to_start_without_field_keys() -> None:
    """Class-I text must not be encrypted with a key derived from SECRET_KEY in production (0020)."""
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "TSUNAGU_FIELD_KEYS"}
    result = run_settings(env, "-c", "import django; django.setup()")
    assert result.returncode != 0 and "TSUNAGU_FIELD_KEYS" in result.stderr
