from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradesConfig(AppConfig):
    """成績: evaluation plans, scores, 観点別評価 and 評定, 所見 (issue: 成績 and 帳票)."""

    name = "tsunagu.grades"
    label = "grades"
    verbose_name = _("Grades")
