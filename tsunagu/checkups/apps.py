from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckupsConfig(AppConfig):
    """健康診断: general and dental exam records, follow-ups (事後措置) and the 健康診断票. Data class I."""

    name = "tsunagu.checkups"
    label = "checkups"
    verbose_name = _("Health exams")
