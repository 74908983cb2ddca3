"""指導要録 (cumulative record) and 調査書 (transcript for high-school admission).

A pupil has one :class:`CumulativeRecord` per school attended. Per school year it has an
:class:`EnrolmentSection` (様式1 学籍に関する記録 as of that year) and a :class:`GuidanceSection`
(様式2 指導に関する記録 of that year). Until the year is finalised the sections hold only what no other
app knows (入学前の経歴, 進学先, the 出欠 備考); the rest is read live from students, grades and
attendance. Finalisation freezes the content into a version: the homeroom teacher submits (version 1,
unsigned), the principal signs (who, when, SHA-256 over the frozen content). After sign-off nothing
changes except by an amendment — a new signed version with a reason; the earlier versions stay and are
shown as history, the electronic form of 朱書き訂正. Retention (規則 §28): 学籍 20 years, 指導 5 years;
the date is stored on the section; there is no deletion.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagu.core.fields import EncryptedJSONField, EncryptedTextField
from tsunagu.core.models import DataClass, PublicModel, ScopedModel


class SectionStatus(models.TextChoices):
    """Where a year's section stands in finalisation."""

    DRAFT = "draft", _("Being written")
    SUBMITTED = "submitted", _("Submitted to the principal")
    SIGNED = "signed", _("Signed off")


def content_digest(content: Any) -> str:
    """SHA-256 (hex) over the canonical JSON of ``content`` (sorted keys, no spacing, UTF-8): the same
    content always gives the same digest, whatever the database returned the JSON as."""
    text = json.dumps(
        content, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CumulativeRecord(ScopedModel):
    """A pupil's 指導要録 at one school (a pupil who changes school gets a new one; the old school keeps its
    own and sends a 写し)."""

    data_class = DataClass.I

    student = models.ForeignKey(
        "students.Student",
        on_delete=models.PROTECT,
        related_name="cumulative_records",
        verbose_name=_("pupil"),
    )
    school = models.ForeignKey(
        "org.School", on_delete=models.PROTECT, related_name="cumulative_records", verbose_name=_("school")
    )

    class Meta:
        verbose_name = _("cumulative record")
        verbose_name_plural = _("cumulative records")
        constraints = [models.UniqueConstraint(fields=["student", "school"], name="cumulativerecord_unique")]

    def __str__(self) -> str:
        return f"指導要録 {self.student_id} @ {self.school_id}"


class Section(ScopedModel):
    """What the two sections of a school year share: status, submission and the retention date."""

    data_class = DataClass.I

    record = models.ForeignKey(CumulativeRecord, on_delete=models.PROTECT, verbose_name=_("record"))
    school_year = models.ForeignKey("org.SchoolYear", on_delete=models.PROTECT, verbose_name=_("school year"))
    status = models.CharField(
        _("status"), max_length=10, choices=SectionStatus.choices, default=SectionStatus.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    retention_until = models.DateField(_("keep until"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_signed(self) -> bool:
        return self.status == SectionStatus.SIGNED


class EnrolmentSection(Section):
    """様式1 学籍に関する記録 of one school year: frozen at sign-off (kept 20 years); before that only the
    items no other app holds are stored here."""

    record = models.ForeignKey(
        CumulativeRecord,
        on_delete=models.PROTECT,
        related_name="enrolment_sections",
        verbose_name=_("record"),
    )
    prior_history = EncryptedTextField(_("history before entry"), blank=True, max_length=400)
    next_destination = EncryptedTextField(
        _("next school or employer"), max_length=200, blank=True, single_line=True
    )

    class Meta:
        verbose_name = _("enrolment section (form 1)")
        verbose_name_plural = _("enrolment sections (form 1)")
        constraints = [
            models.UniqueConstraint(fields=["record", "school_year"], name="enrolmentsection_unique")
        ]


class GuidanceSection(Section):
    """様式2 指導に関する記録 of one school year: frozen at sign-off (kept 5 years); before that only the
    teacher's 出欠 備考 is stored here."""

    record = models.ForeignKey(
        CumulativeRecord, on_delete=models.PROTECT, related_name="guidance_sections", verbose_name=_("record")
    )
    attendance_note = EncryptedTextField(
        _("attendance remarks"), max_length=200, blank=True, single_line=True
    )

    class Meta:
        verbose_name = _("guidance section (form 2)")
        verbose_name_plural = _("guidance sections (form 2)")
        constraints = [
            models.UniqueConstraint(fields=["record", "school_year"], name="guidancesection_unique")
        ]


class SectionVersion(ScopedModel):
    """One frozen version of a section: number 1 is what the homeroom teacher submitted and the principal
    signed; later numbers are amendments (reason, who, when). A signed version never changes."""

    data_class = DataClass.I

    number = models.PositiveSmallIntegerField(_("version"))
    content = EncryptedJSONField(_("content"))
    content_sha256 = models.CharField(_("SHA-256"), max_length=64)
    reason = EncryptedTextField(_("reason for the amendment"), max_length=300, blank=True, single_line=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    author_name = models.CharField(_("written by"), max_length=100)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signer_name = models.CharField(_("signed by"), max_length=100, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["number"]

    @property
    def intact(self) -> bool:
        """The stored digest still matches the stored content (nothing changed it behind our back)."""
        return content_digest(self.content) == self.content_sha256

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A signed version is the legal record: refuse any change to it, whoever calls save().
        if (
            self.pk is not None
            and type(self)._base_manager.filter(pk=self.pk, signed_at__isnull=False).exists()
        ):
            raise ValidationError(_("A signed version cannot be changed; record an amendment instead."))
        super().save(*args, **kwargs)


class EnrolmentSectionVersion(SectionVersion):
    """A frozen version of a 様式1 year section."""

    section = models.ForeignKey(
        EnrolmentSection, on_delete=models.PROTECT, related_name="versions", verbose_name=_("section")
    )

    class Meta(SectionVersion.Meta):
        verbose_name = _("form 1 version")
        verbose_name_plural = _("form 1 versions")
        constraints = [
            models.UniqueConstraint(fields=["section", "number"], name="enrolmentsectionversion_unique")
        ]


class GuidanceSectionVersion(SectionVersion):
    """A frozen version of a 様式2 year section."""

    section = models.ForeignKey(
        GuidanceSection, on_delete=models.PROTECT, related_name="versions", verbose_name=_("section")
    )

    class Meta(SectionVersion.Meta):
        verbose_name = _("form 2 version")
        verbose_name_plural = _("form 2 versions")
        constraints = [
            models.UniqueConstraint(fields=["section", "number"], name="guidancesectionversion_unique")
        ]


class AdmissionWeighting(PublicModel):
    """How a board weighs the 調査書 in high-school admission for a school year (Tokyo: 学力検査 700 :
    調査書点 300, i.e. 7:3), and which term's 評定 the 調査書 uses (Tokyo: the second term of 中3).
    Without a row the Tokyo defaults apply."""

    data_class = DataClass.IV

    board = models.ForeignKey(
        "org.Board", on_delete=models.CASCADE, related_name="+", verbose_name=_("board")
    )
    school_year = models.ForeignKey(
        "org.SchoolYear", on_delete=models.CASCADE, related_name="+", verbose_name=_("school year")
    )
    exam_share = models.PositiveSmallIntegerField(_("exam share"), default=7)
    transcript_share = models.PositiveSmallIntegerField(_("transcript share"), default=3)
    total_points = models.PositiveSmallIntegerField(_("total points"), default=1000)
    term_number = models.PositiveSmallIntegerField(_("term of the ratings"), default=2)

    class Meta:
        verbose_name = _("admission weighting")
        verbose_name_plural = _("admission weightings")
        constraints = [
            models.UniqueConstraint(fields=["board", "school_year"], name="admissionweighting_unique"),
            models.CheckConstraint(
                condition=models.Q(transcript_share__gt=0), name="admissionweighting_transcript_share"
            ),
        ]

    @property
    def transcript_points(self) -> int:
        """The 調査書点's maximum: total × transcript share ÷ (both shares); 1000 × 3/10 = 300."""
        return self.total_points * self.transcript_share // (self.exam_share + self.transcript_share)


class TranscriptForAdmission(ScopedModel):
    """The 調査書 of a 中3 pupil for the year: what the homeroom teacher writes on top of the live 評定 and
    出欠 (the reason for absences, remarks)."""

    data_class = DataClass.I

    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="transcripts", verbose_name=_("pupil")
    )
    school = models.ForeignKey(
        "org.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    school_year = models.ForeignKey(
        "org.SchoolYear", on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    absence_reason = EncryptedTextField(
        _("reason for absences"), max_length=200, blank=True, single_line=True
    )
    remarks = EncryptedTextField(_("remarks"), max_length=600, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("transcript for admission")
        verbose_name_plural = _("transcripts for admission")
        constraints = [
            models.UniqueConstraint(fields=["student", "school_year"], name="transcriptforadmission_unique")
        ]
