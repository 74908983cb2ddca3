"""The health check answers monitoring without a login and says only ok or what failed."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_a_login() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_answers_503_and_logs_when_the_database_fails(caplog: pytest.LogCaptureFixture) -> None:
    broken = mock.MagicMock()
    broken.__enter__.return_value.execute.side_effect = OperationalError("could not connect to db-7.internal")
    with mock.patch("tsunagu.core.status.connection.cursor", return_value=broken):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable\n"
    assert b"db-7" not in response.content  # the error's text stays in the log
    assert any("health check" in r.getMessage() for r in caplog.records)


def test_healthz_refuses_writes() -> None:
    assert Client().post("/healthz").status_code == 405
