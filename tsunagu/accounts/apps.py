from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, role assignments, MFA enforcement and session rules."""

    name = "tsunagu.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    #: Stores of encrypted values outside encrypted fields, for ``manage.py field_keys``: the MFA
    #: secrets that ``MFAAdapter.encrypt`` writes into ``Authenticator.data``.
    token_stores = ("tsunagu.accounts.mfa.AuthenticatorSecrets",)

    def ready(self) -> None:
        from tsunagu.accounts import receivers

        receivers.connect()
