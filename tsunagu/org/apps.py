from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    """Board, schools, school years, terms, calendar, grades, homerooms, subjects, staff."""

    name = "tsunagu.org"
    label = "org"
    verbose_name = _("Organisation")
