"""Password validators beyond Django's own (ASVS 5.0 §6.2)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MaximumLengthValidator:
    """Rejects passwords longer than ``max_length`` (default 128) to bound hashing cost; 64+ are allowed."""

    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                _("This password is too long. It may have at most %(max)d characters.")
                % {"max": self.max_length},
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return _("Your password may have up to %(max)d characters; a long passphrase is best.") % {
            "max": self.max_length
        }
