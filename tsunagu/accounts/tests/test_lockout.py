"""django-axes locks a (user name, IP) pair after repeated failures, with a cool-off, on every login path."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django.utils import timezone

from tsunagu.accounts.models import Role
from tsunagu.accounts.tests.conftest import PASSWORD, MakeUser, password_login, totp_code
from tsunagu.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT
IP_A = {"REMOTE_ADDR": "10.1.1.1"}
IP_B = {"REMOTE_ADDR": "10.2.2.2"}


def fail_allauth(client: Client, username: str, times: int, ip: dict[str, str]) -> list[int]:
    return [password_login(client, username, "wrong-password", **ip).status_code for _ in range(times)]


def age_attempts(minutes: float) -> None:
    """Move every recorded failure ``minutes`` into the past (the cool-off is measured from them)."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=minutes))


def test_settings_lock_username_and_ip_together_with_a_cool_off() -> None:
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_COOLOFF_TIME and settings.AXES_FAILURE_LIMIT == 5
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_allauth_login_locks_after_the_limit(client: Client, make_user: MakeUser) -> None:
    teacher = make_user(Role.HOMEROOM_TEACHER, mfa="totp")
    statuses = fail_allauth(client, teacher.username, LIMIT, IP_A)
    assert statuses[:-1] == [200] * (LIMIT - 1)  # the form again, with an error
    assert statuses[-1] == 429
    # Now even the right password is refused from this address, with the Japanese lockout page.
    response = password_login(client, teacher.username, **IP_A)
    assert response.status_code == 429
    html = response.content.decode()
    assert "ログインを一時的に停止しています" in html
    assert "15分ほどたってから" in html
    assert "_auth_user_id" not in client.session and "account_authentication_methods" not in client.session
    attempt = AccessAttempt.objects.get()
    assert attempt.username == teacher.username and attempt.ip_address == "10.1.1.1"
    assert "wrong-password" not in attempt.post_data  # axes masks the password


def test_the_same_user_name_from_another_address_still_works(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    fail_allauth(client, guardian.username, LIMIT, IP_A)
    response = password_login(Client(), guardian.username, **IP_B)
    assert response.status_code == 302


def test_another_user_name_from_the_same_address_still_works(client: Client, make_user: MakeUser) -> None:
    attacked = make_user(Role.HOMEROOM_TEACHER)
    colleague = make_user(Role.GUARDIAN)
    fail_allauth(client, attacked.username, LIMIT, IP_A)
    response = password_login(Client(), colleague.username, **IP_A)
    assert response.status_code == 302


def test_login_works_again_after_the_cool_off(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    fail_allauth(client, guardian.username, LIMIT, IP_A)
    assert password_login(client, guardian.username, **IP_A).status_code == 429
    age_attempts(settings.AXES_COOLOFF_TIME * 60 - 1)
    assert password_login(client, guardian.username, **IP_A).status_code == 429  # a minute early
    age_attempts(settings.AXES_COOLOFF_TIME * 60 + 1)
    assert password_login(client, guardian.username, **IP_A).status_code == 302


def test_retrying_during_the_lockout_does_not_extend_it(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    fail_allauth(client, guardian.username, LIMIT, IP_A)
    age_attempts(settings.AXES_COOLOFF_TIME * 60 - 2)
    fail_allauth(client, guardian.username, 3, IP_A)  # refused without being counted
    age_attempts(settings.AXES_COOLOFF_TIME * 60 + 1)
    assert password_login(client, guardian.username, **IP_A).status_code == 302


def test_spellings_of_one_user_name_count_together(client: Client, make_user: MakeUser) -> None:
    make_user(Role.STUDENT, username="hanako7")
    for spelling in ("hanako7", "Hanako7", "HANAKO7", "ｈａｎａｋｏ７", " hanako7 "):
        password_login(client, spelling, "wrong-password", **IP_A)
    assert password_login(client, "hanako7", **IP_A).status_code == 429
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["hanako7"]


def test_success_before_the_limit_resets_the_count(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    fail_allauth(client, guardian.username, LIMIT - 1, IP_A)
    assert password_login(client, guardian.username, **IP_A).status_code == 302
    client.logout()
    statuses = fail_allauth(client, guardian.username, LIMIT - 1, IP_A)
    assert 429 not in statuses


def _admin_form_login(username: str, password: str, ip: str) -> AdminAuthenticationForm:
    """Run Django's admin login form as its view would (the admin site itself redirects to allauth)."""
    request = RequestFactory().post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )
    request.session = SessionStore()
    form = AdminAuthenticationForm(request, data=request.POST)
    form.is_valid()
    return form


def test_every_authenticate_call_is_locked_like_the_admin_form(make_user: MakeUser) -> None:
    admin = make_user(Role.SYSADMIN, is_staff=True)
    for _ in range(LIMIT):
        assert not _admin_form_login(admin.username, "wrong-password", "10.1.1.1").is_valid()
    # Locked for this name from this address, even with the right password …
    assert not _admin_form_login(admin.username, PASSWORD, "10.1.1.1").is_valid()
    # … but not from another address.
    assert _admin_form_login(admin.username, PASSWORD, "10.2.2.2").is_valid()
    # Another name from the locked address still works.
    other = make_user(Role.SYSADMIN, is_staff=True)
    assert _admin_form_login(other.username, PASSWORD, "10.1.1.1").is_valid()
    # After the cool-off the locked pair works again.
    age_attempts(settings.AXES_COOLOFF_TIME * 60 + 1)
    assert _admin_form_login(admin.username, PASSWORD, "10.1.1.1").is_valid()


def test_authenticate_without_a_form_shares_the_allauth_count(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    fail_allauth(client, guardian.username, LIMIT, IP_A)
    request = RequestFactory().post("/api/login", REMOTE_ADDR="10.1.1.1")
    assert authenticate(request, username=guardian.username, password=PASSWORD) is None


def test_failed_logins_are_audited(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    password_login(client, guardian.username, "wrong-password", **IP_A)
    event = AuditEvent.objects.filter(kind="login_failed").latest("id")
    assert event.actor_username == guardian.username
    assert event.ip_address == "10.1.1.1"
    assert "wrong-password" not in str(event.detail)


def test_wrong_mfa_codes_are_limited_per_user(client: Client, make_user: MakeUser) -> None:
    teacher = make_user(Role.HOMEROOM_TEACHER, mfa="totp")
    password_login(client, teacher.username)
    valid = {totp_code(teacher.totp_secret, offset=step) for step in (-1, 0, 1)}
    wrong = next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)
    for _ in range(5):
        client.post("/accounts/2fa/authenticate/", {"code": wrong})
    # The sixth attempt is refused even with the right code: guessing 6 digits stays hopeless.
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(teacher.totp_secret)})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    # Another user is not affected.
    colleague = make_user(Role.HOMEROOM_TEACHER, mfa="totp")
    other = Client()
    password_login(other, colleague.username)
    response = other.post("/accounts/2fa/authenticate/", {"code": totp_code(colleague.totp_secret)})
    assert response.status_code == 302
