"""The demo cast logs in through the real pages: staff with password + TOTP, families with a password.

Uses the shared demo ward (``ward`` fixture) and ``tsunagu.demo.cast``; skipped until they exist.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

STAFF_CAST = ["principal", "teacher", "subject_teacher", "nurse", "office", "board", "helpdesk"]
FAMILY_CAST = ["guardian", "student"]


@pytest.fixture
def cast(request: pytest.FixtureRequest) -> Any:
    module = pytest.importorskip("tsunagu.demo.cast")
    try:
        request.getfixturevalue("ward")
    except pytest.FixtureLookupError:
        pytest.skip("the shared demo ward fixture is not available yet")
    return module


@pytest.mark.parametrize("name", STAFF_CAST)
def test_seeded_staff_member_logs_in_with_password_and_totp(client: Client, cast: Any, name: str) -> None:
    response = client.post("/accounts/login/", {"login": name, "password": cast.DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": cast.totp_now(name)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/me/").status_code == 200


@pytest.mark.parametrize("name", FAMILY_CAST)
def test_seeded_family_member_logs_in_with_a_password(client: Client, cast: Any, name: str) -> None:
    response = client.post("/accounts/login/", {"login": name, "password": cast.DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/me/").status_code == 200
