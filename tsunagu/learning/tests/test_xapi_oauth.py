"""OAuth 2.0 for the LRS (issue 6 item 1, decision 0019): a bearer token from the client-credentials
endpoint authenticates the learning app like its Basic key and secret; a forged token, or a token of
a revoked client or of rotated credentials, is refused with 401."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tsunagu.learning.models import RejectedRequest, Statement
from tsunagu.learning.services import client_revoke, client_rotate
from tsunagu.learning.tests.conftest import Lrs, new_id, statement

pytestmark = pytest.mark.django_db

HEADERS: dict[str, Any] = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}


def token_for(lrs: Lrs) -> str:
    oauth = pytest.importorskip("tsunagu.roster_sync.oauth")
    issued = oauth.token_issue(client=lrs.app, grant_type="client_credentials", scope=None)
    return str(issued["access_token"])


def post_with(lrs: Lrs, authorization: str, body: Any) -> Any:
    return lrs.http.post(
        "/xapi/statements",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=authorization,
        **HEADERS,
    )


def test_a_bearer_token_authenticates_the_learning_app(lrs: Lrs) -> None:
    token = token_for(lrs)
    body = statement(id=new_id())
    assert post_with(lrs, f"Bearer {token}", body).status_code == 200
    assert Statement.objects.get(statement_id=body["id"]).client == lrs.app
    response = lrs.http.get(
        "/xapi/statements", {"statementId": body["id"]}, HTTP_AUTHORIZATION=f"Bearer {token}", **HEADERS
    )
    assert response.status_code == 200 and response.json()["id"] == body["id"]


def test_a_forged_bearer_token_is_refused(lrs: Lrs) -> None:
    response = post_with(lrs, "Bearer not-a-token", statement(id=new_id()))
    assert response.status_code == 401
    assert "Bearer" in response["WWW-Authenticate"]
    assert RejectedRequest.objects.filter(status=401).exists()


def test_a_revoked_clients_token_stops_at_once(lrs: Lrs) -> None:
    token = token_for(lrs)
    client_revoke(actor=None, client=lrs.app)
    assert post_with(lrs, f"Bearer {token}", statement(id=new_id())).status_code == 401


def test_rotated_credentials_stop_the_old_tokens(lrs: Lrs) -> None:
    token = token_for(lrs)
    client_rotate(actor=None, client=lrs.app)
    assert post_with(lrs, f"Bearer {token}", statement(id=new_id())).status_code == 401
