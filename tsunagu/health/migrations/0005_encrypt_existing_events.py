"""Encrypt the 保健日誌 events written before they became an encrypted field (0004 made the column text).

Forward: every non-empty value becomes a token; values already encrypted stay as they are, so the
step can run twice. Backward: the tokens become plain text again, so that 0004's reversal leaves
readable text in the column. Raw SQL on the main table only, so the step does not depend on what the
field class does later; history tables are append-only (docs/decisions/0003) and keep what they were
written with. A separate migration from 0004 so that PostgreSQL never alters and updates the table in
one transaction.
"""

from typing import Any

from django.db import migrations

from tsunagu.core import crypto

#: (model, column) of every column 0004 encrypted.
COLUMNS = [("nursedailylog", "events")]


def _rewrite(apps: Any, schema_editor: Any, convert: Any) -> None:
    """Replace each non-empty value of ``COLUMNS`` by ``convert(value)`` where that differs."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    for model_name, column in COLUMNS:
        model = apps.get_model("health", model_name)
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {quote(column)} FROM {table} WHERE {quote(column)} <> ''")  # noqa: S608
            rows = cursor.fetchall()
            changed = [(new, key) for key, old in rows if (new := convert(old)) != old]
            if changed:
                cursor.executemany(f"UPDATE {table} SET {quote(column)} = %s WHERE {pk} = %s", changed)  # noqa: S608


def encrypt_rows(apps: Any, schema_editor: Any) -> None:
    """Forward: plain values become tokens under the current key (``encrypt`` leaves tokens as they are)."""
    _rewrite(apps, schema_editor, crypto.encrypt)


def decrypt_rows(apps: Any, schema_editor: Any) -> None:
    """Backward: tokens become plain text (plain values read as they are)."""
    _rewrite(apps, schema_editor, crypto.decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0004_encrypted_events"),
    ]

    operations = [migrations.RunPython(encrypt_rows, decrypt_rows)]
