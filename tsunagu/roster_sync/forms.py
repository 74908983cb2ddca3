"""The export and check forms of the OneRoster page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.org.models import School
from tsunagu.roster_sync.profiles import PROFILES

WARD = "ward"


class ExportForm(forms.Form):
    """What to export: the ward or one school, which profile, bulk or a delta since a date."""

    scope = forms.ChoiceField(label=_("Schools"))
    profile = forms.ChoiceField(
        label=_("Profile"), choices=[(p.code, p.label) for p in PROFILES.values()], initial="jp-1.2.1"
    )
    since = forms.DateTimeField(
        label=_("Changes since (delta)"),
        required=False,
        help_text=_("Leave empty for a full (bulk) export."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    subject_classes = forms.BooleanField(
        label=_("Include subject classes (teaching groups) with their pupils"), required=False
    )
    terms = forms.BooleanField(
        label=_("Include each school's terms (学期) as academicSessions of type term"),
        required=False,
        help_text=_(
            "Off by default: portals built on the Japan Profile expect only the school year. The REST "
            "provider always offers the terms."
        ),
    )

    def __init__(self, *args: Any, schools: list[School], ward: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [(WARD, str(_("All schools of the ward")))] if ward else []
        choices += [(str(s.uuid), s.name) for s in schools]
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)
        scope.choices = choices
        self.schools = schools

    def chosen_schools(self) -> list[School]:
        scope = self.cleaned_data["scope"]
        return list(self.schools) if scope == WARD else [s for s in self.schools if str(s.uuid) == scope]


class CheckForm(forms.Form):
    """A OneRoster zip to check against a profile and, optionally, to compare with our roster."""

    file = forms.FileField(label=_("OneRoster package (zip)"))
    profile = forms.ChoiceField(
        label=_("Profile"), choices=[(p.code, p.label) for p in PROFILES.values()], initial="jp-1.2.1"
    )
    compare = forms.ChoiceField(label=_("Compare with the roster of"), required=False)

    def __init__(self, *args: Any, schools: list[School], ward: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [("", str(_("Only check the package")))]
        choices += [(WARD, str(_("All schools of the ward")))] if ward else []
        choices += [(str(s.uuid), s.name) for s in schools]
        compare = self.fields["compare"]
        assert isinstance(compare, forms.ChoiceField)
        compare.choices = choices
        self.schools = schools

    def compared_schools(self) -> list[School]:
        """The schools to compare with (none: only check)."""
        chosen = self.cleaned_data.get("compare") or ""
        if not chosen:
            return []
        return list(self.schools) if chosen == WARD else [s for s in self.schools if str(s.uuid) == chosen]
