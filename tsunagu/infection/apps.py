from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfectionConfig(AppConfig):
    """学校感染症: diagnoses, 出席停止 periods written into the register, 学級閉鎖 proposals. Data class I."""

    name = "tsunagu.infection"
    label = "infection"
    verbose_name = _("School infections")
