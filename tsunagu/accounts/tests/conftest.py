"""Fixtures for the accounts tests: a small organisation and users holding each role.

Self-contained (they do not need the shared demo ward): every row is created with
``get_or_create`` on its unique key, so they also work on a database the demo has seeded.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tsunagu.accounts.models import Role, RoleAssignment, User
from tsunagu.core.scope import system_scope
from tsunagu.org.models import (
    Board,
    GradeLevel,
    Homeroom,
    Municipality,
    School,
    SchoolYear,
    Subject,
    TeachingGroup,
)

PASSWORD = "hikari-sakura-2026"

STAFF_ROLES = [
    Role.HOMEROOM_TEACHER,
    Role.SUBJECT_TEACHER,
    Role.GRADE_HEAD,
    Role.NURSE,
    Role.COUNSELOR,
    Role.PRINCIPAL,
    Role.OFFICE,
    Role.BOARD,
    Role.HELPDESK,
    Role.SYSADMIN,
]
FAMILY_ROLES = [Role.STUDENT, Role.GUARDIAN]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """allauth keeps rate-limit counters and used TOTP codes in the cache; start each test clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Hash test passwords with a cheap hasher: lockout tests type many passwords."""
    # The seeded demo cast keeps its real hashes, so the default hashers stay available to check them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]


@dataclass
class Org:
    year: SchoolYear
    board: Board
    school: School
    grade: GradeLevel
    homeroom: Homeroom
    teaching_group: TeachingGroup


def _current_school_year() -> SchoolYear:
    today = timezone.localdate()
    start_year = today.year if today.month >= 4 else today.year - 1
    year, _ = SchoolYear.objects.get_or_create(
        year=start_year,
        defaults={"start_date": dt.date(start_year, 4, 1), "end_date": dt.date(start_year + 1, 3, 31)},
    )
    return year


@pytest.fixture
def org(db: Any) -> Org:
    """One board with one elementary school, a 4th-grade homeroom and a maths group."""
    with system_scope(reason="test fixture"):
        year = _current_school_year()
        municipality, _ = Municipality.objects.get_or_create(
            code="999991", defaults={"name": "てすと区", "prefecture": "東京都"}
        )
        board, _ = Board.objects.get_or_create(
            municipality=municipality, defaults={"name": "てすと区教育委員会"}
        )
        school, _ = School.objects.get_or_create(
            mext_code="B113299999991", defaults={"board": board, "name": "てすと小学校", "kind": "B1"}
        )
        grade, _ = GradeLevel.objects.get_or_create(
            code="P4", defaults={"stage": "P", "number": 4, "order": 4}
        )
        homeroom, _ = Homeroom.objects.get_or_create(
            school=school, school_year=year, grade_level=grade, name="1組"
        )
        subject, _ = Subject.objects.get_or_create(
            code="MA", defaults={"name": "算数", "short_name": "算", "stage": "P", "order": 3}
        )
        group, _ = TeachingGroup.objects.get_or_create(
            school=school, school_year=year, subject=subject, grade_level=grade, name="4年1組 算数"
        )
    return Org(year, board, school, grade, homeroom, group)


def _scope_for(role: str, org: Org) -> dict[str, Any]:
    if role == Role.HOMEROOM_TEACHER:
        return {"homeroom": org.homeroom}
    if role == Role.SUBJECT_TEACHER:
        return {"teaching_group": org.teaching_group}
    if role == Role.GRADE_HEAD:
        return {"school": org.school, "grade_level": org.grade}
    if role in {Role.NURSE, Role.COUNSELOR, Role.PRINCIPAL, Role.OFFICE}:
        return {"school": org.school}
    if role in {Role.BOARD, Role.HELPDESK}:
        return {"board": org.board}
    return {}


#: ``make_user(role, *, mfa=None, username=None, **user_fields)``; the user may carry ``totp_secret``.
MakeUser = Callable[..., Any]


@pytest.fixture
def make_user(org: Org) -> MakeUser:
    """Create a user holding ``role`` this school year; ``mfa="totp"`` also registers a TOTP app.

    The TOTP secret is kept on the user object as ``totp_secret`` so a test can compute codes.
    """
    counter = iter(range(1, 10_000))

    def make(
        role: str | None = None, *, mfa: str | None = None, username: str | None = None, **extra: Any
    ) -> Any:
        name = username or f"{role or 'user'}{next(counter)}"
        user = User.objects.create_user(
            username=name, password=PASSWORD, display_name=f"テスト {name}", **extra
        )
        if role:
            with system_scope(reason="test fixture"):
                RoleAssignment.objects.create(
                    user=user, role=role, school_year=org.year, **_scope_for(role, org)
                )
        if mfa == "totp":
            secret = generate_totp_secret()
            TOTP.activate(user, secret)
            user.totp_secret = secret  # type: ignore[attr-defined]
        elif mfa == "webauthn":
            Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "iPad"})
        return user

    return make


def totp_code(secret: str, *, offset: int = 0) -> str:
    """The current TOTP code for ``secret`` (``offset`` in 30-second steps), as an app would show it."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def password_login(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    """POST the real allauth login form; returns the response."""
    return client.post("/accounts/login/", {"login": username, "password": password}, **extra)


def full_login(client: Client, user: Any, **extra: Any) -> Any:
    """Log in through the real pages: password, then the TOTP code when the user has one."""
    response = password_login(client, user.username, **extra)
    if getattr(user, "totp_secret", None):
        assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
        response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(user.totp_secret)}, **extra)
    return response
