"""Fixtures of the observations tests: the cast's places and users of the demo ward."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tsunagu.accounts.models import User
from tsunagu.core.tests.access_matrix import Places, find_places


@pytest.fixture
def places(ward: Any) -> Places:
    """Objects in known relationships to the cast (さくら小 4年1組, the guardian's children …)."""
    return find_places(ward)


@pytest.fixture
def user(ward: Any) -> Callable[[str], User]:
    """``user("teacher")``: a fresh User object of a cast member (its role cache starts empty)."""
    return lambda username: User.objects.get(username=username)
