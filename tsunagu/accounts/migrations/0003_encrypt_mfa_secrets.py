"""Encrypt the MFA secrets stored before ``MFAAdapter`` encrypted them (decision 0020, addendum).

Forward: in ``mfa_authenticator.data``, a TOTP app's ``secret`` and the recovery codes' ``seed`` and
``migrated_codes`` become tokens of the field keyring; values already encrypted stay as they are.
Backward: they become plain text again, as allauth's default adapter reads them. The keys of ``data``
are listed here rather than imported from ``tsunagu.accounts.mfa``, so the step does not change when
that module does.
"""

from typing import Any

from django.db import migrations

from tsunagu.core import crypto


def _convert(kind: str, data: dict[str, Any], convert: Any) -> dict[str, Any]:
    """``data`` with ``convert`` applied to the secrets allauth passes through the adapter."""
    converted = dict(data)
    if kind == "totp" and isinstance(data.get("secret"), str):
        converted["secret"] = convert(data["secret"])
    elif kind == "recovery_codes":
        if isinstance(data.get("seed"), str):
            converted["seed"] = convert(data["seed"])
        if isinstance(data.get("migrated_codes"), list):
            converted["migrated_codes"] = [convert(code) for code in data["migrated_codes"]]
    return converted


def _rewrite(apps: Any, convert: Any) -> None:
    authenticator = apps.get_model("mfa", "Authenticator")
    for row in authenticator.objects.filter(type__in=["totp", "recovery_codes"]).only("pk", "type", "data"):
        data = _convert(row.type, row.data or {}, convert)
        if data != row.data:
            authenticator.objects.filter(pk=row.pk).update(data=data)


def encrypt_secrets(apps: Any, schema_editor: Any) -> None:
    """Forward: plain secrets become tokens (``crypto.encrypt`` leaves tokens as they are)."""
    _rewrite(apps, crypto.encrypt)


def decrypt_secrets(apps: Any, schema_editor: Any) -> None:
    """Backward: tokens become the plain secrets again (plain values stay as they are)."""
    _rewrite(apps, crypto.decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
