"""The header shows at most two role chips, and a count of the rest, so it stays one line on an iPad."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_a_teacher_with_many_groups_sees_two_chips_and_a_count(client_as: Any) -> None:
    # subject_teacher teaches 2年1組, 2年2組 and a 3年 split group: three assignments.
    html = client_as("subject_teacher").get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    header = html[html.index('class="user-badge__roles"') :][:2000]
    assert header.count('class="role-chip"') == 3
    assert "ほか1件" in header


def test_a_single_role_shows_just_its_chip(client_as: Any) -> None:
    html = client_as("teacher").get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    header = html[html.index('class="user-badge__roles"') :][:1000]
    assert header.count('class="role-chip"') == 1
    assert "ほか" not in header
