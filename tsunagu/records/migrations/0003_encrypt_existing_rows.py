"""Encrypt the 指導要録 rows written before decision 0020 reached records (0002 made the columns text).

Forward: every frozen version's content becomes a token of its canonical JSON, every class-I text a
token; values already encrypted stay as they are. Backward: the tokens become plain JSON and plain
text again, so that 0002's reversal can turn the columns back into ``json``/``varchar``. Raw SQL on
the columns, so the step does not depend on what the field classes do later. The SHA-256 of each
version is over the plain canonical content and does not change.
"""

import json
from typing import Any

from django.db import migrations

from tsunagu.core import crypto
from tsunagu.core.fields import canonical_json

#: (model, column, is JSON) of every column 0002 encrypted.
COLUMNS = [
    ("enrolmentsectionversion", "content", True),
    ("guidancesectionversion", "content", True),
    ("enrolmentsectionversion", "reason", False),
    ("guidancesectionversion", "reason", False),
    ("enrolmentsection", "prior_history", False),
    ("enrolmentsection", "next_destination", False),
    ("guidancesection", "attendance_note", False),
    ("transcriptforadmission", "absence_reason", False),
    ("transcriptforadmission", "remarks", False),
]


def _rewrite(apps: Any, schema_editor: Any, convert: Any) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    for model_name, column, is_json in COLUMNS:
        model = apps.get_model("records", model_name)
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {quote(column)} FROM {table} WHERE {quote(column)} <> ''")  # noqa: S608
            rows = cursor.fetchall()
            changed = [(new, key) for key, old in rows if (new := convert(old, is_json)) != old]
            if changed:
                cursor.executemany(f"UPDATE {table} SET {quote(column)} = %s WHERE {pk} = %s", changed)  # noqa: S608


def _encrypt(old: str, is_json: bool) -> str:
    if crypto.is_token(old):
        return old
    return crypto.encrypt(canonical_json(json.loads(old)) if is_json else old)


def _decrypt(old: str, is_json: bool) -> str:
    plain = crypto.decrypt(old)
    return canonical_json(json.loads(plain)) if is_json else plain


def encrypt_rows(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, schema_editor, _encrypt)


def decrypt_rows(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, schema_editor, _decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0002_encrypted_class_i"),
    ]

    operations = [migrations.RunPython(encrypt_rows, decrypt_rows)]
