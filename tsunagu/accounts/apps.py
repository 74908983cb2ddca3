from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, role assignments, MFA enforcement and session rules."""

    name = "tsunagu.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from tsunagu.accounts import receivers

        receivers.connect()
