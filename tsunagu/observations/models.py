"""Observations: いいところみつけ (GoodPoint) and 共有TOPIC (SharedTopic).

A *good point* is a short positive note a teacher makes about a pupil in a few seconds, tagged 学習 or
生活, optionally shared with the family. A *shared topic* is a dated observation about a pupil in one of
three areas (生活, 学習, 家庭) with a visibility level that says who beyond the teaching staff may read
it; guardians send 家庭のようす notes that arrive as HOME topics for the homeroom teacher. Both keep a
change history (simple_history). Notes and topics are data class II; a topic marked *sensitive* is
class I: reads are logged and it never goes beyond the school's staff, nurse and counsellor.

Writes go through ``tsunagu.observations.services``; reads through ``tsunagu.observations.selectors``.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tsunagu.core.fields import EncryptedTextField
from tsunagu.core.models import DataClass, ScopedModel


class Tag(models.TextChoices):
    """What a good point is about."""

    LEARNING = "learning", _("Learning")
    LIFE = "life", _("School life")


class Area(models.TextChoices):
    """The area of a shared topic (the karte's 生活のようす / 学習のようす / 家庭のようす)."""

    LIFE = "life", _("School life")
    LEARNING = "learning", _("Learning")
    HOME = "home", _("Home life")


class Visibility(models.TextChoices):
    """Who may read a shared topic, each level adding readers to the one before."""

    TEACHERS = "teachers", _("Staff who teach the pupil")
    CARE = "care", _("+ school nurse and counsellor")
    BOARD = "board", _("+ board staff assigned to the pupil")
    GUARDIANS = "guardians", _("+ guardians")


#: Levels a sensitive (class I) topic may have: never beyond the school's staff, nurse and counsellor.
SENSITIVE_LEVELS: tuple[str, ...] = (Visibility.TEACHERS, Visibility.CARE)


class Source(models.TextChoices):
    """Who wrote a shared topic."""

    STAFF = "staff", _("A member of staff")
    GUARDIAN = "guardian", _("Guardian")


class GoodPoint(ScopedModel):
    """いいところみつけ: one positive note about a pupil, written by a member of staff.

    ``school`` and ``school_year`` are those of the pupil's enrolment on ``date``: the note belongs to
    the school where it was made (a school the pupil later leaves keeps its own notes only).
    ``shared_with_home`` makes it visible to the pupil's guardians and to the pupil.
    """

    data_class = DataClass.II

    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="good_points", verbose_name=_("pupil")
    )
    school = models.ForeignKey(
        "org.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        "org.SchoolYear", on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    date = models.DateField(_("date"))
    tag = models.CharField(_("tag"), max_length=10, choices=Tag.choices)
    text = models.CharField(_("what was good"), max_length=200)
    shared_with_home = models.BooleanField(_("shared with the guardians"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("good point")
        verbose_name_plural = _("good points")
        ordering = ["-date", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["student", "school_year"]),
            models.Index(fields=["author", "-created_at"]),
        ]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="goodpoint_text_required")]

    def __str__(self) -> str:
        return f"{self.date} {self.student_id} {self.tag}"


class SharedTopic(ScopedModel):
    """共有TOPIC: a dated observation about a pupil in the area 生活, 学習 or 家庭.

    ``visibility`` says who beyond the staff teaching the pupil may read it (:class:`Visibility`).
    ``sensitive`` makes the topic class I: its reads are logged and its visibility is at most
    ``CARE`` (a database constraint). A guardian's 家庭のようす note is a topic with ``source`` GUARDIAN,
    area HOME, readable by the guardians; the homeroom teacher acknowledges it (``acknowledged_*``).
    """

    data_class = DataClass.II
    #: A topic is class I when ``sensitive``; then these fields' reads are logged.
    class_i_fields: ClassVar[tuple[str, ...]] = ("text",)

    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="shared_topics", verbose_name=_("pupil")
    )
    school = models.ForeignKey(
        "org.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        "org.SchoolYear", on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    date = models.DateField(_("date"))
    area = models.CharField(_("area"), max_length=10, choices=Area.choices)
    text = EncryptedTextField(_("observation"), max_length=1000)
    visibility = models.CharField(
        _("who may read it"), max_length=10, choices=Visibility.choices, default=Visibility.TEACHERS
    )
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Class I: reads are logged, and only staff, the nurse and the counsellor may read it"),
    )
    source = models.CharField(_("written by"), max_length=10, choices=Source.choices, default=Source.STAFF)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    acknowledged_at = models.DateTimeField(_("read by the class teacher at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("read by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shared topic")
        verbose_name_plural = _("shared topics")
        ordering = ["-date", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["student", "date"]),
            models.Index(fields=["school", "acknowledged_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sensitive=False) | Q(visibility__in=SENSITIVE_LEVELS),
                name="sharedtopic_sensitive_stays_in_school",
            ),
            models.CheckConstraint(
                condition=Q(source="staff") | Q(area="home", sensitive=False),
                name="sharedtopic_guardian_writes_home",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="sharedtopic_text_required"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.student_id} {self.area}"

    @property
    def is_class_i(self) -> bool:
        """A sensitive topic is data class I."""
        return self.sensitive

    @property
    def from_guardian(self) -> bool:
        return self.source == Source.GUARDIAN


__all__ = ["SENSITIVE_LEVELS", "Area", "GoodPoint", "SharedTopic", "Source", "Tag", "Visibility"]
