"""Password rules per OWASP ASVS 5.0 §6.2: length, not common, no composition rules, long ones allowed."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from tsunagu.accounts.models import Role, User
from tsunagu.accounts.tests.conftest import PASSWORD, MakeUser, password_login
from tsunagu.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def errors_for(password: str, user: User | None = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [str(e.code) for e in exc.error_list]
    return []


def test_seven_characters_are_too_few_and_eight_are_enough() -> None:
    assert "password_too_short" in errors_for("kq8vzm2")
    assert errors_for("kq8vzm2x") == []


@pytest.mark.parametrize("common", ["password", "12345678", "qwertyuiop", "iloveyou"])
def test_common_passwords_are_refused(common: str) -> None:
    assert "password_too_common" in errors_for(common)


@pytest.mark.parametrize(
    "password",
    [
        "sakuramochi",  # letters only: no composition rule demands digits or symbols
        "すしとてんぷらがだいすき",  # Japanese passphrase
        "tsukimi dango no yoru",  # spaces are fine
        "x" * 30 + "y" * 34,  # 64 characters
        "long passphrase " * 8,  # 128 characters
    ],
)
def test_long_and_simple_looking_passphrases_are_allowed(password: str) -> None:
    assert len(password) <= 128
    assert errors_for(password) == []


def test_more_than_128_characters_are_refused() -> None:
    assert "password_too_long" in errors_for("a-long-passphrase-" * 7 + "abc")  # 129


def test_a_password_like_the_user_name_is_refused(make_user: MakeUser) -> None:
    user = make_user(Role.GUARDIAN, username="yamadahanako")
    assert "password_too_similar" in errors_for("yamadahanako1", user)


def test_no_composition_or_rotation_rules_are_configured() -> None:
    validators = cast(list[dict[str, Any]], settings.AUTH_PASSWORD_VALIDATORS)
    names = {v["NAME"].rsplit(".", 1)[-1] for v in validators}
    assert names == {
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "UserAttributeSimilarityValidator",
        "MaximumLengthValidator",
    }
    assert not hasattr(settings, "PASSWORD_EXPIRY_DAYS")


def test_changing_the_password_through_the_page_applies_the_rules(
    client: Client, make_user: MakeUser
) -> None:
    guardian = make_user(Role.GUARDIAN)
    password_login(client, guardian.username)
    page = client.get("/accounts/password/change/")
    assert page.status_code == 200
    short = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "kq8vzm2", "password2": "kq8vzm2"},
    )
    assert short.status_code == 200
    assert "短すぎ" in short.content.decode()  # Django's Japanese message: このパスワードは短すぎます
    new = "tsukimi dango no yoru"
    response = client.post(
        "/accounts/password/change/", {"oldpassword": PASSWORD, "password1": new, "password2": new}
    )
    assert response.status_code == 302
    guardian.refresh_from_db()
    assert guardian.check_password(new)
    assert client.get("/me/").status_code == 200  # this session stays logged in
    assert AuditEvent.objects.filter(kind="password_changed", actor_username=guardian.username).exists()


def test_a_password_change_ends_the_other_sessions(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    other = Client()
    password_login(other, guardian.username)
    password_login(client, guardian.username)
    new = "tsukimi dango no yoru"
    client.post("/accounts/password/change/", {"oldpassword": PASSWORD, "password1": new, "password2": new})
    assert other.get("/me/").status_code == 302
