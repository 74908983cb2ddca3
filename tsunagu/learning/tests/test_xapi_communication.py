"""xAPI Communication: authentication, the version header, the About resource, errors (1.0.3 Part Three
§3.3/§4, 9274.1.1 §4.1.6.7). Test names say the requirement they check."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from tsunagu.learning.models import RejectedRequest, Statement
from tsunagu.learning.services import client_revoke, client_rotate
from tsunagu.learning.tests.conftest import Lrs, make_lrs, statement

pytestmark = pytest.mark.django_db


def test_about_lists_versions_without_credentials_or_version_header() -> None:
    response = Client().get("/xapi/about")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == ["2.0.0", "1.0.3"]
    assert body["extensions"] == {}
    assert response["X-Experience-API-Version"]


def test_request_without_version_header_is_rejected_with_400(lrs: Lrs) -> None:
    headers = lrs.headers()
    del headers["HTTP_X_EXPERIENCE_API_VERSION"]
    response = lrs.http.get("/xapi/statements", **headers)
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.json()["error"]["message"]


@pytest.mark.parametrize("version", ["0.95", "0.9", "1.1.0", "3.0.0", "abc", "2.1.0"])
def test_unknown_version_is_rejected_with_400(lrs: Lrs, version: str) -> None:
    lrs.version = version
    assert lrs.post(statement()).status_code == 400
    assert Statement.objects.filter(client=lrs.app).count() == 0


@pytest.mark.parametrize(
    "sent,answered",
    [("1.0", "1.0.3"), ("1.0.0", "1.0.3"), ("1.0.3", "1.0.3"), ("2.0.0", "2.0.0"), ("2.0", "2.0.0")],
)
def test_every_response_carries_the_version_header(lrs: Lrs, sent: str, answered: str) -> None:
    lrs.version = sent
    response = lrs.get("/xapi/statements")
    assert response.status_code == 200
    assert response["X-Experience-API-Version"] == answered


def test_error_responses_carry_the_version_header_too(lrs: Lrs) -> None:
    response = lrs.post({"not": "a statement"})
    assert response.status_code == 400
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_missing_credentials_answer_401_with_basic_challenge(ward: Any) -> None:
    response = Client().get("/xapi/statements", HTTP_X_EXPERIENCE_API_VERSION="1.0.3")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")


def test_wrong_secret_answers_401_and_is_logged(lrs: Lrs) -> None:
    lrs.secret = "wrong"
    response = lrs.post(statement())
    assert response.status_code == 401
    assert Statement.objects.filter(client=lrs.app).count() == 0
    assert RejectedRequest.objects.filter(status=401, path="/xapi/statements").exists()


def test_session_login_is_not_an_lrs_credential(client_as: Any) -> None:
    response = client_as("board").get("/xapi/statements", HTTP_X_EXPERIENCE_API_VERSION="1.0.3")
    assert response.status_code == 401


def test_revoked_client_answers_401_immediately(lrs: Lrs) -> None:
    assert lrs.post(statement()).status_code == 200
    client_revoke(actor=None, client=lrs.app)
    assert lrs.post(statement()).status_code == 401


def test_rotated_secret_replaces_the_old_one(lrs: Lrs) -> None:
    old = lrs.secret
    lrs.secret = client_rotate(actor=None, client=lrs.app)
    assert lrs.post(statement()).status_code == 200
    lrs.secret = old
    assert lrs.post(statement()).status_code == 401


def test_client_without_write_permission_gets_403(ward: Any) -> None:
    reader = make_lrs(ward, permissions=["statements/read"])
    assert reader.post(statement()).status_code == 403
    assert reader.get("/xapi/statements").status_code == 200


def test_read_mine_sees_only_its_own_statements(ward: Any, lrs: Lrs) -> None:
    everything = make_lrs(ward, name="全部", permissions=["statements/read"])
    theirs = lrs.post(statement()).json()[0]
    assert len(lrs.get("/xapi/statements").json()["statements"]) == 1
    other = make_lrs(ward, name="自分だけ", permissions=["statements/write", "statements/read/mine"])
    assert other.post(statement()).status_code == 200
    assert [s["id"] for s in other.get("/xapi/statements").json()["statements"]] != [theirs]
    assert other.get("/xapi/statements", {"statementId": theirs}).status_code == 404
    ids = [s["id"] for s in everything.get("/xapi/statements", {"limit": "2"}).json()["statements"]]
    assert theirs in ids


def test_malformed_basic_header_answers_401(ward: Any) -> None:
    bad = base64.b64encode(b"no-colon").decode()
    response = Client().get(
        "/xapi/statements", HTTP_AUTHORIZATION=f"Basic {bad}", HTTP_X_EXPERIENCE_API_VERSION="1.0.3"
    )
    assert response.status_code == 401


def test_unsupported_method_answers_405(lrs: Lrs) -> None:
    assert lrs.delete("/xapi/statements").status_code == 405


def test_lrs_needs_no_csrf_token(lrs: Lrs) -> None:
    lrs.http = Client(enforce_csrf_checks=True)
    assert lrs.post(statement()).status_code == 200
