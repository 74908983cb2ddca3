"""Forms of the infection pages. They only shape input; the rules live in ``services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.attendance.models import ClosureScope
from tsunagu.infection.diseases import disease_choices

DATE = forms.DateInput(attrs={"type": "date"})


class DiagnosisForm(forms.Form):
    """A diagnosis as the nurse enters it (the period is worked out from it)."""

    disease = forms.ChoiceField(label=_("Disease"), choices=[("", "—"), *disease_choices()])
    onset_date = forms.DateField(label=_("Onset date (day 0)"), widget=DATE)
    diagnosed_on = forms.DateField(
        label=_("Diagnosed on (first day of suspension)"), widget=DATE, required=False
    )
    fever_end_date = forms.DateField(
        label=_("Fever ended on (influenza, measles)"), widget=DATE, required=False
    )
    condition_date = forms.DateField(
        label=_("Condition met on (symptoms eased, rash crusted, doctor's permission …)"),
        widget=DATE,
        required=False,
    )
    preschool = forms.BooleanField(label=_("Infant (幼児)"), required=False)
    doctor_note = forms.CharField(label=_("Doctor's note"), max_length=300, required=False)


class ConfirmForm(forms.Form):
    """The nurse confirms the proposed days, or adjusts them with a reason."""

    first_day = forms.DateField(label=_("First day"), widget=DATE)
    last_day = forms.DateField(label=_("Last day"), widget=DATE)
    reason = forms.CharField(label=_("Reason for adjusting"), max_length=200, required=False)


class DatesForm(forms.Form):
    """A date entered later: the fever's end or the condition."""

    fever_end_date = forms.DateField(label=_("Fever ended on"), widget=DATE, required=False)
    condition_date = forms.DateField(label=_("Condition met on"), widget=DATE, required=False)
    doctor_note = forms.CharField(label=_("Doctor's note"), max_length=300, required=False)


class CancelForm(forms.Form):
    """Cancel a diagnosis recorded in error."""

    reason = forms.CharField(label=_("Reason"), max_length=200)


class DecideForm(forms.Form):
    """The principal's decision on a 学級閉鎖 proposal."""

    scope = forms.ChoiceField(label=_("Scope"), choices=ClosureScope.choices, widget=forms.RadioSelect)
    start_date = forms.DateField(label=_("First day"), widget=DATE)
    end_date = forms.DateField(label=_("Last day"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class DismissForm(forms.Form):
    """The principal decides not to close."""

    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class SettingsForm(forms.Form):
    """The board's 学級閉鎖 threshold."""

    threshold_percent = forms.IntegerField(label=_("Threshold (% of the class)"), min_value=1, max_value=100)
    threshold_pupils = forms.IntegerField(
        label=_("Threshold (pupils, optional)"), min_value=1, max_value=99, required=False
    )
