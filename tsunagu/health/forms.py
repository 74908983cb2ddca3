"""Forms of the check-in pages. They only shape input; the rules live in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tsunagu.health.models import Complaint, FirstAid, Mood, Period, Symptom, Weather
from tsunagu.health.selectors import PupilLine
from tsunagu.health.services import COMMENT_MAX, Entry, TalkOption, VisitInput


class PupilCheckInForm(forms.Form):
    """The pupil's answer: weather, symptoms, a word, and whom they want to talk to."""

    mood = forms.ChoiceField(
        choices=Mood.choices, error_messages={"required": _("Please choose today's weather.")}
    )
    symptoms = forms.MultipleChoiceField(choices=Symptom.choices, required=False)
    comment = forms.CharField(max_length=COMMENT_MAX, required=False, strip=True)
    talk_to = forms.ChoiceField(required=False)
    period = forms.ChoiceField(choices=Period.choices, initial=Period.MORNING)

    def __init__(self, *args: Any, talk_options: list[TalkOption], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.talk_options = talk_options
        talk_field = self.fields["talk_to"]
        assert isinstance(talk_field, forms.ChoiceField)
        talk_field.choices = [("", ""), *((o.key, o.name) for o in talk_options)]

    def chosen_talk(self) -> TalkOption | None:
        """The staff member chosen, after validation."""
        key = self.cleaned_data.get("talk_to") or ""
        return next((o for o in self.talk_options if o.key == key), None)


def entries_from_post(data: QueryDict, lines: list[PupilLine]) -> list[Entry]:
    """The teacher's one-screen entry as :class:`Entry` rows, one per pupil of the class.

    Fields are named by the pupil's public ID: ``mood-<uuid>``, ``symptoms-<uuid>`` (several),
    ``comment-<uuid>``. Values are checked by the service.
    """
    entries = []
    for line in lines:
        key = str(line.student.uuid)
        entries.append(
            Entry(
                student_id=line.student.pk,
                mood=data.get(f"mood-{key}", ""),
                symptoms=data.getlist(f"symptoms-{key}"),
                comment=data.get(f"comment-{key}", ""),
            )
        )
    return entries


class NurseVisitForm(forms.Form):
    """The nurse's visit entry: it parses times and numbers; ``services.clean_visit`` judges the rest
    (choices, ranges, what an injury or an early leave needs)."""

    time_in = forms.TimeField(required=False)
    time_out = forms.TimeField(required=False)
    category = forms.CharField(required=False)
    complaints = forms.MultipleChoiceField(choices=Complaint.choices, required=False)
    temperature = forms.DecimalField(required=False, max_digits=3, decimal_places=1)
    pulse = forms.IntegerField(required=False)
    injury_time = forms.TimeField(required=False)
    injury_place = forms.CharField(required=False)
    injury_activity = forms.CharField(required=False)
    body_part = forms.CharField(required=False)
    injury_cause = forms.CharField(required=False)
    first_aid = forms.MultipleChoiceField(choices=FirstAid.choices, required=False)
    outcome = forms.CharField(required=False)
    guardian_contacted_at = forms.TimeField(required=False)
    guardian_contact = forms.CharField(required=False)
    note = forms.CharField(required=False, strip=True)
    shared_with_teacher = forms.BooleanField(required=False)

    def visit_input(self) -> VisitInput:
        """The cleaned values for ``services.nurse_visit_record``."""
        d = self.cleaned_data
        return VisitInput(
            time_in=d["time_in"],
            category=d["category"] or "",
            complaints=list(d["complaints"]),
            temperature=d["temperature"],
            pulse=d["pulse"],
            injury_time=d["injury_time"],
            injury_place=d["injury_place"] or "",
            injury_activity=d["injury_activity"] or "",
            body_part=d["body_part"] or "",
            injury_cause=d["injury_cause"] or "",
            first_aid=list(d["first_aid"]),
            time_out=d["time_out"],
            outcome=d["outcome"] or "",
            guardian_contacted_at=d["guardian_contacted_at"],
            guardian_contact=d["guardian_contact"] or "",
            note=d["note"] or "",
            shared_with_teacher=d["shared_with_teacher"],
        )

    @staticmethod
    def initial_from(visit: Any) -> dict[str, Any]:
        """The form's initial values from a saved visit."""
        names = [
            "time_in", "time_out", "category", "complaints", "temperature", "pulse", "injury_time",
            "injury_place", "injury_activity", "body_part", "injury_cause", "first_aid", "outcome",
            "guardian_contacted_at", "guardian_contact", "note", "shared_with_teacher",
        ]  # fmt: skip
        return {name: getattr(visit, name) for name in names}


class DailyLogForm(forms.Form):
    """The nurse's part of the daily log."""

    weather = forms.ChoiceField(choices=[("", "—"), *Weather.choices], required=False)
    temperature = forms.DecimalField(required=False, max_digits=3, decimal_places=1)
    humidity = forms.IntegerField(required=False)
    events = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    remarks = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}))
