"""Forms of the board's learning-app pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.learning.models import ClientKind, Permission
from tsunagu.org.models import School


class ClientForm(forms.Form):
    """Register or change a learning app: name, kind, the schools it serves and its permissions."""

    name = forms.CharField(label=_("App name"), max_length=100)
    kind = forms.ChoiceField(
        label=_("App kind"), choices=ClientKind.choices, widget=forms.RadioSelect, initial=ClientKind.APP
    )
    all_schools = forms.BooleanField(label=_("Serves every school of the ward"), required=False, initial=True)
    schools = forms.ModelMultipleChoiceField(
        label=_("Schools served"),
        queryset=School.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only when it does not serve every school."),
    )
    permissions = forms.MultipleChoiceField(
        label=_("What it may do"),
        choices=Permission.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Permission.STATEMENTS_WRITE, Permission.STATEMENTS_READ_MINE, Permission.STATE],
    )

    def __init__(self, *args: Any, board: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = School.objects.filter(board=board).order_by("kind", "mext_code")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("all_schools") and not data.get("schools"):
            raise forms.ValidationError(_("Choose the schools it serves, or every school."))
        return data


class MatchForm(forms.Form):
    """Match a quarantined actor to a pupil by the pupil's UUID (as in OneRoster's userMasterIdentifier)."""

    pupil_uuid = forms.UUIDField(label=_("Pupil UUID"))
