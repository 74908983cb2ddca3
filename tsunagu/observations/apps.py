from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservationsConfig(AppConfig):
    """いいところみつけ (GoodPoint) and 共有TOPIC (SharedTopic): what staff notice about a pupil."""

    name = "tsunagu.observations"
    label = "observations"
    verbose_name = _("Observations")
