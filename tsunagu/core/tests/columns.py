"""Test helpers reading and writing a column as the database holds it, under the field classes.

Tests of encrypted fields (decision 0020) need the stored token, which the field would decrypt, and
need to plant a plain value as a row written before the field was encrypted.
"""

from __future__ import annotations

from typing import Any

from django.db import connection


def _where(model: Any, column: str) -> tuple[str, str, str]:
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), quote(column), quote(model._meta.pk.column)


def stored_value(model: Any, column: str, pk: Any) -> str:
    """The column of the row ``pk`` as the database holds it (a history model's key is history_id)."""
    table, col, key = _where(model, column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {col} FROM {table} WHERE {key} = %s", [pk])
        return str(cursor.fetchone()[0])


def store_plain(model: Any, column: str, pk: Any, text: str) -> None:
    """Write ``text`` into the column as it is, as a row written before the field was encrypted."""
    table, col, key = _where(model, column)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {col} = %s WHERE {key} = %s", [text, pk])
