from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportCardsConfig(AppConfig):
    """通知表: per-school templates, rendering with Typst, the principal's approval, release to
    guardians."""

    name = "tsunagu.report_cards"
    label = "report_cards"
    verbose_name = _("Report cards")
