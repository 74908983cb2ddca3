"""Session rules: idle and absolute timeouts, new id at login, ended on disable or role change."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory

from tsunagu.accounts import session as session_rules
from tsunagu.accounts.drafts import DRAFT_SESSION_KEY, take_draft
from tsunagu.accounts.models import Role, RoleAssignment
from tsunagu.accounts.services import user_disable, user_session_epoch_bump
from tsunagu.accounts.testing import force_login
from tsunagu.accounts.tests.conftest import PASSWORD, MakeUser, Org, full_login, password_login, totp_code
from tsunagu.core.models import AuditEvent
from tsunagu.core.scope import system_scope

pytestmark = pytest.mark.django_db


def shift_session(client: Client, **seconds_ago: float) -> None:
    """Pretend the login (``login_at``) or the last request (``last_seen``) happened earlier."""
    session = client.session
    now = time.time()
    if "login_at" in seconds_ago:
        session[session_rules.LOGIN_AT_KEY] = now - seconds_ago["login_at"]
    if "last_seen" in seconds_ago:
        session[session_rules.LAST_SEEN_KEY] = now - seconds_ago["last_seen"]
    session.save()


def is_logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_login_stamps_the_session_with_its_start_and_the_account_epoch(
    client: Client, make_user: MakeUser
) -> None:
    guardian = make_user(Role.GUARDIAN)
    password_login(client, guardian.username)
    session = client.session
    assert abs(session[session_rules.LOGIN_AT_KEY] - time.time()) < 5
    assert session[session_rules.EPOCH_KEY] == guardian.session_epoch


def test_idle_session_is_ended_and_the_user_returns_to_the_page(client: Client, make_user: MakeUser) -> None:
    teacher = make_user(Role.HOMEROOM_TEACHER, mfa="totp")
    force_login(client, teacher)
    shift_session(client, last_seen=settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.get("/me/?tab=roles")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/me/%3Ftab%3Droles"
    assert not is_logged_in(client)
    assert any("操作のない時間が続いたため" in str(m) for m in get_messages(response.wsgi_request))
    event = AuditEvent.objects.filter(kind="session_ended").latest("id")
    assert event.actor_username == teacher.username and event.detail == {"reason": "idle"}
    # Logging in again (password + code) lands on the page the user was on.
    response = client.post(response["Location"], {"login": teacher.username, "password": PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(teacher.totp_secret)})
    assert response["Location"] == "/me/?tab=roles"


def test_activity_keeps_the_session_alive(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    password_login(client, guardian.username)
    shift_session(client, last_seen=settings.SESSION_IDLE_TIMEOUT - 60)
    assert client.get("/").status_code == 200
    assert time.time() - client.session[session_rules.LAST_SEEN_KEY] < 5  # refreshed
    assert client.get("/").status_code == 200


def test_recent_activity_is_not_written_on_every_request(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    password_login(client, guardian.username)
    shift_session(client, last_seen=10)
    before = client.session[session_rules.LAST_SEEN_KEY]
    client.get("/")
    assert client.session[session_rules.LAST_SEEN_KEY] == before


def test_absolute_timeout_ends_even_an_active_session(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    password_login(client, guardian.username)
    shift_session(client, login_at=settings.SESSION_ABSOLUTE_TIMEOUT + 5, last_seen=1)
    response = client.get("/")
    assert response["Location"].startswith("/accounts/login/")
    assert not is_logged_in(client)
    assert AuditEvent.objects.filter(kind="session_ended", detail={"reason": "absolute"}).exists()


def test_session_cookie_lives_no_longer_than_the_absolute_timeout() -> None:
    assert settings.SESSION_COOKIE_AGE <= settings.SESSION_ABSOLUTE_TIMEOUT
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60


def test_htmx_request_on_a_timed_out_session_gets_401_and_hx_redirect(
    client: Client, make_user: MakeUser
) -> None:
    guardian = make_user(Role.GUARDIAN)
    password_login(client, guardian.username)
    shift_session(client, last_seen=settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.get(
        "/students/search/?q=a",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/students/?grade=4"},
    )
    assert response.status_code == 401
    redirect = urlsplit(response["HX-Redirect"])
    assert redirect.path == "/accounts/login/"
    # The user returns to the page, not to the fragment URL.
    assert parse_qs(redirect.query)["next"] == ["/students/?grade=4"]


def test_htmx_current_url_cannot_send_the_user_to_another_site(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    password_login(client, guardian.username)
    shift_session(client, last_seen=settings.SESSION_IDLE_TIMEOUT + 5)
    response = client.get("/", headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example//x"})
    assert parse_qs(urlsplit(response["HX-Redirect"]).query)["next"] == ["/"]


def test_a_timed_out_post_keeps_its_draft_across_the_new_login(client: Client, make_user: MakeUser) -> None:
    teacher = make_user(Role.SUBJECT_TEACHER, mfa="totp")
    force_login(client, teacher)
    shift_session(client, last_seen=settings.SESSION_IDLE_TIMEOUT + 5)
    form = {
        "score_1": "85",
        "score_2": "72",
        "remark": "よくできました",
        "password": "x",
        "csrfmiddlewaretoken": "t",
    }
    response = client.post("/grades/4-1/math/", form)
    assert response["Location"] == "/accounts/login/?next=/grades/4-1/math/"
    full_login(client, teacher)
    # The draft survived the login (Django moves session data to the new session id).
    assert client.session[DRAFT_SESSION_KEY]["paths"] == ["/grades/4-1/math/"]
    request = RequestFactory().get("/grades/4-1/math/")
    request.session = client.session
    draft = take_draft(request)
    assert draft is not None
    assert draft.dict() == {"score_1": "85", "score_2": "72", "remark": "よくできました"}
    assert take_draft(request) is None  # taken once


def test_disabling_an_account_ends_its_sessions(client: Client, make_user: MakeUser) -> None:
    principal = make_user(Role.PRINCIPAL, mfa="totp")
    teacher = make_user(Role.HOMEROOM_TEACHER, mfa="totp")
    force_login(client, teacher)
    assert client.get("/").status_code == 200
    user_disable(user=teacher, by=principal, reason="退職")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not is_logged_in(client)
    event = AuditEvent.objects.get(kind="account_disabled")
    assert event.actor_username == principal.username
    assert event.detail == {"user": teacher.username, "reason": "退職"}
    # And the account cannot log in again (allauth shows its "account inactive" page).
    again = Client()
    assert password_login(again, teacher.username)["Location"] == "/accounts/inactive/"
    assert not is_logged_in(again)


def test_a_role_change_ends_the_sessions_of_that_user_only(
    client: Client, make_user: MakeUser, org: Org
) -> None:
    teacher = make_user(Role.HOMEROOM_TEACHER, mfa="totp")
    colleague = make_user(Role.HOMEROOM_TEACHER, mfa="totp")
    other = force_login(Client(), colleague)
    force_login(client, teacher)
    with system_scope(reason="test: new role"):
        RoleAssignment.objects.create(
            user=teacher, role=Role.GRADE_HEAD, school_year=org.year, school=org.school, grade_level=org.grade
        )
    # The org services call this when they change roles.
    user_session_epoch_bump(user=teacher)
    assert client.get("/")["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(kind="session_ended", detail={"reason": "epoch"}).exists()
    assert other.get("/").status_code == 200


def test_epoch_bump_is_an_atomic_increment(make_user: MakeUser) -> None:
    user = make_user(Role.GUARDIAN)
    stale = type(user).objects.get(pk=user.pk)
    start = stale.session_epoch
    assert user_session_epoch_bump(user=user) == start + 1
    assert user_session_epoch_bump(user=stale) == start + 2  # the stale copy does not undo the first bump


def test_a_session_without_our_stamps_is_not_trusted(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    password_login(client, guardian.username)
    session = client.session
    del session[session_rules.LOGIN_AT_KEY]
    session.save()
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_logout_ends_the_session_on_the_server(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    password_login(client, guardian.username)
    key = client.session.session_key
    assert key
    client.post("/accounts/logout/")
    assert not SessionStore(session_key=key).exists(key)


def test_htmx_request_without_a_session_gets_hx_redirect_to_login(client: Client) -> None:
    response = client.get("/me/", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/me/"})
    assert response.status_code == 401
    assert response["HX-Redirect"] == "/accounts/login/?next=/me/"
    # A normal request still gets the ordinary redirect.
    assert client.get("/me/").status_code == 302
