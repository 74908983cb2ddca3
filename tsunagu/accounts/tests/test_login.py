"""Logging in through the real allauth pages: Japanese page, password, TOTP, passkey button, admin."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from tsunagu.accounts.models import Role, User
from tsunagu.accounts.tests.conftest import PASSWORD, MakeUser, full_login, password_login, totp_code

pytestmark = pytest.mark.django_db


def test_login_page_is_in_japanese_with_natural_wording(client: Client) -> None:
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in html
    for word in ("ログイン", "ユーザー名", "パスワード", "パスキーでログイン"):
        assert word in html
    assert "Sign In" not in html and "サインイン" not in html


def test_login_page_suits_an_ipad_keyboard(client: Client) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert 'autocapitalize="none"' in html
    assert 'autocorrect="off"' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert 'name="viewport"' in html


def test_sign_up_is_closed(client: Client) -> None:
    response = client.post("/accounts/signup/", {"username": "intruder", "password1": "a-long-password-1"})
    assert response.status_code == 200
    assert not User.objects.filter(username="intruder").exists()


def test_guardian_logs_in_with_password_alone(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    response = password_login(client, guardian.username)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_with_a_japanese_message(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    response = password_login(client, guardian.username, "not-the-password")
    assert response.status_code == 200
    assert "正しくありません" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_full_width_and_capitalised_user_names_log_in(client: Client, make_user: MakeUser) -> None:
    pupil = make_user(Role.STUDENT, username="taro01")
    response = password_login(client, "Ｔａｒｏ０１")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(pupil.pk)


def test_login_gives_the_session_a_new_id(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    password_login(client, guardian.username)
    after = client.session.session_key
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.session["probe"] == 1  # the data moves, the key does not


def test_staff_logs_in_end_to_end_with_password_and_totp(client: Client, make_user: MakeUser) -> None:
    teacher = make_user(Role.HOMEROOM_TEACHER, mfa="totp")
    response = password_login(client, teacher.username)
    # The password alone does not log a staff user in: allauth asks for the code.
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    page = client.get("/accounts/2fa/authenticate/").content.decode()
    assert 'inputmode="numeric"' in page and 'autocomplete="one-time-code"' in page
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(teacher.totp_secret)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/me/").status_code == 200


def test_a_wrong_totp_code_does_not_log_in(client: Client, make_user: MakeUser) -> None:
    teacher = make_user(Role.PRINCIPAL, mfa="totp")
    password_login(client, teacher.username)
    valid = {totp_code(teacher.totp_secret, offset=step) for step in (-1, 0, 1)}
    wrong = next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)
    response = client.post("/accounts/2fa/authenticate/", {"code": wrong})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_returns_to_next(client: Client, make_user: MakeUser) -> None:
    nurse = make_user(Role.NURSE, mfa="totp")
    response = client.post("/accounts/login/?next=/me/", {"login": nurse.username, "password": PASSWORD})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(nurse.totp_secret)})
    assert response["Location"] == "/me/"


def test_admin_login_goes_through_allauth(client: Client, make_user: MakeUser) -> None:
    admin = make_user(Role.SYSADMIN, mfa="totp", is_staff=True, is_superuser=True)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    # Posting a password to the admin's own form logs nobody in: no path around the second factor.
    client.post("/admin/login/?next=/admin/", {"username": admin.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    full_login(client, admin)
    assert client.get("/admin/").status_code == 200
