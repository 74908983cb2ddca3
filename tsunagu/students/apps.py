from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudentsConfig(AppConfig):
    """学籍: pupils, guardians, enrolments and their history, the roster."""

    name = "tsunagu.students"
    label = "students"
    verbose_name = _("Enrolment records")
