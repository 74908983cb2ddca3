"""Forms of the karte: taking on an insight, dismissing one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class AssignForm(forms.Form):
    """I will follow this up, by this date."""

    follow_up_on = forms.DateField(
        label=_("Follow up by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class DismissForm(forms.Form):
    """Not a concern, and why (counted, so false alarms can be found per rule)."""

    reason = forms.CharField(label=_("Reason"), max_length=200)


#: The thresholds a board may set: (field of rules.Thresholds, label, smallest, largest). Integers are
#: counts of days, weeks or visits; decimals are shares (0–1) or mood levels.
THRESHOLD_FIELDS: list[tuple[str, Any, float, float]] = [
    ("weeks", _("Weeks looked at for weekday and morning patterns"), 4, 20),
    ("min_weekday_days", _("School days on that weekday needed at least"), 3, 20),
    ("min_hits", _("Days with the signal on that weekday needed at least"), 2, 20),
    ("min_rate", _("Share of those weekdays with the signal (0–1)"), 0.2, 1.0),
    ("other_rate_factor", _("Times the rate on the other weekdays"), 1.0, 10.0),
    ("mood_streak", _("Rainy or stormy mornings in a row"), 2, 15),
    ("absence_streak", _("School days absent in a row"), 2, 6),
    ("legal_absence_streak", _("School days absent in a row for the legal notice"), 7, 7),
    ("yearly_absence_warning", _("Absences this year before the warning"), 5, 29),
    ("yearly_absence_limit", _("Absences this year: the threshold"), 30, 30),
    ("baseline_recent_days", _("Recent answered days compared (mood)"), 5, 20),
    ("baseline_days", _("Earlier answered days of the pupil's own baseline (mood)"), 10, 60),
    ("min_baseline_observations", _("Answers needed in the baseline at least (mood)"), 5, 60),
    ("mood_drop", _("Fall of the mean mood (one level = 1.0)"), 0.3, 3.0),
    ("stale_days", _("Days of the same answer before it is flagged"), 10, 60),
    ("morning_visit_share", _("Share of visits before noon (0–1)"), 0.5, 1.0),
    ("min_visits", _("Nurse visits needed at least"), 2, 20),
    ("home_change_min_days", _("School days needed before and after a note from home"), 10, 60),
    ("home_change_factor", _("Times the absence rate before the note"), 1.2, 10.0),
    ("home_change_min_absences", _("Absences after the note needed at least"), 2, 30),
    ("study_recent_days", _("Recent days compared (study time)"), 7, 28),
    ("study_baseline_days", _("Earlier days of the pupil's own baseline (study time)"), 14, 56),
    ("study_min_active_days", _("Days with study in the baseline needed at least"), 5, 56),
    ("study_drop", _("Recent study time at most this share of the baseline (0–1)"), 0.1, 0.9),
    ("correct_recent_days", _("Recent days compared (correct rate)"), 14, 42),
    ("correct_baseline_days", _("Earlier days of the pupil's own baseline (correct rate)"), 14, 84),
    ("correct_min_answers", _("Answered questions needed in each period at least (correct rate)"), 5, 200),
    ("correct_drop", _("Fall of the correct rate at least (0–1; 0.15 = 15 points)"), 0.05, 0.5),
    ("correct_min_z", _("Fall at least this many standard errors (beyond chance)"), 1.0, 4.0),
]


class ThresholdsForm(forms.Form):
    """A board's thresholds of the insight rules, each within its sensible range."""

    def __init__(self, *args: Any, current: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, low, high in THRESHOLD_FIELDS:
            field: forms.Field
            if isinstance(current[name], int):
                field = forms.IntegerField(
                    label=label,
                    min_value=int(low),
                    max_value=int(high),
                    initial=current[name],
                    widget=forms.NumberInput(attrs={"step": "1"}),
                )
            else:
                field = forms.FloatField(
                    label=label,
                    min_value=low,
                    max_value=high,
                    initial=current[name],
                    widget=forms.NumberInput(attrs={"step": "0.05"}),
                )
            self.fields[name] = field
