"""「マイアカウント」: this year's roles with their scope, MFA status, links to change factors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tsunagu.accounts.models import Role, RoleAssignment
from tsunagu.accounts.testing import force_login
from tsunagu.accounts.tests.conftest import MakeUser, Org, password_login
from tsunagu.core.scope import system_scope
from tsunagu.org.models import SchoolYear

pytestmark = pytest.mark.django_db


def test_profile_url_is_named() -> None:
    assert reverse("accounts:profile") == "/me/"


def test_anonymous_visitor_is_sent_to_login(client: Client) -> None:
    response = client.get("/me/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/me/"


def test_teacher_sees_roles_with_scope_and_mfa_status(client: Client, make_user: MakeUser, org: Org) -> None:
    teacher = make_user(Role.HOMEROOM_TEACHER, mfa="totp")
    with system_scope(reason="test fixture"):
        RoleAssignment.objects.create(
            user=teacher,
            role=Role.SUBJECT_TEACHER,
            school_year=org.year,
            teaching_group=org.teaching_group,
            ends_on=org.year.end_date - dt.timedelta(days=30),
        )
        last_year, _ = SchoolYear.objects.get_or_create(
            year=org.year.year - 1,
            defaults={
                "start_date": dt.date(org.year.year - 1, 4, 1),
                "end_date": dt.date(org.year.year, 3, 31),
            },
        )
        RoleAssignment.objects.create(
            user=teacher, role=Role.PRINCIPAL, school_year=last_year, school=org.school
        )
    force_login(client, teacher)
    html = client.get("/me/").content.decode()
    assert "マイアカウント" in html
    assert "学級担任" in html and "てすと小学校 4年1組" in html
    assert "教科担任" in html and "4年1組 算数" in html
    assert org.year.label in html
    assert "校長" not in html  # last year's role is not shown
    assert "多要素認証を使っています" in html
    assert 'href="/accounts/2fa/"' in html
    assert 'href="/accounts/password/change/"' in html


def test_guardian_sees_their_role_and_that_mfa_is_off(client: Client, make_user: MakeUser) -> None:
    guardian = make_user(Role.GUARDIAN)
    password_login(client, guardian.username)
    html = client.get("/me/").content.decode()
    assert "保護者" in html and "お子さん" in html
    assert "多要素認証を使っていません" in html


def test_account_without_roles_says_so(client: Client, make_user: MakeUser) -> None:
    user = make_user(None)
    password_login(client, user.username)
    assert "今年度の役割がありません" in client.get("/me/").content.decode()


def test_recovery_codes_are_counted(client: Client, make_user: MakeUser) -> None:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    pupil = make_user(Role.STUDENT, mfa="totp")
    RecoveryCodes.activate(pupil)
    force_login(client, pupil)
    assert "10件中10件が未使用" in client.get("/me/").content.decode()
