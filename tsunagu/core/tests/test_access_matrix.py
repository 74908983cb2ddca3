"""Every URL × every demo-cast role × each relationship to the target answers as the policy says.

The expectations live in ``access_cases.py`` files (see access_matrix.py). A URL without a case fails
``test_every_url_has_cases``, so a new page cannot ship without a decision about who may open it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tsunagu.core.permissions_doc import iter_urls
from tsunagu.core.tests.access_matrix import (
    ANONYMOUS,
    LOGIN,
    REDIRECT,
    ROLES,
    Case,
    Expected,
    all_cases,
    find_places,
)

pytestmark = pytest.mark.django_db

CASES = all_cases()


def outcome(response: Any) -> Expected:
    """What a role got, in the table's terms."""
    if response.status_code in (301, 302, 303, 307, 308):
        return LOGIN if response["Location"].startswith("/accounts/login/") else REDIRECT
    return int(response.status_code)


def project_url_names() -> set[str]:
    """Names of every URL of the project except the Django admin (checked separately below)."""
    return {name for route, name, _ in iter_urls() if not route.startswith("admin/")}


def test_every_url_has_cases() -> None:
    covered = {case.url_name for case in CASES}
    missing = sorted(project_url_names() - covered)
    assert not missing, (
        f"URLs without access-matrix cases: {missing}. Add them to tsunagu/<app>/tests/access_cases.py "
        "(see tsunagu/core/tests/access_matrix.py)."
    )
    unknown = sorted(covered - project_url_names())
    assert not unknown, f"cases for URLs that do not exist: {unknown}"


def test_every_url_is_named() -> None:
    unnamed = [route for route, name, _ in iter_urls() if not name and not route.startswith("admin/")]
    assert not unnamed, f"unnamed URLs cannot be covered by the matrix: {unnamed}"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_access_matrix(case: Case, ward: Any, client_as: Any) -> None:
    places = find_places(ward)
    try:
        url = reverse(case.url_name, kwargs=case.kwargs(places))
    except NoReverseMatch as exc:  # pragma: no cover - a broken case, not a policy failure
        pytest.fail(f"{case.id}: {exc}")
    mismatches = []
    for role in ROLES:
        client = Client() if role == ANONYMOUS else client_as(role)
        got = outcome(getattr(client, case.method)(url))
        if got != case.expect[role]:
            mismatches.append(f"{role}: expected {case.expect[role]}, got {got}")
    assert not mismatches, f"{case.id} {url}\n" + "\n".join(mismatches)


def _admin_paths() -> list[str]:
    """A concrete path for every admin URL pattern (object ids and app labels filled in)."""
    paths = []
    for route, _name, _ in iter_urls():
        if not route.startswith("admin/"):
            continue
        path = "/" + route.replace("^", "").replace("$", "")
        path = re.sub(r"<(?:path|int|str):\w+>", "1", path)
        path = re.sub(r"\(\?P<app_label>([^|)]+)[^)]*\)", r"\1", path)
        path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
        paths.append(path)
    return paths


@pytest.mark.parametrize("role", ROLES)
def test_admin_is_closed_to_the_cast(role: str, ward: Any, client_as: Any) -> None:
    """No cast member is an administrator: every admin page sends them to the admin login (which itself
    hands over to the allauth login with its second factor)."""
    client = Client() if role == ANONYMOUS else client_as(role)
    opened = []
    for path in _admin_paths():
        response = client.get(path)
        if response.status_code != 302 or not response["Location"].startswith("/admin/login/"):
            if path.startswith("/admin/login/") or path.startswith("/admin/logout/"):
                continue
            opened.append(f"{path}: {response.status_code}")
    assert not opened, "admin pages reachable without administrator rights:\n" + "\n".join(opened)
