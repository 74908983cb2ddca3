from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    """配慮事項: allergies, chronic conditions, medication; shared with who teaches the pupil. Class I."""

    name = "tsunagu.care"
    label = "care"
    verbose_name = _("Care notes")
