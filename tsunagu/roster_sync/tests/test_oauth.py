"""OAuth 2.0 client credentials (RFC 6749 §4.4) for the OneRoster REST provider: the token endpoint's
answers and errors, and tokens that stop working when they expire or their client is revoked or
rotated."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tsunagu.learning.services import client_revoke, client_rotate
from tsunagu.roster_sync import oauth
from tsunagu.roster_sync.models import ApiCall
from tsunagu.roster_sync.tests.conftest import TOKEN_URL, App, basic

pytestmark = pytest.mark.django_db


def test_token_success_with_basic_auth_answers_rfc6749_json(portal: App) -> None:
    response = portal.http.post(
        TOKEN_URL,
        {"grant_type": "client_credentials", "scope": f"{oauth.ROSTER_CORE} {oauth.DEMOGRAPHICS}"},
        HTTP_AUTHORIZATION=basic(portal.client.key, portal.secret),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["access_token"]
    assert body["scope"].split() == [oauth.ROSTER_CORE, oauth.DEMOGRAPHICS]
    assert response["Cache-Control"] == "no-store" and response["Pragma"] == "no-cache"


def test_token_success_with_form_credentials(portal: App) -> None:
    response = portal.http.post(
        TOKEN_URL,
        {
            "grant_type": "client_credentials",
            "client_id": portal.client.key,
            "client_secret": portal.secret,
        },
    )
    assert response.status_code == 200
    assert set(response.json()["scope"].split()) == set(oauth.SCOPES)  # no scope: all it may have


def test_token_wrong_secret_is_invalid_client_401(portal: App) -> None:
    response = portal.http.post(
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic(portal.client.key, "wrong"),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"grant_type": "authorization_code"}, "unsupported_grant_type"),
        ({}, "invalid_request"),
        ({"grant_type": "client_credentials", "scope": "https://example.jp/other"}, "invalid_scope"),
    ],
)
def test_token_request_errors_are_400_with_the_rfc_code(
    portal: App, data: dict[str, str], error: str
) -> None:
    response = portal.http.post(TOKEN_URL, data, HTTP_AUTHORIZATION=basic(portal.client.key, portal.secret))
    assert response.status_code == 400 and response.json()["error"] == error


def test_token_scope_beyond_the_clients_is_invalid_scope(register: Callable[..., App]) -> None:
    app = register(kind="app")  # a learning app without listed scopes: roster-core only
    response = app.http.post(
        TOKEN_URL,
        {"grant_type": "client_credentials", "scope": oauth.DEMOGRAPHICS},
        HTTP_AUTHORIZATION=basic(app.client.key, app.secret),
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"
    assert app.token() and oauth.allowed_scopes(app.client) == {oauth.ROSTER_CORE}


def test_token_with_two_authentication_methods_is_refused(portal: App) -> None:
    response = portal.http.post(
        TOKEN_URL,
        {"grant_type": "client_credentials", "client_id": portal.client.key, "client_secret": portal.secret},
        HTTP_AUTHORIZATION=basic(portal.client.key, portal.secret),
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_token_get_is_not_allowed(portal: App) -> None:
    assert portal.http.get(TOKEN_URL).status_code == 405


def test_revoked_client_gets_no_token_and_its_tokens_stop_at_once(portal: App) -> None:
    token = portal.token()
    assert portal.get("/orgs", token).status_code == 200
    client_revoke(actor=None, client=portal.client)
    refused = portal.get("/orgs", token)
    assert refused.status_code == 401
    assert refused.json()["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == (
        "unauthorisedrequest"
    )
    response = portal.http.post(
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic(portal.client.key, portal.secret),
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_rotated_credentials_end_the_old_secret_and_its_tokens(portal: App) -> None:
    token = portal.token()
    new_secret = client_rotate(actor=None, client=portal.client)
    assert portal.get("/orgs", token).status_code == 401
    old = portal.http.post(
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic(portal.client.key, portal.secret),
    )
    assert old.status_code == 401
    portal.secret = new_secret
    assert portal.get("/orgs").status_code == 200


def test_expired_token_is_401(portal: App, monkeypatch: Any) -> None:
    token = portal.token()
    later = time.time() + 3601
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert portal.get("/orgs", token).status_code == 401


def test_forged_or_missing_token_is_401(portal: App) -> None:
    token = portal.token()
    assert portal.get("/orgs", token[:-2] + "xx").status_code == 401
    response = portal.http.get("/ims/oneroster/rostering/v1p2/orgs")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


def test_every_call_is_attributed_to_its_client(portal: App) -> None:
    before = ApiCall.objects.count()
    token = portal.token()
    portal.get("/users", token, limit=3)
    portal.get("/users", token, filter="nonsense")
    calls = list(ApiCall.objects.order_by("-pk")[:3])[::-1]
    assert len(calls) == 3 and ApiCall.objects.count() == before + 3
    assert all(call.client_id == portal.client.pk for call in calls)
    assert [(c.path, c.status, c.count) for c in calls] == [
        (TOKEN_URL, 200, 0),
        ("/ims/oneroster/rostering/v1p2/users", 200, 3),
        ("/ims/oneroster/rostering/v1p2/users", 400, 0),
    ]


def test_refusals_reach_the_registrys_log_of_rejected_requests(portal: App) -> None:
    from tsunagu.learning.models import RejectedRequest

    before = RejectedRequest.objects.count()
    portal.get("/users", "not-a-token")
    rejected = RejectedRequest.objects.order_by("-pk").first()
    assert RejectedRequest.objects.count() == before + 1
    assert rejected is not None and rejected.status == 401 and rejected.path.endswith("/users")


def test_the_board_sees_the_calls_per_app_and_day_and_others_see_none(portal: App, ward: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from tsunagu.accounts.models import User
    from tsunagu.roster_sync.selectors import api_calls_per_day

    token = portal.token()
    portal.get("/orgs", token)
    portal.get("/orgs", "bad")
    since = timezone.localdate() - dt.timedelta(days=1)
    board = api_calls_per_day(actor=User.objects.get(username="board"), since=since)
    mine = [row for row in board if row.client_id == portal.client.pk]
    assert (
        len(mine) == 1
        and mine[0].calls == 2
        and mine[0].records == len(portal.get("/orgs", token).json()["orgs"])
    )
    assert any(row.client_id is None and row.refused >= 1 for row in board)
    assert api_calls_per_day(actor=User.objects.get(username="teacher"), since=since) == []


def test_the_board_grants_the_oneroster_scopes_one_by_one_on_the_apps_page(client_as: Any, ward: Any) -> None:
    """The registry's form lists the three scopes; an app gets exactly those ticked."""
    from tsunagu.learning.models import LearningClient

    page = client_as("board").get("/learning/apps/new/")
    assert oauth.DEMOGRAPHICS in page.content.decode()
    response = client_as("board").post(
        "/learning/apps/new/",
        {
            "name": "名簿だけのアプリ",
            "kind": "portal",
            "all_schools": "on",
            "permissions": ["statements/write", oauth.ROSTER_CORE],
        },
    )
    assert response.status_code == 200
    client = LearningClient.objects.get(name="名簿だけのアプリ")
    match = re.search(r'data-testid="secret">([^<]+)<', response.content.decode())
    assert match is not None
    assert oauth.allowed_scopes(client) == {oauth.ROSTER_CORE}  # a portal, yet only what was ticked

    def token(scope: str) -> Any:
        return Client().post(
            TOKEN_URL,
            {"grant_type": "client_credentials", "scope": scope},
            HTTP_AUTHORIZATION=basic(client.key, match.group(1)),
        )

    assert token(oauth.ROSTER_CORE).status_code == 200
    assert token(oauth.ROSTER).json()["error"] == "invalid_scope"
    assert token(oauth.DEMOGRAPHICS).json()["error"] == "invalid_scope"
