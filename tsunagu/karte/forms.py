"""Forms of the karte: taking on an insight, dismissing one."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AssignForm(forms.Form):
    """I will follow this up, by this date."""

    follow_up_on = forms.DateField(
        label=_("Follow up by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class DismissForm(forms.Form):
    """Not a concern, and why (counted, so false alarms can be found per rule)."""

    reason = forms.CharField(label=_("Reason"), max_length=200)
