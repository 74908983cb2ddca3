"""``manage.py field_keys generate|status|rotate``: keys of the class-I field encryption (core.crypto).

- ``generate`` prints a new entry for ``TSUNAGU_FIELD_KEYS`` (put it first to make it current).
- ``status`` counts the stored values of every encrypted field by key id (``plain`` = written
  before encryption was switched on).
- ``rotate`` re-encrypts plain values and values under older keys with the current key, table by
  table in batches. History tables are append-only (decision 0003) and keep the key they were
  written with, so a key leaves ``TSUNAGU_FIELD_KEYS`` only once no retained history needs it
  (``status`` shows which keys are still in use).

Values encrypted with the same keys outside an encrypted field (the MFA secrets in
``mfa_authenticator.data``) are found through ``token_stores`` on an app's ``AppConfig``: dotted paths
of classes with a ``label``, ``stored_values()`` (the stored values) and ``rotate()`` (re-encrypt with
the current key, return how many).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils.module_loading import import_string
from simple_history.models import HistoricalChanges

from tsunagu.core import crypto
from tsunagu.core.fields import ENCRYPTED_FIELDS
from tsunagu.core.scope import system_scope

BATCH = 500


def encrypted_fields() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every (model, field) stored encrypted (text and JSON), history models included."""
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, ENCRYPTED_FIELDS)
    ]


def token_stores() -> list[Any]:
    """The stores of tokens outside encrypted fields that installed apps declare (``token_stores``)."""
    return [
        import_string(path)()
        for app_config in apps.get_app_configs()
        for path in getattr(app_config, "token_stores", ())
    ]


def _raw_values(model: type[models.Model], field: models.Field[Any, Any]) -> list[tuple[Any, str]]:
    """(pk, stored value) of the non-empty values, as stored (the field would decrypt them)."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(str(field.column))
    pk = connection.ops.quote_name(str(model._meta.pk.column))
    with connection.cursor() as cursor:
        # Names are quoted by the backend and come from our models, not from input.
        sql = f"SELECT {pk}, {column} FROM {table} WHERE {column} IS NOT NULL AND {column} <> ''"  # noqa: S608
        cursor.execute(sql)
        return list(cursor.fetchall())


class Command(BaseCommand):
    help = "Keys of the class-I field encryption: generate one, show their use, re-encrypt with the current."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["generate", "status", "rotate"])
        parser.add_argument("--id", default="k1", help="id of the generated key (letters and digits)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "generate":
            try:
                self.stdout.write(crypto.new_entry(options["id"]))
            except ValueError as error:
                raise CommandError(str(error)) from error
            return
        with system_scope(reason=f"field_keys {action}: every encrypted field of every table"):
            if action == "status":
                self._status()
            else:
                self._rotate()

    def _status(self) -> None:
        current = crypto.keyring().current
        self.stdout.write(f"current key: {current}")
        places: list[tuple[str, Any]] = [
            (f"{model._meta.label}.{field.name}", (value for _, value in _raw_values(model, field)))
            for model, field in encrypted_fields()
        ]
        places += [(store.label, store.stored_values()) for store in token_stores()]
        for label, values in places:
            counts = Counter(crypto.key_id_of(value) or "plain" for value in values)
            if counts:
                shown = ", ".join(f"{key}={n}" for key, n in sorted(counts.items()))
                self.stdout.write(f"{label}: {shown}")

    def _rotate(self) -> None:
        current = crypto.keyring().current
        total = 0
        for model, field in encrypted_fields():
            if issubclass(model, HistoricalChanges):
                continue  # append-only: keeps the key it was written with
            stale = [pk for pk, value in _raw_values(model, field) if crypto.key_id_of(value) != current]
            for start in range(0, len(stale), BATCH):
                with transaction.atomic():
                    chunk = stale[start : start + BATCH]
                    rows = model._base_manager.filter(pk__in=chunk).values_list("pk", field.name)
                    for pk, text in rows:
                        model._base_manager.filter(pk=pk).update(**{field.name: text})
            if stale:
                self.stdout.write(f"{model._meta.label}.{field.name}: {len(stale)} re-encrypted")
            total += len(stale)
        for store in token_stores():
            moved = store.rotate()
            if moved:
                self.stdout.write(f"{store.label}: {moved} re-encrypted")
            total += moved
        self.stdout.write(f"{total} value(s) now under key {current}")
