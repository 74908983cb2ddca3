"""Model fields shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import FieldError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.lookups import Exact
from django.utils.functional import cached_property

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


class EncryptedTextField(models.TextField):
    """Free text of class I, stored as an AES-GCM token (core.crypto), read back as the text.

    The column is ``text`` whatever ``max_length`` says (a token is longer than its text); the
    length is checked on the text, in forms and ``full_clean``. ``single_line`` gives forms a text
    input instead of a textarea, for fields that were short ``CharField``s. Only ``= ''`` and
    ``isnull`` can be queried; other lookups and values raise, because a filter on ciphertext would
    silently match nothing. ``value_to_string`` (dumpdata) writes the
    token, so fixtures and dumps carry no plain text, and loading one stores it as it is.
    """

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

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # Django then raises FieldError: "Unsupported lookup"

    def get_transform(self, lookup_name: str) -> Any:
        return None

    def formfield(self, **kwargs: Any) -> Any:
        if self.single_line:
            kwargs.setdefault("widget", forms.TextInput)
        return super().formfield(**kwargs)
