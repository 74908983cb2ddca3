from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningSummariesConfig(AppConfig):
    """Learning summaries per pupil × subject × day, kept from xAPI statements and test-result imports."""

    name = "tsunagu.learning_summaries"
    label = "learning_summaries"
    verbose_name = _("Learning summaries")
