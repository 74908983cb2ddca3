from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KarteConfig(AppConfig):
    """児童生徒カルテ and 学級ボード: school-life and learning data per pupil, with explainable insights."""

    name = "tsunagu.karte"
    label = "karte"
    verbose_name = _("Pupil dashboard")
