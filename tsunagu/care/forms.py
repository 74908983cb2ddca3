"""The care-note form. It only shapes input; the rules live in ``services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.care.models import ALLERGENS, CareKind, Severity
from tsunagu.care.services import CareInput


class CareNoteForm(forms.Form):
    """A care note: the summary part first, then the detail only the nurse and the principal read."""

    kind = forms.ChoiceField(label=_("Kind of note"), choices=CareKind.choices, widget=forms.RadioSelect)
    condition = forms.CharField(label=_("Condition or what it is about"), max_length=60, required=False)
    allergens = forms.MultipleChoiceField(
        label=_("Allergens"),
        choices=[(a, a) for a in ALLERGENS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_allergens = forms.CharField(label=_("Other allergens"), max_length=100, required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=[("", "—"), *Severity.choices], required=False)
    anaphylaxis_history = forms.BooleanField(label=_("History of anaphylaxis"), required=False)
    epipen = forms.BooleanField(label=_("Carries an EpiPen"), required=False)
    epipen_location = forms.CharField(label=_("Where the EpiPen is kept"), max_length=100, required=False)
    essentials = forms.CharField(label=_("What teachers must do"), max_length=200, required=False)
    doctor = forms.CharField(label=_("Doctor / clinic"), max_length=100, required=False)
    action_plan = forms.CharField(
        label=_("Action plan in an emergency"), widget=forms.Textarea, required=False
    )
    medication = forms.CharField(label=_("Medication"), widget=forms.Textarea, required=False)
    emergency_contacts = forms.CharField(label=_("Emergency contacts"), widget=forms.Textarea, required=False)
    management_table = forms.BooleanField(label=_("学校生活管理指導表 submitted"), required=False)
    is_active = forms.BooleanField(label=_("Current note"), required=False, initial=True)

    def to_input(self) -> CareInput:
        return CareInput(**self.cleaned_data)
