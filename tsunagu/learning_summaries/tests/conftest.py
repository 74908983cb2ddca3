"""Fixtures of the learning-summaries tests: a learning app speaking xAPI (the LRS tests' helper)."""

from __future__ import annotations

from typing import Any

import pytest

from tsunagu.learning.tests.conftest import OWN, Lrs, make_lrs


@pytest.fixture
def lrs(ward: Any) -> Lrs:
    """A registered learning app with a client posting through the real ``/xapi/`` views."""
    return make_lrs(ward, name="要約テスト用ドリル", permissions=OWN)
