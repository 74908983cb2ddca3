"""Model fields shared by the apps."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import FieldError, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.lookups import Exact
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from tsunagu.core import crypto


class _EmptyOnlyExact(Exact):
    """``field=''``: whether there is any text. Any other value would be compared with ciphertext and
    silently match nothing, so it is refused."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted: it can be compared with '' only (filter in Python)"
            )
        return super().get_prep_lookup()


class _OpaqueToQueries:
    """Lookups for a column holding ciphertext: ``isnull`` and the subclass's ``extra_lookups`` only, and
    no transforms. Any other comparison would be made with ciphertext and silently match nothing, so
    Django raises ``FieldError`` ("Unsupported lookup") instead."""

    extra_lookups: dict[str, Any] = {}

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)  # type: ignore[misc]
        return self.extra_lookups.get(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        return None


class EncryptedTextField(_OpaqueToQueries, models.TextField):
    """Free text of class I, stored as an AES-GCM token (core.crypto), read back as the text.

    The column is ``text`` whatever ``max_length`` says (a token is longer than its text); the
    length is checked on the text, in forms and ``full_clean``. ``single_line`` gives forms a text
    input instead of a textarea, for fields that were short ``CharField``s. Only ``= ''`` and
    ``isnull`` can be queried; other lookups and values raise, because a filter on ciphertext would
    silently match nothing. ``value_to_string`` (dumpdata) writes the
    token, so fixtures and dumps carry no plain text, and loading one stores it as it is.
    """

    extra_lookups = {"exact": _EmptyOnlyExact}

    def __init__(self, *args: Any, single_line: bool = False, **kwargs: Any) -> None:
        self.single_line = single_line
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.single_line:
            kwargs["single_line"] = True
        return name, path, args, kwargs

    @cached_property
    def validators(self) -> list[Any]:
        found = list(super().validators)
        if self.max_length is not None:
            found.append(MaxLengthValidator(self.max_length))
        return found

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return value if value is None else crypto.encrypt(str(value))

    def value_to_string(self, obj: models.Model) -> str:
        text = self.value_from_object(obj)
        return "" if text is None else crypto.encrypt(str(text))

    def formfield(self, **kwargs: Any) -> Any:
        if self.single_line:
            kwargs.setdefault("widget", forms.TextInput)
        return super().formfield(**kwargs)


def canonical_json(value: Any) -> str:
    """The one JSON text of ``value``: sorted keys, no spacing, characters as they are (not ``\\u``
    escapes). Equal values give equal text whatever order their dicts were built in."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def encrypt_json(value: Any) -> str:
    """The token stored for a JSON value (its canonical JSON, encrypted with the current key)."""
    return crypto.encrypt(canonical_json(value))


def decrypt_json(stored: str) -> Any:
    """The JSON value of a stored token; a plain JSON text written before encryption reads as it is."""
    return json.loads(crypto.decrypt(stored))


class EncryptedJSONField(_OpaqueToQueries, models.TextField):
    """Structured content of class I — a frozen 指導要録 version — stored as an AES-GCM token of its
    canonical JSON (:func:`canonical_json`), read back as the JSON value (dict, list, …).

    The column is ``text`` on every database, never ``json``/``jsonb``: the database sees only the
    token, so nothing inside the value can be queried — every lookup except ``isnull`` and every key
    transform (``content__remark``) raises ``FieldError`` instead of silently matching nothing. Values
    are JSON as ``models.JSONField`` accepts them (no dates or decimals). A column still holding plain
    JSON (rows written before encryption) reads as it is until ``manage.py field_keys rotate`` or the
    owning app's data migration encrypts it. ``value_to_string`` (dumpdata) writes the token, and
    loading a token back decrypts it before it is stored again.
    """

    # For django-stubs: the Python value is any JSON value, not the str of a TextField.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any
    _pyi_lookup_exact_type: Any

    empty_strings_allowed = False
    description = _("A JSON value, encrypted")
    default_error_messages = {"invalid": _("Value must be valid JSON.")}

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else decrypt_json(value)

    def to_python(self, value: Any) -> Any:
        # A token comes from a fixture or dump (value_to_string); anything else is the value itself.
        if isinstance(value, str) and crypto.is_token(value):
            return decrypt_json(value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        # Field's, not TextField's: that one would turn the value into str() before we see it.
        value = models.Field.get_prep_value(self, value)
        return None if value is None else encrypt_json(value)

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        try:
            canonical_json(value)
        except (TypeError, ValueError) as error:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from error

    def value_to_string(self, obj: models.Model) -> Any:
        value = self.value_from_object(obj)
        return None if value is None else encrypt_json(value)

    def formfield(self, **kwargs: Any) -> Any:
        # Field's, not TextField's (a textarea of str): the form reads and writes JSON.
        return models.Field.formfield(self, **{"form_class": forms.JSONField, **kwargs})


#: The field classes whose columns hold tokens (``manage.py field_keys`` walks them).
ENCRYPTED_FIELDS: tuple[type[models.Field[Any, Any]], ...] = (EncryptedTextField, EncryptedJSONField)
