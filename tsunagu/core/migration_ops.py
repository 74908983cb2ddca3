"""Data-migration steps shared by the apps: moving existing class-I values under the field keys.

When a column becomes an ``EncryptedTextField`` or ``EncryptedJSONField`` (decision 0020), a schema
migration turns it into ``text`` and a separate data migration rewrites the rows already there — two
migrations, so PostgreSQL never alters and updates one table in one transaction. The data step is the
same in every app, so it lives here: raw SQL on the main table's column (it must not depend on what
the field classes do later), values already in the wanted form left alone (the step can run twice),
and a reverse that writes plain values back so the schema step's reversal leaves readable data.
History tables are not touched: they are append-only in the database (decision 0003) and keep what
they were written with.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from tsunagu.core import crypto
from tsunagu.core.fields import canonical_json

#: A column to rewrite: (model name, column) for text, (model name, column, True) for JSON.
Column = tuple[str, str] | tuple[str, str, bool]
Step = Callable[[Any, Any], None]


def _encrypt(old: str, is_json: bool) -> str:
    """The token of a plain value (JSON as its canonical text); a token stays as it is."""
    if crypto.is_token(old):
        return old
    return crypto.encrypt(canonical_json(json.loads(old)) if is_json else old)


def _decrypt(old: str, is_json: bool) -> str:
    """The plain value of a token (JSON as its canonical text); a plain value stays as it is."""
    plain = crypto.decrypt(old)
    return canonical_json(json.loads(plain)) if is_json else plain


def _rewrite(app_label: str, columns: Sequence[Column], convert: Callable[[str, bool], str]) -> Step:
    """A step replacing each non-empty value of ``columns`` by ``convert(value, is_json)`` where that
    differs (one UPDATE per changed row; these tables hold a school's notes, not millions of rows)."""

    def step(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        quote = connection.ops.quote_name
        for model_name, column, *json_flag in columns:
            is_json = bool(json_flag and json_flag[0])
            model = apps.get_model(app_label, model_name)
            table, pk, col = quote(model._meta.db_table), quote(model._meta.pk.column), quote(column)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {pk}, {col} FROM {table} WHERE {col} <> ''")  # noqa: S608
                rows = cursor.fetchall()
                changed = [(new, key) for key, old in rows if (new := convert(old, is_json)) != old]
                if changed:
                    cursor.executemany(f"UPDATE {table} SET {col} = %s WHERE {pk} = %s", changed)  # noqa: S608

    return step


def encrypting_steps(app_label: str, columns: Sequence[Column]) -> tuple[Step, Step]:
    """``(encrypt_rows, decrypt_rows)`` for ``RunPython``: forward, every non-empty value of the
    columns becomes a token under the current key; backward, every token becomes its plain value."""
    return _rewrite(app_label, columns, _encrypt), _rewrite(app_label, columns, _decrypt)
