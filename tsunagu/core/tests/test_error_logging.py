"""A server error leaves its traceback on standard error, in every profile (docs/deployment.md §6.5).

Django logs an unhandled exception on ``django.request`` at ERROR; by default only ``mail_admins``
listens in production, and Tsunagu sends no mail, so LOGGING gives that logger the console handler.
This module is also the URLconf of the tests: one view that fails.
"""

from __future__ import annotations

import logging
import unittest
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from tsunagu.core.tests.environments import PRODUCTION_ENV, run_settings

ERROR_TEXT = "the view failed on purpose"


def failing_view(request: HttpRequest) -> HttpResponse:
    """Raise, as an unforeseen bug in a real view would."""
    raise RuntimeError(ERROR_TEXT)


urlpatterns = [path("boom/", failing_view)]


def test_the_logging_config_sends_request_errors_to_the_console() -> None:
    config: dict[str, Any] = settings.LOGGING
    request_logger = config["loggers"]["django.request"]
    assert request_logger == {"handlers": ["console"], "level": "ERROR", "propagate": False}
    assert config["handlers"]["console"]["class"] == "logging.StreamHandler"  # stderr
    live = logging.getLogger("django.request")
    assert any(isinstance(h, logging.StreamHandler) for h in live.handlers)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_an_exception_in_a_view_is_logged_with_its_traceback() -> None:
    with unittest.TestCase().assertLogs("django.request", level="ERROR") as logs:
        response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    (record,) = logs.records
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "Internal Server Error: /boom/"
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    assert ERROR_TEXT in logs.output[0]  # the formatted record carries the traceback


SCRIPT = f"""
import django
django.setup()
from django.test import Client, override_settings
with override_settings(ROOT_URLCONF={__name__!r}):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", secure=True, HTTP_HOST="tsunagu.example.jp")
print("status", response.status_code)
"""


def test_in_production_the_traceback_reaches_standard_error() -> None:
    """The production profile as a server runs it: the handler really writes to stderr."""
    result = run_settings(PRODUCTION_ENV, "-c", SCRIPT)
    assert result.returncode == 0, result.stderr
    assert "status 500" in result.stdout
    assert "ERROR django.request Internal Server Error: /boom/" in result.stderr
    assert "Traceback (most recent call last):" in result.stderr
    assert f"RuntimeError: {ERROR_TEXT}" in result.stderr
