"""Insights found in a pupil's records, what staff did about them, and each board's thresholds."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.fields import EncryptedJSONField, EncryptedTextField
from tsunagu.core.models import DataClass, PublicModel, ScopedModel


class InsightStatus(models.TextChoices):
    """Where an insight stands: found, taken on by someone, dismissed (with a reason), or gone."""

    OPEN = "open", _("New")
    ASSIGNED = "assigned", _("Being followed up")
    DISMISSED = "dismissed", _("Dismissed")
    RESOLVED = "resolved", _("No longer seen")


class Insight(ScopedModel):
    """One pattern a rule (tsunagu.karte.rules) found in a pupil's records, with its evidence.

    The same pattern found again is the same row (``rule_key``), so an insight keeps its owner,
    follow-up date and dismissal; when the rule stops finding it, it is marked resolved. Dismissals keep
    their reason so that false alarms can be counted per rule. Class I: built from health data.
    """

    data_class = DataClass.I

    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="insights", verbose_name=_("pupil")
    )
    school = models.ForeignKey(
        "org.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        "org.SchoolYear", on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    rule = models.CharField(_("rule"), max_length=40)
    rule_key = models.CharField(_("key"), max_length=80)
    # The finding and its evidence name a pupil's health and attendance (and may quote class-I text):
    # encrypted (decision 0020). Refreshing compares findings by rule_key, never by these, in SQL.
    sentence = EncryptedTextField(_("finding"), max_length=300, single_line=True)
    evidence = EncryptedJSONField(_("evidence"), default=dict)
    severity = models.CharField(_("severity"), max_length=10, default="watch")
    status = models.CharField(
        _("status"), max_length=10, choices=InsightStatus.choices, default=InsightStatus.OPEN
    )
    first_found = models.DateField(_("first found"))
    last_found = models.DateField(_("last found"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("followed up by"),
    )
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    note = EncryptedTextField(_("note"), max_length=300, blank=True, single_line=True)
    dismissed_reason = EncryptedTextField(
        _("reason for dismissal"), max_length=200, blank=True, single_line=True
    )
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("insight")
        verbose_name_plural = _("insights")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school_year", "rule_key"], name="karte_insight_one_per_pattern"
            )
        ]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return self.sentence

    @property
    def is_active(self) -> bool:
        return self.status in {InsightStatus.OPEN, InsightStatus.ASSIGNED}

    @property
    def is_learning(self) -> bool:
        """Found in learning data (study time, correct rate): shown with the learning cue."""
        from tsunagu.karte.rules import LEARNING_RULES

        return self.rule in LEARNING_RULES


class InsightSettings(PublicModel):
    """A board's thresholds for the insight rules (unset keys keep the defaults of rules.Thresholds)."""

    board = models.OneToOneField(
        "org.Board", on_delete=models.CASCADE, related_name="insight_settings", verbose_name=_("board")
    )
    values = models.JSONField(_("thresholds"), default=dict, blank=True)

    class Meta:
        verbose_name = _("insight thresholds")
        verbose_name_plural = _("insight thresholds")

    def __str__(self) -> str:
        return str(self.board)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.values)
