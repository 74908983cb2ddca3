"""Forms of the observations pages: they parse the request; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.observations.models import Area, Tag, Visibility
from tsunagu.observations.services import GOOD_POINT_MAX, TOPIC_MAX


class GoodPointForm(forms.Form):
    """The quick entry: which pupil (public ID), 学習 or 生活, the sentence, shared with home or not."""

    student = forms.UUIDField(error_messages={"required": _("Please choose a pupil.")})
    tag = forms.ChoiceField(
        choices=Tag.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose 学習 or 生活.")},
    )
    text = forms.CharField(
        label=_("What was good"),
        max_length=GOOD_POINT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Please write what you noticed.")},
    )
    shared_with_home = forms.BooleanField(label=_("Share with the guardians (and the pupil)"), required=False)


class TopicForm(forms.Form):
    """A staff member's 共有TOPIC."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    area = forms.ChoiceField(label=_("Area"), choices=Area.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Observation"),
        max_length=TOPIC_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Please write what you noticed.")},
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it"), choices=Visibility.choices, widget=forms.RadioSelect
    )
    sensitive = forms.BooleanField(
        label=_(
            "Sensitive (class I): reads are logged; at most the nurse and the counsellor "
            "besides the teaching staff"
        ),
        required=False,
    )


class HomeNoteForm(forms.Form):
    """A guardian's 家庭のようす note about one of their children."""

    student = forms.ChoiceField(label=_("Child"))
    text = forms.CharField(
        label=_("How things are at home"),
        max_length=TOPIC_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Please write a message.")},
    )

    def __init__(self, *args: Any, children: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["student"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(c.uuid), c.full_name) for c in children]
        if len(children) == 1:
            self.fields["student"].initial = str(children[0].uuid)
