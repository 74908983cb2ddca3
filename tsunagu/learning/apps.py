from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    """学習データ: the app registry, the xAPI Learning Record Store and learning summaries."""

    name = "tsunagu.learning"
    label = "learning"
    verbose_name = _("Learning data")
