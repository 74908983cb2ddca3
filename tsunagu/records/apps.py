from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """指導要録 (様式1 学籍 / 様式2 指導) and 調査書: the legal records, signed off, then amended only
    with versions."""

    name = "tsunagu.records"
    label = "records"
    verbose_name = _("Cumulative records")
