"""Encrypt the insights written before decision 0020 reached the karte (0002 made the columns text and
the fields ``EncryptedTextField``/``EncryptedJSONField``).

Forward: every evidence becomes a token of its canonical JSON, every non-empty finding, note and reason
for dismissal a token; values already encrypted stay as they are. Backward: the tokens become plain
JSON and plain text again, so that 0002's reversal can turn the columns back into ``json``/``varchar``.
Raw SQL on the columns, so the step does not depend on what the field classes do later. A separate
migration from 0002 so that PostgreSQL never alters and updates the table in one transaction.
"""

import json
from typing import Any

from django.db import migrations

from tsunagu.core import crypto
from tsunagu.core.fields import canonical_json

#: (model, column, is JSON) of every column 0002 encrypted.
COLUMNS = [
    ("insight", "evidence", True),
    ("insight", "sentence", False),
    ("insight", "note", False),
    ("insight", "dismissed_reason", False),
]


def _rewrite(apps: Any, schema_editor: Any, convert: Any) -> None:
    """Replace each non-empty value of ``COLUMNS`` by ``convert(value, is_json)`` where that differs."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    for model_name, column, is_json in COLUMNS:
        model = apps.get_model("karte", model_name)
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {quote(column)} FROM {table} WHERE {quote(column)} <> ''")  # noqa: S608
            rows = cursor.fetchall()
            changed = [(new, key) for key, old in rows if (new := convert(old, is_json)) != old]
            if changed:
                cursor.executemany(f"UPDATE {table} SET {quote(column)} = %s WHERE {pk} = %s", changed)  # noqa: S608


def _encrypt(old: str, is_json: bool) -> str:
    """The token of a plain value (JSON as its canonical text); a token stays as it is."""
    if crypto.is_token(old):
        return old
    return crypto.encrypt(canonical_json(json.loads(old)) if is_json else old)


def _decrypt(old: str, is_json: bool) -> str:
    """The plain value of a token (JSON as its canonical text); a plain value stays as it is."""
    plain = crypto.decrypt(old)
    return canonical_json(json.loads(plain)) if is_json else plain


def encrypt_rows(apps: Any, schema_editor: Any) -> None:
    """Forward: plain values become tokens."""
    _rewrite(apps, schema_editor, _encrypt)


def decrypt_rows(apps: Any, schema_editor: Any) -> None:
    """Backward: tokens become plain values again."""
    _rewrite(apps, schema_editor, _decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("karte", "0002_encrypted_class_i"),
    ]

    operations = [migrations.RunPython(encrypt_rows, decrypt_rows)]
