"""Forms of the per-pupil exam page. They only shape input; the rules live in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.checkups import derive
from tsunagu.checkups.models import DentalExamRecord, GeneralExamRecord

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GeneralRecordForm(forms.ModelForm):
    """Every item of the 健康診断票 (一般); measured values as numbers, findings as short texts (blank:
    no abnormality)."""

    class Meta:
        model = GeneralExamRecord
        fields = [
            "exam_date",
            "height_cm",
            "weight_kg",
            "nutrition",
            "spine_chest_limbs",
            "vision_right",
            "vision_left",
            "vision_right_corrected",
            "vision_left_corrected",
            "eye_disease",
            "hearing_right",
            "hearing_left",
            "ent_disease",
            "skin_disease",
            "tuberculosis",
            "tuberculosis_guidance",
            "heart_ecg",
            "heart_disease",
            "urine_protein",
            "urine_glucose",
            "urine_other",
            "other_disease",
            "doctor_remarks",
            "doctor_date",
            "remarks",
        ]
        widgets = {"exam_date": DATE_INPUT, "doctor_date": DATE_INPUT}


class DentalRecordForm(forms.ModelForm):
    """The 健康診断票 (歯・口腔): the scores and findings, and the 歯式 as four quadrant texts."""

    UR = forms.CharField(label=derive.QUADRANT_LABELS["UR"], required=False, max_length=60)
    UL = forms.CharField(label=derive.QUADRANT_LABELS["UL"], required=False, max_length=60)
    LR = forms.CharField(label=derive.QUADRANT_LABELS["LR"], required=False, max_length=60)
    LL = forms.CharField(label=derive.QUADRANT_LABELS["LL"], required=False, max_length=60)

    class Meta:
        model = DentalExamRecord
        fields = [
            "exam_date",
            "jaw_joint",
            "alignment",
            "plaque",
            "gingiva",
            "other_disease",
            "dentist_remarks",
            "dentist_date",
        ]
        widgets = {"exam_date": DATE_INPUT, "dentist_date": DATE_INPUT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            for quadrant, text in self.instance.quadrants.items():
                self.initial[quadrant] = text

    def quadrants(self) -> dict[str, str]:
        """The four quadrant texts as typed."""
        return {q: self.cleaned_data.get(q, "") for q, _p, _d in derive.QUADRANTS}


class ReturnForm(forms.Form):
    """The returned slip (受診結果のお知らせ)."""

    returned_on = forms.DateField(label=_("returned on"), widget=DATE_INPUT)
    result = forms.CharField(label=_("result"), max_length=200)
    clinic = forms.CharField(label=_("clinic"), max_length=100, required=False)


class ImportForm(forms.Form):
    """The measuring equipment's CSV file."""

    file = forms.FileField(label=_("CSV file"))
