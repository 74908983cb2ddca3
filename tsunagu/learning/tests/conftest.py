"""Fixtures of the learning tests: a registered learning app and an HTTP client speaking xAPI as it."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from tsunagu.learning.models import LearningClient, Permission
from tsunagu.learning.services import client_register

ALL = [p.value for p in Permission]


@dataclass
class Lrs:
    """A test client authenticated as a learning app, with helpers for the xAPI calls."""

    app: LearningClient
    key: str
    secret: str
    http: Client
    version: str = "1.0.3"

    def headers(self, **extra: str) -> dict[str, Any]:
        token = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        headers: dict[str, Any] = {
            "HTTP_AUTHORIZATION": f"Basic {token}",
            "HTTP_X_EXPERIENCE_API_VERSION": self.version,
        }
        headers.update(extra)
        return headers

    def post(self, body: Any, path: str = "/xapi/statements", **extra: str) -> Any:
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.http.post(path, data, content_type="application/json", **self.headers(**extra))

    def put(self, body: Any, path: str, content_type: str = "application/json", **extra: str) -> Any:
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return self.http.put(path, data, content_type=content_type, **self.headers(**extra))

    def get(self, path: str, params: dict[str, Any] | None = None, **extra: str) -> Any:
        return self.http.get(path, params or {}, **self.headers(**extra))

    def delete(self, path: str, **extra: str) -> Any:
        return self.http.delete(path, **self.headers(**extra))


def make_lrs(ward: Any, *, name: str = "テスト用ドリル", permissions: list[str] | None = None) -> Lrs:
    app, secret = client_register(
        actor=None,
        board=ward.board,
        name=name,
        kind="app",
        all_schools=True,
        permissions=ALL if permissions is None else permissions,
    )
    return Lrs(app=app, key=app.key, secret=secret, http=Client())


#: Every permission but reading other apps' statements (the demo apps' statements stay out of sight).
OWN = [p for p in ALL if p != Permission.STATEMENTS_READ]


@pytest.fixture
def lrs(ward: Any) -> Lrs:
    """A learning app holding every permission but ``statements/read`` (it reads its own only)."""
    return make_lrs(ward, permissions=OWN)


def statement(**overrides: Any) -> dict[str, Any]:
    """A small valid statement (an mbox actor), with ``overrides`` applied at the top level."""
    base: dict[str, Any] = {
        "actor": {"objectType": "Agent", "mbox": "mailto:taro@example.jp", "name": "Taro"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"ja": "回答した"}},
        "object": {
            "id": "https://drill.example.jp/q/1",
            "definition": {
                "name": {"ja": "問1"},
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            },
        },
    }
    base.update(overrides)
    return base


def new_id() -> str:
    return str(uuid.uuid4())
