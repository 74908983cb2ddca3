from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    """出席簿: daily marks, closures, guardians' absence reports and the 指導要録 aggregation."""

    name = "tsunagu.attendance"
    label = "attendance"
    verbose_name = _("Attendance")
