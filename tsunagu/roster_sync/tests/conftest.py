"""Fixtures of the OneRoster REST tests: registered learning apps and a client holding a token."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from tsunagu.learning.models import LearningClient
from tsunagu.learning.services import client_register
from tsunagu.roster_sync import oauth

BASE = "/ims/oneroster/rostering/v1p2"
TOKEN_URL = "/ims/oneroster/oauth/token"


def basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


@dataclass
class App:
    """A registered app, its secret, and an HTTP client that fetches and sends its bearer token."""

    client: LearningClient
    secret: str
    http: Client

    def token(self, scope: str | None = None) -> str:
        data = {"grant_type": "client_credentials"} | ({"scope": scope} if scope is not None else {})
        response = self.http.post(TOKEN_URL, data, HTTP_AUTHORIZATION=basic(self.client.key, self.secret))
        assert response.status_code == 200, response.content
        return str(response.json()["access_token"])

    def get(self, path: str, token: str | None = None, **params: Any) -> Any:
        bearer = token if token is not None else self.token()
        return self.http.get(BASE + path, params, HTTP_AUTHORIZATION=f"Bearer {bearer}")


@pytest.fixture
def register(ward: Any) -> Callable[..., App]:
    """``register(kind="portal", schools=[...], scopes=[...])``: a learning app of the ward's board.

    ``scopes``: the OneRoster scopes the board grants the app in the registry (its permissions)."""

    def make(
        *, kind: str = "portal", schools: list[Any] | None = None, scopes: list[str] | None = None
    ) -> App:
        client, secret = client_register(
            actor=None,
            board=ward.board,
            name=f"test {kind}",
            kind=kind,
            all_schools=schools is None,
            schools=schools or [],
            permissions=scopes or [],
        )
        return App(client=client, secret=secret, http=Client())

    return make


@pytest.fixture
def portal(register: Callable[..., App]) -> App:
    """A 学習eポータル serving every school, with every OneRoster scope."""
    return register(scopes=list(oauth.SCOPES))
