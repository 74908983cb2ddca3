from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterSyncConfig(AppConfig):
    """OneRoster 1.2 (Japan profiles): our roster, exported for the 学習eポータル and learning apps."""

    name = "tsunagu.roster_sync"
    label = "roster_sync"
    verbose_name = _("OneRoster")
