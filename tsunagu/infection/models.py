"""学校感染症: a pupil's diagnosis and its 出席停止 period, the days written into the register, the
board's 学級閉鎖 threshold and the proposals it raises.

The diseases and their rules are code (:mod:`tsunagu.infection.diseases`), not rows: they are the
law's. A diagnosis is data class I (要配慮個人情報).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tsunagu.core.fields import EncryptedTextField
from tsunagu.core.models import DataClass, PublicModel, ScopedModel
from tsunagu.core.scope import PolicyManager
from tsunagu.infection.diseases import DISEASES_BY_CODE, Disease, disease_choices


class InfectionStatus(models.TextChoices):
    """Where a diagnosis stands: proposed by the system, or confirmed by the nurse (and written)."""

    PROPOSED = "proposed", _("Proposed, not confirmed")
    CONFIRMED = "confirmed", _("Suspension confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class SchoolInfection(ScopedModel):
    """学校感染症: one pupil's diagnosed infection and the 出席停止 period the nurse confirmed.

    ``proposed_*`` is what :func:`~tsunagu.infection.diseases.exclusion_period` worked out; ``first_day``
    and ``last_day`` what the nurse confirmed (``adjustment_reason`` says why they differ). A period
    is ``provisional`` while a condition date (e.g. 解熱日) is missing; entering it extends the period.
    """

    data_class = DataClass.I
    class_i_fields: ClassVar[tuple[str, ...]] = (
        "disease",
        "doctor_note",
        "fever_end_date",
        "condition_date",
        "explanation",
        "adjustment_reason",
    )

    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="infections", verbose_name=_("pupil")
    )
    school = models.ForeignKey(
        "org.School", on_delete=models.PROTECT, related_name="infections", verbose_name=_("school")
    )
    homeroom = models.ForeignKey(
        "org.Homeroom",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="infections",
        verbose_name=_("homeroom"),
    )
    disease = models.CharField(_("disease"), max_length=20, choices=disease_choices())
    onset_date = models.DateField(_("onset date"))
    diagnosed_on = models.DateField(_("diagnosed on"))
    fever_end_date = models.DateField(_("fever ended on"), null=True, blank=True)
    condition_date = models.DateField(_("condition met on"), null=True, blank=True)
    preschool = models.BooleanField(_("infant (幼児)"), default=False)
    doctor_note = EncryptedTextField(_("doctor's note"), max_length=300, blank=True, single_line=True)
    proposed_first_day = models.DateField(_("proposed first day"))
    proposed_last_day = models.DateField(_("proposed last day"))
    explanation = EncryptedTextField(_("explanation"), blank=True)
    first_day = models.DateField(_("first day"), null=True, blank=True)
    last_day = models.DateField(_("last day"), null=True, blank=True)
    provisional = models.BooleanField(_("provisional"), default=True)
    adjustment_reason = EncryptedTextField(
        _("reason for adjusting"), max_length=200, blank=True, single_line=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=InfectionStatus.choices, default=InfectionStatus.PROPOSED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("school infection")
        verbose_name_plural = _("school infections")
        ordering = ["-onset_date", "-id"]
        indexes = [models.Index(fields=["school", "last_day"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposed_last_day__gte=models.F("proposed_first_day")), name="infection_proposed"
            ),
            models.CheckConstraint(
                condition=Q(first_day__isnull=True) | Q(last_day__gte=models.F("first_day")),
                name="infection_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} {self.disease_info.name} {self.onset_date}"

    @property
    def disease_info(self) -> Disease:
        return DISEASES_BY_CODE[self.disease]

    @property
    def disease_name(self) -> str:
        return self.disease_info.name


class SuspensionDay(ScopedModel):
    """One instructional day this infection wrote as 出席停止 into the register, and what it replaced.

    Kept so that a shortened or cancelled period can give the register back exactly what the teacher
    had entered (an absence mark, or nothing).
    """

    data_class = DataClass.I

    infection = models.ForeignKey(
        SchoolInfection, on_delete=models.CASCADE, related_name="days", verbose_name=_("infection")
    )
    date = models.DateField(_("date"))
    replaced_kind = models.CharField(_("replaced mark"), max_length=20, blank=True)
    replaced_reason = EncryptedTextField(_("replaced reason"), max_length=200, blank=True, single_line=True)

    class Meta:
        verbose_name = _("suspension day")
        verbose_name_plural = _("suspension days")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["infection", "date"], name="suspensionday_unique")]

    def __str__(self) -> str:
        return f"{self.infection_id} {self.date}"


class InfectionSettings(PublicModel):
    """A board's 学級閉鎖 threshold: a class whose absences (illness and infection suspensions) on a day
    reach ``threshold_percent`` of its pupils, or ``threshold_pupils`` (when set), gets a proposal."""

    data_class = DataClass.IV

    objects = PolicyManager()

    board = models.OneToOneField(
        "org.Board", on_delete=models.CASCADE, related_name="infection_settings", verbose_name=_("board")
    )
    threshold_percent = models.PositiveSmallIntegerField(_("threshold (% of the class)"), default=20)
    threshold_pupils = models.PositiveSmallIntegerField(
        _("threshold (pupils)"), null=True, blank=True, help_text=_("Empty: only the percentage counts")
    )

    class Meta:
        verbose_name = _("infection settings")
        verbose_name_plural = _("infection settings")

    def __str__(self) -> str:
        return f"{self.board_id} {self.threshold_percent}%"


class ProposalStatus(models.TextChoices):
    """A 学級閉鎖 proposal waits for the principal's decision."""

    OPEN = "open", _("Waiting for a decision")
    DECIDED = "decided", _("Closure decided")
    DISMISSED = "dismissed", _("No closure")


class ClosureProposal(ScopedModel):
    """The system's proposal to close a class: on ``date`` its absences passed the board's threshold.

    The principal decides (dates and scope) and the closure is entered through
    ``tsunagu.attendance.services.closure_create``; or dismisses it. Counts only, no names (class III).
    """

    data_class = DataClass.III

    school = models.ForeignKey(
        "org.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("school")
    )
    homeroom = models.ForeignKey(
        "org.Homeroom", on_delete=models.CASCADE, related_name="+", verbose_name=_("homeroom")
    )
    date = models.DateField(_("date"))
    enrolled = models.PositiveSmallIntegerField(_("pupils enrolled"))
    absent_illness = models.PositiveSmallIntegerField(_("absent (illness)"))
    suspended = models.PositiveSmallIntegerField(_("suspended (infection)"))
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    closure = models.ForeignKey(
        "attendance.Closure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closure"),
    )
    decision_note = models.CharField(_("note"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closure proposal")
        verbose_name_plural = _("closure proposals")
        ordering = ["-date", "homeroom"]
        constraints = [models.UniqueConstraint(fields=["homeroom", "date"], name="closureproposal_unique")]

    def __str__(self) -> str:
        return f"{self.homeroom_id} {self.date}"

    @property
    def absent(self) -> int:
        return self.absent_illness + self.suspended

    @property
    def percent(self) -> int:
        return round(100 * self.absent / self.enrolled) if self.enrolled else 0


__all__ = [
    "ClosureProposal",
    "InfectionSettings",
    "InfectionStatus",
    "ProposalStatus",
    "SchoolInfection",
    "SuspensionDay",
]
