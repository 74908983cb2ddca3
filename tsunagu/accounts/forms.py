"""Login and MFA forms, tuned for pupils and teachers typing on iPads with a Japanese keyboard."""

from __future__ import annotations

import unicodedata
from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.core import context
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms

from tsunagu.accounts.mfa import mark_enrolled


class LoginForm(AllauthLoginForm):
    """allauth's login form with the user name normalised and iPad-friendly input hints.

    A Japanese keyboard easily types full-width letters (ｔａｎａｋａ) and iOS capitalises the first
    letter; NFKC turns full-width into ASCII, and allauth matches user names case-insensitively.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.widget.attrs.update(
            {
                "autocapitalize": "none",
                "autocorrect": "off",
                "spellcheck": "false",
                "autocomplete": "username",
            }
        )
        login.widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        # allauth adds a "forgotten your password?" link to the help text; password reset is done by
        # the school, which the login template says instead.
        self.fields["password"].help_text = ""

    def clean_login(self) -> str:
        return unicodedata.normalize("NFKC", super().clean_login()).strip()


def _numeric_code(field: forms.Field) -> None:
    # iPads then show the number pad and offer the code from the authenticator app / SMS bar.
    field.widget.attrs.update(
        {"inputmode": "numeric", "autocomplete": "one-time-code", "autocapitalize": "none"}
    )


class AuthenticateForm(mfa_forms.AuthenticateForm):
    """allauth's MFA code form at login, with a numeric keypad on iPads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _numeric_code(self.fields["code"])


class ReauthenticateForm(mfa_forms.ReauthenticateForm):
    """allauth's MFA code form for re-authentication, with a numeric keypad on iPads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _numeric_code(self.fields["code"])


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):
    """allauth's TOTP set-up form, with a numeric keypad on iPads.

    A valid code proves that this session holds the new factor, so the session is marked as
    MFA-verified here (``mark_enrolled``). allauth's ``authenticator_added`` signal would be the
    natural place, but for TOTP it is sent from ``transaction.on_commit``, which under an outer
    transaction runs after the session has been saved.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _numeric_code(self.fields["code"])

    def clean_code(self) -> str:
        code: str = super().clean_code()
        request = context.request
        if request is not None and getattr(request, "user", None) == self.user:
            mark_enrolled(request, self.user)
        return code
