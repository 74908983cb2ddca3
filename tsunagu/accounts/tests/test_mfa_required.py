"""MFA is required for every staff role (SECURITY.md §2), optional for guardians and pupils."""

from __future__ import annotations

import re
import time

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.contrib.messages import get_messages
from django.test import Client

from tsunagu.accounts.models import Role
from tsunagu.accounts.testing import force_login
from tsunagu.accounts.tests.conftest import (
    FAMILY_ROLES,
    PASSWORD,
    STAFF_ROLES,
    MakeUser,
    full_login,
    password_login,
    totp_code,
)
from tsunagu.core.models import AuditEvent

pytestmark = pytest.mark.django_db

MFA_INDEX = "/accounts/2fa/"
ACTIVATE_TOTP = "/accounts/2fa/totp/activate/"


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_without_authenticator_is_sent_to_mfa_setup(
    client: Client, make_user: MakeUser, role: str
) -> None:
    user = make_user(role)
    force_login(client, user, mfa=False)
    for path in ("/", "/me/", "/accounts/password/change/", "/admin/", "/no-such-page/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == MFA_INDEX, path
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("多要素認証が必要です" in m for m in messages)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_with_authenticator_but_no_mfa_in_session_is_logged_out(
    client: Client, make_user: MakeUser, role: str
) -> None:
    user = make_user(role, mfa="totp")
    client.force_login(user)  # a session that skipped allauth's MFA stage
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/me/"
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(kind="mfa_session_refused", actor_username=user.username).exists()


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_with_mfa_in_session_passes(client: Client, make_user: MakeUser, role: str) -> None:
    user = make_user(role, mfa="totp")
    force_login(client, user)
    assert client.get("/").status_code == 200
    assert client.get("/me/").status_code == 200


@pytest.mark.parametrize("role", FAMILY_ROLES)
def test_guardians_and_pupils_pass_without_mfa(client: Client, make_user: MakeUser, role: str) -> None:
    user = make_user(role)
    password_login(client, user.username)
    assert client.get("/").status_code == 200
    assert client.get("/me/").status_code == 200


def test_pupil_may_use_mfa_and_is_then_asked_for_the_code(client: Client, make_user: MakeUser) -> None:
    pupil = make_user(Role.STUDENT, mfa="totp")
    response = password_login(client, pupil.username)
    assert response["Location"] == "/accounts/2fa/authenticate/"


def test_django_admin_staff_flag_alone_requires_mfa(client: Client, make_user: MakeUser) -> None:
    admin = make_user(None, is_staff=True)
    force_login(client, admin, mfa=False)
    assert client.get("/admin/")["Location"] == MFA_INDEX


def test_staff_without_authenticator_reaches_only_mfa_setup(client: Client, make_user: MakeUser) -> None:
    teacher = make_user(Role.HOMEROOM_TEACHER)
    password_login(client, teacher.username)
    index = client.get(MFA_INDEX)
    assert index.status_code == 200
    assert "このページだけが使えます" in index.content.decode()
    # Adding a factor asks for the password again (allauth's re-authentication), which is allowed.
    response = client.get(ACTIVATE_TOTP)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    assert client.get(response["Location"]).status_code == 200
    assert client.get("/accounts/2fa/webauthn/add/").status_code in {200, 302}
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert client.get("/static/css/tsunagu.css").status_code in {200, 404}  # never redirected
    # Logout works.
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_enrols_totp_and_then_works_normally(
    client: Client, make_user: MakeUser, django_capture_on_commit_callbacks
) -> None:
    teacher = make_user(Role.SUBJECT_TEACHER)
    password_login(client, teacher.username)
    response = client.get(ACTIVATE_TOTP, follow=True)  # via re-authentication
    assert response.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")
    response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == ACTIVATE_TOTP
    page = client.get(ACTIVATE_TOTP)
    assert page.status_code == 200
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.content.decode())
    assert secret, "the set-up page shows the secret"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ACTIVATE_TOTP, {"code": totp_code(secret.group(1))})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    # The session that enrolled the factor counts as verified: the recovery codes and the rest open.
    assert client.get("/accounts/2fa/recovery-codes/").status_code == 200
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(kind="mfa_added", actor_username=teacher.username).exists()
    # Another session that only typed the password is not verified: it must give the code.
    other = Client()
    assert password_login(other, teacher.username)["Location"] == "/accounts/2fa/authenticate/"


def test_changing_factors_needs_recent_reauthentication(client: Client, make_user: MakeUser) -> None:
    teacher = make_user(Role.PRINCIPAL, mfa="totp")
    full_login(client, teacher)
    # Pretend the login happened long ago: allauth asks again before the factor may be removed.
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] = time.time() - 3600
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert "reauthenticate" in response["Location"]
    assert Authenticator.objects.filter(user=teacher, type="totp").exists()


def test_staff_cannot_switch_off_their_only_second_factor(client: Client, make_user: MakeUser) -> None:
    teacher = make_user(Role.NURSE, mfa="totp")
    full_login(client, teacher)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        *session[AUTHENTICATION_METHODS_SESSION_KEY],
        {"method": "mfa", "type": "totp", "at": time.time(), "reauthenticated": True},
    ]
    session.save()
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 200
    assert Authenticator.objects.filter(user=teacher, type="totp").exists()


def test_a_pupil_may_switch_off_mfa(client: Client, make_user: MakeUser) -> None:
    pupil = make_user(Role.STUDENT, mfa="totp")
    full_login(client, pupil)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        *session[AUTHENTICATION_METHODS_SESSION_KEY],
        {"method": "mfa", "type": "totp", "at": time.time(), "reauthenticated": True},
    ]
    session.save()
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=pupil, type="totp").exists()
    assert AuditEvent.objects.filter(kind="mfa_removed", actor_username=pupil.username).exists()


def test_security_key_counts_as_a_second_factor(client: Client, make_user: MakeUser) -> None:
    office = make_user(Role.OFFICE, mfa="webauthn")
    client.force_login(office)
    assert client.get("/")["Location"].startswith("/accounts/login/")  # has a factor, did not use it
    force_login(client, office)
    assert client.get("/").status_code == 200


def test_htmx_request_of_staff_without_factor_gets_hx_redirect(client: Client, make_user: MakeUser) -> None:
    teacher = make_user(Role.GRADE_HEAD)
    force_login(client, teacher, mfa=False)
    response = client.get("/me/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response["HX-Redirect"] == MFA_INDEX


def test_every_setup_page_name_exists() -> None:
    from django.urls import reverse

    from tsunagu.accounts.middleware import MFA_SETUP_URL_NAMES

    for name in MFA_SETUP_URL_NAMES:
        assert reverse(name)


def test_staff_without_factor_can_open_the_passkey_set_up(client: Client, make_user: MakeUser) -> None:
    teacher = make_user(Role.COUNSELOR)
    password_login(client, teacher.username)
    response = client.get("/accounts/2fa/webauthn/add/", follow=True)
    reauth_url = response.redirect_chain[-1][0]
    assert reauth_url.startswith("/accounts/reauthenticate/")
    response = client.post(reauth_url, {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/2fa/webauthn/add/"
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="mfa_webauthn_add"' in html and 'id="js_data"' in html  # the browser ceremony's data
    assert "/static/mfa/js/webauthn.js" in html
