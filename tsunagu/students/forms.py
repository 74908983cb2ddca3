"""Forms of the roster pages (GET filters; nothing here writes)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.org.models import Homeroom


class RosterSearchForm(forms.Form):
    """Name search, matching kanji or kana in any width (ﾔﾏﾀﾞ, ヤマダ, やまだ and 山田 all find 山田)."""

    q = forms.CharField(label=_("Search by name"), required=False, max_length=50, strip=True)

    def query(self) -> str:
        """The search text, or "" for an invalid or empty form."""
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class SchoolRosterFilterForm(RosterSearchForm):
    """Name search plus grade and class filters; the choices are only the classes the actor may see."""

    grade = forms.ChoiceField(label=_("Grade"), required=False)
    homeroom = forms.ChoiceField(label=_("Class"), required=False)

    def __init__(self, *args: Any, homerooms: list[Homeroom], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._homerooms = {str(h.uuid): h for h in homerooms}
        grades = {h.grade_level.code: h.grade_level.name for h in homerooms}
        grade_field = cast(forms.ChoiceField, self.fields["grade"])
        homeroom_field = cast(forms.ChoiceField, self.fields["homeroom"])
        grade_field.choices = [("", _("All grades")), *grades.items()]
        homeroom_field.choices = [("", _("All classes"))] + [
            (key, h.display_name) for key, h in self._homerooms.items()
        ]

    def query(self) -> str:
        return self._clean_value("q")

    def value(self, name: str) -> str:
        """A cleaned filter value; "" when absent or not one of the choices."""
        return self._clean_value(name)

    def chosen_homeroom(self) -> Homeroom | None:
        """The chosen homeroom, or None."""
        return self._homerooms.get(self._clean_value("homeroom"))

    def _clean_value(self, name: str) -> str:
        # Each field is judged on its own: an unknown class drops only itself, not the name search.
        self.is_valid()
        return str(self.cleaned_data.get(name) or "")
