"""Forms of the learning_summaries pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    """A test-result file: CSV (UTF-8 or Shift_JIS) or Excel (.xlsx)."""

    file = forms.FileField(label=_("CSV or Excel file"))


class PeriodForm(forms.Form):
    """The period of the class overview (the last 4 weeks by default)."""

    weeks = forms.TypedChoiceField(
        label=_("Period"),
        choices=[(1, _("1 week")), (4, _("4 weeks")), (12, _("12 weeks"))],
        coerce=int,
        initial=4,
        required=False,
    )
