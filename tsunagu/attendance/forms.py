"""Forms of the attendance pages. Choice fields offer only what the actor may pick (own children,
own school's classes); the services check again and hold every rule."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.attendance.models import ClosureScope, ReportKind, ReportReason, Symptom
from tsunagu.org.models import GradeLevel, Homeroom
from tsunagu.students.models import Student


class AbsenceReportForm(forms.Form):
    """欠席連絡: which child, which day, what and why (symptoms and temperature are optional)."""

    child = forms.ChoiceField(label=_("Child"))
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind of report"), choices=ReportKind.choices, widget=forms.RadioSelect)
    reason = forms.ChoiceField(label=_("Reason"), choices=ReportReason.choices, widget=forms.RadioSelect)
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"), choices=Symptom.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"),
        required=False,
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "34", "max": "43", "inputmode": "decimal"}),
    )
    time = forms.TimeField(
        label=_("Time (late arrival or leaving)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    note = forms.CharField(
        label=_("Message to the school"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, children: list[Student], today: dt.date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).update({"day": today, "kind": ReportKind.ABSENCE})
        super().__init__(*args, **kwargs)
        self._children = {str(c.uuid): c for c in children}
        field = cast(forms.ChoiceField, self.fields["child"])
        field.choices = [(key, child.full_name) for key, child in self._children.items()]
        if len(children) == 1:
            field.initial = next(iter(self._children))

    def chosen_child(self) -> Student:
        return self._children[self.cleaned_data["child"]]


class ClosureForm(forms.Form):
    """臨時休業 / 学年閉鎖 / 学級閉鎖 over a run of days."""

    scope = forms.ChoiceField(label=_("Scope"), choices=ClosureScope.choices, widget=forms.RadioSelect)
    grade = forms.ChoiceField(label=_("Grade"), required=False)
    homeroom = forms.ChoiceField(label=_("Class"), required=False)
    start_date = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args: Any, homerooms: list[Homeroom], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._homerooms = {str(h.uuid): h for h in homerooms}
        self._grades = {h.grade_level.code: h.grade_level for h in homerooms}
        cast(forms.ChoiceField, self.fields["grade"]).choices = [("", "—")] + [
            (code, grade.name) for code, grade in self._grades.items()
        ]
        cast(forms.ChoiceField, self.fields["homeroom"]).choices = [("", "—")] + [
            (key, h.display_name) for key, h in self._homerooms.items()
        ]

    def chosen_grade(self) -> GradeLevel | None:
        return self._grades.get(self.cleaned_data.get("grade") or "")

    def chosen_homeroom(self) -> Homeroom | None:
        return self._homerooms.get(self.cleaned_data.get("homeroom") or "")


class AttendanceSettingsForm(forms.Form):
    """The school's reporting deadline and per-period marks (junior high)."""

    report_deadline = forms.TimeField(
        label=_("Guardians report by"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    period_marks = forms.BooleanField(label=_("Record absence and lateness per period"), required=False)
    periods_per_day = forms.IntegerField(label=_("Periods per day"), min_value=1, max_value=8)
