"""Forms of the records pages (validation of shape only; the rules are in ``services``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DraftForm(forms.Form):
    """The year's items no other app holds."""

    prior_history = forms.CharField(
        label=_("History before entry (入学前の経歴)"),
        required=False,
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    next_destination = forms.CharField(
        label=_("Next school or employer (進学先・就職先)"), required=False, max_length=200
    )
    attendance_note = forms.CharField(
        label=_("Attendance remarks (出欠の備考)"), required=False, max_length=200
    )


class SignForm(forms.Form):
    """The principal's sign-off: the password again, and the pupils (all submitted ones by default)."""

    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class AmendForm(forms.Form):
    """An amendment: the reason, the password, the items to change, and whether to read the data again."""

    reason = forms.CharField(label=_("Reason for the amendment"), max_length=300)
    reread = forms.BooleanField(
        label=_("Read the grades, attendance and enrolment data again first"), required=False
    )
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args: object, items: list[tuple[str, str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.items = items
        for path, label, value in items:
            self.fields[f"item:{path}"] = forms.CharField(
                label=label,
                required=False,
                initial=value,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def changes(self) -> dict[str, str]:
        """Only the items whose text differs from the signed version."""
        return {
            path: self.cleaned_data[f"item:{path}"]
            for path, _label, value in self.items
            if self.cleaned_data[f"item:{path}"].strip() != value
        }


class TranscriptForm(forms.Form):
    """What the homeroom teacher writes on the 調査書."""

    absence_reason = forms.CharField(label=_("Main reason for absences"), required=False, max_length=200)
    remarks = forms.CharField(
        label=_("Remarks"), required=False, max_length=600, widget=forms.Textarea(attrs={"rows": 3})
    )
