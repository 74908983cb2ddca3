"""Forms of the check-in pages. They only shape input; the rules live in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tsunagu.health.models import Mood, Period, Symptom
from tsunagu.health.selectors import PupilLine
from tsunagu.health.services import COMMENT_MAX, Entry, TalkOption


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
