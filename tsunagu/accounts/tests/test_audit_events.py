"""Every authentication event reaches the append-only audit log (SECURITY.md §4)."""

from __future__ import annotations

import pytest
from django.test import Client

from tsunagu.accounts.models import Role
from tsunagu.accounts.tests.conftest import MakeUser, full_login, password_login
from tsunagu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def kinds_for(username: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(actor_username=username).order_by("id").values_list("kind", flat=True)
    )


def test_password_and_totp_login_and_logout_are_logged(client: Client, make_user: MakeUser) -> None:
    teacher = make_user(Role.HOMEROOM_TEACHER, mfa="totp")
    full_login(client, teacher, REMOTE_ADDR="10.3.3.3")
    client.post("/accounts/logout/")
    assert kinds_for(teacher.username) == ["mfa_used", "login", "logout"]
    used = AuditEvent.objects.get(kind="mfa_used", actor_username=teacher.username)
    assert used.detail == {"type": "totp", "reauthenticated": "False", "passwordless": "False"}
    assert used.ip_address == "10.3.3.3"


def test_a_wrong_second_factor_is_logged(client: Client, make_user: MakeUser) -> None:
    teacher = make_user(Role.NURSE, mfa="totp")
    password_login(client, teacher.username)
    client.post("/accounts/2fa/authenticate/", {"code": "not-a-code"})
    event = AuditEvent.objects.get(kind="mfa_failed")
    assert event.actor_username == teacher.username and event.actor is None
    assert event.detail["type"] == "totp"


def test_a_failed_password_is_logged_without_the_password(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    password_login(client, guardian.username, "hunter2-wrong")
    event = AuditEvent.objects.get(kind="login_failed")
    assert event.actor_username == guardian.username
    assert "hunter2" not in str(event.detail) + event.path


def test_control_characters_in_a_user_name_cannot_forge_log_lines(client: Client) -> None:
    password_login(client, "eve\nlogin ok admin", "whatever-password")
    event = AuditEvent.objects.get(kind="login_failed")
    assert "\n" not in event.actor_username
