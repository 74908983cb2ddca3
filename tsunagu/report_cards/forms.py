"""Forms of the 通知表 pages: the school's template, sending cards back, the release day, a print job."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.org.models import Term
from tsunagu.report_cards.models import BatchOutput, ReportCardTemplate

SECTION_FIELDS = [
    "show_learning",
    "show_ratings",
    "show_moral",
    "show_foreign_language",
    "show_integrated",
    "show_special_activities",
    "show_behaviour",
    "show_remarks",
    "show_attendance",
    "show_names",
    "show_guardian_box",
    "yearly_texts_last_term_only",
]
WORDING_FIELDS = [
    "heading_learning",
    "heading_moral",
    "heading_foreign_language",
    "heading_integrated",
    "heading_special_activities",
    "heading_behaviour",
    "heading_remarks",
    "heading_attendance",
    "heading_guardian",
    "label_knowledge",
    "label_thinking",
    "label_attitude",
    "label_excused",
]


class TemplateForm(forms.ModelForm):
    """The principal's form of the school's 通知表: title, paper, sections shown, wording."""

    class Meta:
        model = ReportCardTemplate
        fields = ["title", "paper", *SECTION_FIELDS, *WORDING_FIELDS, "note_to_families"]
        widgets = {"note_to_families": forms.Textarea(attrs={"rows": 4})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ["title", *WORDING_FIELDS]:
            if name in data:
                data[name] = (data[name] or "").strip()
        return data


class ReturnForm(forms.Form):
    """差し戻し: what the teacher should correct."""

    comment = forms.CharField(
        label=_("What to correct"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReleaseForm(forms.Form):
    """公開: the day guardians may see the cards."""

    release_on = forms.DateField(
        label=_("Release on"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )


class BatchForm(forms.Form):
    """A print job: the term and what to produce."""

    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.none(), empty_label=None)
    output_kind = forms.ChoiceField(
        label=_("Output"), choices=BatchOutput.choices, initial=BatchOutput.MERGED, widget=forms.RadioSelect
    )

    def __init__(self, *args: object, terms: list[Term], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["term"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Term.objects.filter(pk__in=[t.pk for t in terms]).order_by("number")
