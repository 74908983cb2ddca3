"""MFA secrets are stored as tokens of the field keyring (MFAAdapter.encrypt, decision 0020 addendum).

The raw ``mfa_authenticator.data`` column must not hold a TOTP secret or a recovery-code seed in plain
form, whether the authenticator was set up through the real allauth pages, by ``TOTP.activate`` or by
the demo seed; logins keep working, rows written before encryption are read and migrated, and
``manage.py field_keys`` counts and rotates them.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

from tsunagu.accounts.models import Role
from tsunagu.accounts.tests.conftest import PASSWORD, MakeUser, full_login, password_login, totp_code
from tsunagu.core import crypto

pytestmark = pytest.mark.django_db

ACTIVATE_TOTP = "/accounts/2fa/totp/activate/"
MIGRATION = importlib.import_module("tsunagu.accounts.migrations.0003_encrypt_mfa_secrets")


def _raw_data(pk: int) -> str:
    """``mfa_authenticator.data`` as the database holds it (JSON text, the secrets as stored)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT CAST(data AS TEXT) FROM mfa_authenticator WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def _stored(user: Any, kind: str) -> dict[str, Any]:
    """The data of ``user``'s authenticator of ``kind``, as the ORM reads it (tokens not opened)."""
    return dict(Authenticator.objects.get(user=user, type=kind).data)


@pytest.fixture
def fresh_keyring() -> Iterator[None]:
    """Keys are read once per process; tests that change them start and end with a clean cache."""
    crypto.keyring.cache_clear()
    yield None
    crypto.keyring.cache_clear()


def test_totp_set_up_through_the_pages_is_stored_encrypted_and_logs_in(
    client: Client, make_user: MakeUser, django_capture_on_commit_callbacks: Any
) -> None:
    teacher = make_user(Role.SUBJECT_TEACHER)
    password_login(client, teacher.username)
    response = client.get(ACTIVATE_TOTP, follow=True)  # via re-authentication
    client.post(response.redirect_chain[-1][0], {"password": PASSWORD})
    page = client.get(ACTIVATE_TOTP).content.decode()
    found = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page)
    assert found, "the set-up page shows the secret"
    secret = found.group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ACTIVATE_TOTP, {"code": totp_code(secret)})
    assert response.status_code == 302

    totp = Authenticator.objects.get(user=teacher, type=Authenticator.Type.TOTP)
    raw = _raw_data(totp.pk)
    assert secret not in raw
    assert crypto.is_token(totp.data["secret"]) and crypto.decrypt(totp.data["secret"]) == secret
    # allauth made recovery codes with the first factor: their seed is a token too, and the codes it
    # derives are the ones the page shows.
    recovery = Authenticator.objects.get(user=teacher, type=Authenticator.Type.RECOVERY_CODES)
    seed = recovery.data["seed"]
    assert crypto.is_token(seed) and crypto.decrypt(seed) not in _raw_data(recovery.pk)
    codes = RecoveryCodes(recovery).get_unused_codes()
    assert codes[0] in client.get("/accounts/2fa/recovery-codes/").content.decode()

    # A new session logs in with the password and a code from the secret the app was given.
    teacher.totp_secret = secret
    other = Client()
    response = full_login(other, teacher)
    assert response.status_code == 302 and response["Location"] == "/"
    # … or with a recovery code, derived from the decrypted seed.
    third = Client()
    password_login(third, teacher.username)
    response = third.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert response.status_code == 302 and response["Location"] == "/"


def test_totp_activated_in_code_is_stored_encrypted(client: Client, make_user: MakeUser) -> None:
    nurse = make_user(Role.NURSE, mfa="totp")
    totp = Authenticator.objects.get(user=nurse, type=Authenticator.Type.TOTP)
    assert nurse.totp_secret not in _raw_data(totp.pk)
    assert crypto.key_id_of(totp.data["secret"]) == crypto.keyring().current
    assert full_login(client, nurse)["Location"] == "/"


def test_the_demo_cast_secrets_are_stored_encrypted(ward: Any) -> None:
    from tsunagu.demo.cast import CAST, totp_secret_for

    staff = [member.username for member in CAST if member.is_staff_role]
    assert staff
    for username in staff:
        totp = Authenticator.objects.get(user__username=username, type=Authenticator.Type.TOTP)
        assert totp_secret_for(username) not in _raw_data(totp.pk), username
        assert crypto.decrypt(totp.data["secret"]) == totp_secret_for(username)


def test_a_plain_secret_written_before_encryption_still_logs_in(client: Client, make_user: MakeUser) -> None:
    principal = make_user(Role.PRINCIPAL, mfa="totp")
    Authenticator.objects.filter(user=principal, type=Authenticator.Type.TOTP).update(
        data={"secret": principal.totp_secret}
    )
    assert full_login(client, principal)["Location"] == "/"


def test_the_migration_encrypts_plain_rows_and_its_reverse_decrypts_them(make_user: MakeUser) -> None:
    teacher = make_user(Role.HOMEROOM_TEACHER, mfa="totp")
    RecoveryCodes.activate(teacher)
    seed = crypto.decrypt(_stored(teacher, "recovery_codes")["seed"])
    legacy = ["12345678", "87654321"]
    # Rows as allauth's default adapter wrote them: everything plain.
    Authenticator.objects.filter(user=teacher, type="totp").update(data={"secret": teacher.totp_secret})
    Authenticator.objects.filter(user=teacher, type="recovery_codes").update(
        data={"seed": seed, "used_mask": 5, "migrated_codes": legacy}
    )
    webauthn = Authenticator.objects.create(user=teacher, type="webauthn", data={"name": "iPad"})

    MIGRATION.encrypt_secrets(apps, None)
    totp, recovery = _stored(teacher, "totp"), _stored(teacher, "recovery_codes")
    assert crypto.is_token(totp["secret"]) and crypto.decrypt(totp["secret"]) == teacher.totp_secret
    assert crypto.is_token(recovery["seed"]) and crypto.decrypt(recovery["seed"]) == seed
    assert [crypto.decrypt(code) for code in recovery["migrated_codes"]] == legacy
    assert recovery["used_mask"] == 5
    assert Authenticator.objects.get(pk=webauthn.pk).data == {"name": "iPad"}
    for kind in ("totp", "recovery_codes"):
        raw = _raw_data(Authenticator.objects.get(user=teacher, type=kind).pk)
        assert teacher.totp_secret not in raw and seed not in raw and "12345678" not in raw
    MIGRATION.encrypt_secrets(apps, None)  # a second run leaves tokens as they are
    assert _stored(teacher, "totp") == totp

    MIGRATION.decrypt_secrets(apps, None)
    assert _stored(teacher, "totp") == {"secret": teacher.totp_secret}
    assert _stored(teacher, "recovery_codes") == {"seed": seed, "used_mask": 5, "migrated_codes": legacy}


def test_field_keys_counts_and_rotates_the_mfa_secrets(
    client: Client, make_user: MakeUser, fresh_keyring: None
) -> None:
    principal = make_user(Role.PRINCIPAL, mfa="totp")
    RecoveryCodes.activate(principal)
    codes = RecoveryCodes(Authenticator.objects.get(user=principal, type="recovery_codes")).get_unused_codes()
    seeded = crypto.derived_entry()  # the demo ward and the fixtures were written under it
    new = f"n1:{crypto.generate_key()}"
    with override_settings(TSUNAGU_FIELD_KEYS=[new, seeded]):
        crypto.keyring.cache_clear()
        status = StringIO()
        call_command("field_keys", "status", stdout=status)
        assert re.search(r"^mfa\.Authenticator\.data: dev=\d+$", status.getvalue(), re.MULTILINE)
        out = StringIO()
        call_command("field_keys", "rotate", stdout=out)
        assert re.search(r"^mfa\.Authenticator\.data: \d+ re-encrypted$", out.getvalue(), re.MULTILINE)
        for kind, key in (("totp", "secret"), ("recovery_codes", "seed")):
            assert crypto.key_id_of(_stored(principal, kind)[key]) == "n1"
        status = StringIO()
        call_command("field_keys", "status", stdout=status)
        assert re.search(r"^mfa\.Authenticator\.data: n1=\d+$", status.getvalue(), re.MULTILINE)
        again = StringIO()
        call_command("field_keys", "rotate", stdout=again)
        assert "mfa.Authenticator" not in again.getvalue()  # nothing left to move
    # Only the new key is needed now: the code from the secret and the recovery codes still work.
    with override_settings(TSUNAGU_FIELD_KEYS=[new]):
        crypto.keyring.cache_clear()
        assert full_login(client, principal)["Location"] == "/"
        fresh = Authenticator.objects.get(user=principal, type="recovery_codes")
        assert RecoveryCodes(fresh).get_unused_codes() == codes
