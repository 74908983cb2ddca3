"""Small pieces: the lockout user name, drafts, the scope labels."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from tsunagu.accounts.drafts import DRAFT_MAX_AGE, DRAFT_SESSION_KEY, stash_draft, take_draft
from tsunagu.accounts.lockout import axes_username, normalise_username


@pytest.mark.parametrize(
    "raw,expected",
    [("Tanaka", "tanaka"), (" tanaka ", "tanaka"), ("ｔａｎａｋａ", "tanaka"), ("", None), (None, None)],
)
def test_user_names_are_normalised_for_counting_failures(raw: str | None, expected: str | None) -> None:
    assert normalise_username(raw) == expected


def test_lockout_name_comes_from_credentials_then_from_the_form() -> None:
    request = RequestFactory().post("/accounts/login/", {"login": "Suzuki"})
    assert axes_username(request, {"username": "Sato", "password": "x"}) == "sato"
    assert axes_username(request, {}) == "suzuki"
    assert axes_username(RequestFactory().post("/admin/login/", {"username": "Ito"}), None) == "ito"
    assert axes_username(None, None) is None


def _request(method: str = "post", data: dict[str, str] | None = None, path: str = "/grades/") -> Any:
    request = getattr(RequestFactory(), method)(path, data or {})
    request.session = SessionStore()
    return request


@pytest.mark.django_db
def test_drafts_skip_secrets_and_expire() -> None:
    request = _request(
        data={"score": "90", "new_password": "s3cret", "api_token": "t", "csrfmiddlewaretoken": "c"}
    )
    assert stash_draft(request)
    assert request.session[DRAFT_SESSION_KEY]["fields"] == [["score", "90"]]
    request.session[DRAFT_SESSION_KEY]["at"] = time.time() - DRAFT_MAX_AGE - 1
    assert take_draft(request) is None
    assert DRAFT_SESSION_KEY not in request.session


@pytest.mark.django_db
def test_drafts_are_not_kept_for_get_or_empty_posts_or_other_pages() -> None:
    assert not stash_draft(_request("get", {"q": "x"}))
    assert not stash_draft(_request(data={"csrfmiddlewaretoken": "c"}))
    request = _request(data={"score": "90"})
    stash_draft(request, page="/grades/page/")
    assert take_draft(request, path="/elsewhere/") is None
    assert take_draft(request, path="/grades/page/") is not None
