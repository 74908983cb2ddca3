"""保健 (health): the daily health check-in, 健康観察 / 心の天気, and the pupils' talk requests.

Every morning (and, when the homeroom teacher opens one, in the afternoon) each pupil answers once:
their mood as weather (晴れ / くもり / 雨 / かみなり), body symptoms from a fixed list, an optional
comment, and optionally "話したい" — a wish to talk to a chosen member of staff. The homeroom teacher
can answer for pupils instead (younger grades, absent pupils). Everything a pupil reports about their
health is 要配慮個人情報: data class I (domain/HEALTH.md, SECURITY.md §1).

Writes go through ``tsunagu.health.services``; reads through ``tsunagu.health.selectors``.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from tsunagu.core.models import DataClass, ScopedModel


class Mood(models.TextChoices):
    """心の天気: the four-level mood scale, best first."""

    SUNNY = "sunny", _("Sunny")
    CLOUDY = "cloudy", _("Cloudy")
    RAINY = "rainy", _("Rainy")
    STORMY = "stormy", _("Stormy")


#: Moods that put a pupil on the teacher's "look after" list.
BAD_MOODS: frozenset[str] = frozenset({Mood.RAINY, Mood.STORMY})


class Symptom(models.TextChoices):
    """Body symptoms a pupil can tick (HEALTH.md §1: 頭痛, 腹痛, 発熱, 咳, だるい, 眠い, けが …).

    The list is fixed so that answers can be counted across classes and days; anything else goes in
    the comment.
    """

    HEADACHE = "headache", _("Headache")
    STOMACH_ACHE = "stomach_ache", _("Stomach ache")
    FEVER = "fever", _("Fever")
    COUGH = "cough", _("Cough")
    SORE_THROAT = "sore_throat", _("Sore throat")
    RUNNY_NOSE = "runny_nose", _("Runny nose")
    NAUSEA = "nausea", _("Nausea")
    TIRED = "tired", _("Tired")
    SLEEPY = "sleepy", _("Sleepy")
    INJURY = "injury", _("Injury")


#: The pupil's words for each choice. ``{漢字|よみ}`` marks a reading, shown as furigana in grades 1–3
#: (see ``health_tags.furigana``).
PUPIL_MOOD_LABELS = {
    Mood.SUNNY: pgettext_lazy("pupil", "Sunny"),
    Mood.CLOUDY: pgettext_lazy("pupil", "Cloudy"),
    Mood.RAINY: pgettext_lazy("pupil", "Rainy"),
    Mood.STORMY: pgettext_lazy("pupil", "Stormy"),
}
PUPIL_SYMPTOM_LABELS = {
    Symptom.HEADACHE: pgettext_lazy("pupil", "My head hurts"),
    Symptom.STOMACH_ACHE: pgettext_lazy("pupil", "My tummy hurts"),
    Symptom.FEVER: pgettext_lazy("pupil", "I feel hot (fever)"),
    Symptom.COUGH: pgettext_lazy("pupil", "I am coughing"),
    Symptom.SORE_THROAT: pgettext_lazy("pupil", "My throat hurts"),
    Symptom.RUNNY_NOSE: pgettext_lazy("pupil", "Runny nose"),
    Symptom.NAUSEA: pgettext_lazy("pupil", "I feel sick"),
    Symptom.TIRED: pgettext_lazy("pupil", "I feel tired"),
    Symptom.SLEEPY: pgettext_lazy("pupil", "I am sleepy"),
    Symptom.INJURY: pgettext_lazy("pupil", "I am hurt (injury)"),
}


class Period(models.TextChoices):
    """When in the day a check-in session runs."""

    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")


class Source(models.TextChoices):
    """Who entered a check-in."""

    PUPIL = "pupil", _("The pupil")
    TEACHER = "teacher", _("A teacher for the pupil")


class CheckInSession(ScopedModel):
    """One round of 健康観察 in one homeroom: a school day's morning, or its afternoon.

    The morning session opens by itself with the first answer of the day; the afternoon one only
    when the homeroom teacher opens it. The session carries no health data (class III); its
    check-ins do.
    """

    data_class = DataClass.III

    school = models.ForeignKey(
        "org.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("school")
    )
    homeroom = models.ForeignKey(
        "org.Homeroom",
        on_delete=models.CASCADE,
        related_name="health_sessions",
        verbose_name=_("homeroom"),
    )
    date = models.DateField(_("date"))
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("opened by"),
    )

    class Meta:
        verbose_name = _("check-in session")
        verbose_name_plural = _("check-in sessions")
        ordering = ["-date", "homeroom", "period"]
        constraints = [
            models.UniqueConstraint(fields=["homeroom", "date", "period"], name="checkinsession_unique"),
        ]
        indexes = [models.Index(fields=["school", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.homeroom_id} {self.get_period_display()}"


class HealthCheckIn(ScopedModel):
    """One pupil's answer in one session: mood, symptoms, comment (健康観察 / 心の天気).

    ``mood`` may be empty only when a teacher entered the answer (an absent pupil whose guardian
    phoned in a fever has no mood to report). ``seen_at``/``seen_by`` record that a teacher has
    looked at it; the pupil sees that acknowledgement.
    """

    data_class = DataClass.I
    #: Fields of class I: reads are logged (tsunagu.core.audit.log_access).
    class_i_fields: ClassVar[tuple[str, ...]] = ("mood", "symptoms", "comment")

    session = models.ForeignKey(
        CheckInSession, on_delete=models.PROTECT, related_name="check_ins", verbose_name=_("session")
    )
    student = models.ForeignKey(
        "students.Student",
        on_delete=models.PROTECT,
        related_name="health_check_ins",
        verbose_name=_("pupil"),
    )
    mood = models.CharField(_("mood"), max_length=10, choices=Mood.choices, blank=True)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    comment = models.CharField(_("comment"), max_length=200, blank=True)
    source = models.CharField(_("entered by"), max_length=10, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("entered by (user)"),
    )
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("seen by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("health check-in")
        verbose_name_plural = _("health check-ins")
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "student"], name="healthcheckin_one_per_session"),
            models.CheckConstraint(
                condition=~Q(mood="") | Q(source="teacher"), name="healthcheckin_pupil_gives_mood"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.student_id} {self.mood}"

    @property
    def symptom_labels(self) -> list[str]:
        """The symptoms in words, in the fixed order of :class:`Symptom`."""
        chosen = set(self.symptoms or ())
        return [str(label) for value, label in Symptom.choices if value in chosen]

    @property
    def needs_attention(self) -> bool:
        """A bad mood (雨, かみなり) or any symptom."""
        return self.mood in BAD_MOODS or bool(self.symptoms)


class TalkRequest(ScopedModel):
    """「話したい」: a pupil asks, with a check-in, to talk to a chosen member of staff.

    The chosen person acknowledges it ("seen"), which the pupil sees. A request nobody acknowledges
    by ``respond_by`` is escalated (``escalated_at``) to the school nurse and the principal by
    ``services.talk_requests_escalate``, run by a periodic job and on the staff's pages.
    """

    data_class = DataClass.I
    class_i_fields: ClassVar[tuple[str, ...]] = ("requested_of",)

    check_in = models.OneToOneField(
        HealthCheckIn, on_delete=models.PROTECT, related_name="talk_request", verbose_name=_("check-in")
    )
    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="talk_requests", verbose_name=_("pupil")
    )
    school = models.ForeignKey(
        "org.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("school")
    )
    requested_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("asked to talk to"),
    )
    requested_role = models.CharField(_("as"), max_length=20)
    respond_by = models.DateTimeField(_("respond by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("talk request")
        verbose_name_plural = _("talk requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["school", "acknowledged_at", "respond_by"])]

    def __str__(self) -> str:
        return f"{self.student_id} → {self.requested_of_id}"

    @property
    def is_open(self) -> bool:
        """Nobody has acknowledged it yet."""
        return self.acknowledged_at is None


__all__ = [
    "BAD_MOODS",
    "CheckInSession",
    "HealthCheckIn",
    "Mood",
    "Period",
    "Source",
    "Symptom",
    "TalkRequest",
]
