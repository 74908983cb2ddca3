"""Encrypt the guardian-link notes written before decision 0020 reached students (0003 made the column
text and the field ``EncryptedTextField``).

Forward: every non-empty ``note`` becomes a token; a value already encrypted stays as it is. Backward:
the tokens become plain text again, so that 0003's reversal can turn the column back into
``varchar(200)``. Raw SQL on the column, so the step does not depend on what the field class does later.
A separate migration from 0003 so that PostgreSQL never alters and updates the table in one
transaction. The history table is left alone: it is append-only in the database (decision 0003), so
versions written before 0003 keep their plain note and later versions hold tokens.
"""

from typing import Any

from django.db import migrations

from tsunagu.core import crypto

#: (model, column) of every column 0003 encrypted on a main table.
COLUMNS = [("guardianlink", "note")]


def _rewrite(apps: Any, schema_editor: Any, convert: Any) -> None:
    """Replace each non-empty value of ``COLUMNS`` by ``convert(value)`` where that differs."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    for model_name, column in COLUMNS:
        model = apps.get_model("students", model_name)
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {quote(column)} FROM {table} WHERE {quote(column)} <> ''")  # noqa: S608
            rows = cursor.fetchall()
            changed = [(new, key) for key, old in rows if (new := convert(old)) != old]
            if changed:
                cursor.executemany(f"UPDATE {table} SET {quote(column)} = %s WHERE {pk} = %s", changed)  # noqa: S608


def encrypt_rows(apps: Any, schema_editor: Any) -> None:
    """Forward: plain notes become tokens (tokens stay as they are)."""
    _rewrite(apps, schema_editor, crypto.encrypt)


def decrypt_rows(apps: Any, schema_editor: Any) -> None:
    """Backward: tokens become plain notes again (plain ones stay as they are)."""
    _rewrite(apps, schema_editor, crypto.decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("students", "0003_encrypted_class_i"),
    ]

    operations = [migrations.RunPython(encrypt_rows, decrypt_rows)]
