"""allauth adapters: closed sign-up, lockout left to django-axes, and staff keep a second factor."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from tsunagu.accounts.mfa import FACTOR_TYPES
from tsunagu.core import crypto


class AccountAdapter(DefaultAccountAdapter):
    """Closes public sign-up; every account comes from the roster or the staff list."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Leave password-guessing limits to django-axes, which keys them on username + IP.

        allauth's own limit counts failures per username from any address, so anyone could lock
        a teacher out from anywhere, and per IP, which locks out a whole school behind one NAT
        address. Axes counts per (username, IP) on every ``authenticate()`` call instead; the MFA
        code limit (per user, allauth's ``login_failed`` rate) is not affected by this.
        """
        return None


class MFAAdapter(DefaultMFAAdapter):
    """Staff may not switch off their last second factor; they may add another one first. The secrets
    allauth keeps in ``Authenticator.data`` are stored encrypted with the field keyring."""

    def encrypt(self, text: str) -> str:
        """The token stored for a secret allauth keeps (the TOTP secret, the recovery codes' seed).

        A TOTP secret in a dump or backup is a working second factor for anyone who also learns the
        password, so it is kept like class-I text (decision 0020): the same AES-256-GCM tokens and
        keys as ``EncryptedTextField``, rotated by ``manage.py field_keys rotate``.
        """
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        """The secret of a stored token; a value that is not a token (stored before encryption, until
        accounts' data migration runs) comes back as it is, so existing authenticators keep working."""
        return crypto.decrypt(encrypted_text)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        from tsunagu.accounts.selectors import is_staff_actor

        if authenticator.type not in FACTOR_TYPES or not is_staff_actor(authenticator.user):
            return True
        others = Authenticator.objects.filter(user_id=authenticator.user_id, type__in=FACTOR_TYPES).exclude(
            pk=authenticator.pk
        )
        return others.exists()
