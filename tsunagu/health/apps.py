from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    """保健: the daily health check-in (健康観察 / 心の天気) and talk requests (more to come)."""

    name = "tsunagu.health"
    label = "health"
    verbose_name = _("Health")
