"""Fixtures of the infection tests."""

from __future__ import annotations

from typing import Any

import pytest

from tsunagu.infection.tests.builders import InfectionSchool, build_infection_school


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """The builders create several users per test; hash their passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def site(db: Any) -> InfectionSchool:
    """A school of its own with a November 2026 calendar."""
    return build_infection_school()
