"""健康診断 (health examinations; 学校保健安全法 §13, 施行規則 §5–9; HEALTH.md §4).

One :class:`HealthExam` per pupil and school year, examined by one school; its :class:`GeneralExamRecord`
(一般) and :class:`DentalExamRecord` (歯・口腔) hold what the 健康診断票 prints; :class:`ExamFollowUp` is a
事後措置 — a finding for which a 受診勧告 letter goes home, tracked until the guardian's return slip comes
back. The records belong to the pupil: nine years of them follow the pupil across the ward's schools.

Derived values (視力 A–D, 肥満度, DMF counts) are computed in ``derive.py`` and never stored or typed.
Everything here is 要配慮個人情報: data class I. Writes go through ``services``; reads through
``selectors``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tsunagu.checkups import derive
from tsunagu.core.fields import EncryptedTextField
from tsunagu.core.models import DataClass, ScopedModel


class Hearing(models.TextChoices):
    """聴力: 異常なし or 所見あり (the 1000 Hz / 4000 Hz screening)."""

    NORMAL = "normal", _("No abnormality")
    ABNORMAL = "abnormal", _("Abnormal")


class Nutrition(models.TextChoices):
    """栄養状態."""

    NORMAL = "normal", _("No abnormality")
    ATTENTION = "attention", _("Needs attention")


class UrineResult(models.TextChoices):
    """尿 (蛋白・糖) test-strip results."""

    NEGATIVE = "-", "−"
    TRACE = "±", "±"
    POSITIVE = "+", "+"
    POSITIVE2 = "++", "++"
    POSITIVE3 = "+++", "+++"


#: Urine results that call for a second test or a doctor's visit.
URINE_REFER = frozenset({UrineResult.POSITIVE, UrineResult.POSITIVE2, UrineResult.POSITIVE3})


class DentalScore(models.IntegerChoices):
    """顎関節・歯列咬合・歯垢・歯肉: 0 異常なし, 1 定期的観察が必要, 2 専門医 (歯科医師) による診断が必要."""

    NONE = 0, "0"
    WATCH = 1, "1"
    REFER = 2, "2"


class HealthExam(ScopedModel):
    """A pupil's 健康診断 of one school year, done by ``school`` (the school the pupil attended then).

    ``grade_level``, ``homeroom`` and ``age`` (full years on 1 April of the year, the age the 標準体重
    table and the statistics use) are kept as they were, so that the 票 prints the past years correctly
    after the pupil has moved on.
    """

    data_class = DataClass.I

    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="health_exams", verbose_name=_("pupil")
    )
    school_year = models.ForeignKey(
        "org.SchoolYear", on_delete=models.PROTECT, related_name="+", verbose_name=_("school year")
    )
    school = models.ForeignKey(
        "org.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    grade_level = models.ForeignKey(
        "org.GradeLevel", on_delete=models.PROTECT, related_name="+", verbose_name=_("grade")
    )
    homeroom = models.ForeignKey(
        "org.Homeroom",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("homeroom"),
    )
    age = models.PositiveSmallIntegerField(_("age"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("health exam")
        verbose_name_plural = _("health exams")
        ordering = ["school_year__year"]
        constraints = [
            models.UniqueConstraint(fields=["student", "school_year"], name="healthexam_one_per_year"),
        ]
        indexes = [models.Index(fields=["school", "school_year"])]

    def __str__(self) -> str:
        return f"{self.student_id} {self.school_year_id}"


class GeneralExamRecord(ScopedModel):
    """健康診断票 (一般): the items of 施行規則 §6 for one exam. Text findings are blank when there is
    nothing abnormal; a measured value is None until measured."""

    data_class = DataClass.I
    class_i_fields: ClassVar[tuple[str, ...]] = ("height_cm", "weight_kg", "vision", "findings")

    exam = models.OneToOneField(
        HealthExam, on_delete=models.CASCADE, related_name="general", verbose_name=_("health exam")
    )
    exam_date = models.DateField(_("exam date"), null=True, blank=True)
    height_cm = models.DecimalField(_("height (cm)"), max_digits=4, decimal_places=1, null=True, blank=True)
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=4, decimal_places=1, null=True, blank=True)
    nutrition = models.CharField(_("nutrition"), max_length=10, choices=Nutrition.choices, blank=True)
    spine_chest_limbs = models.CharField(_("spine, chest and limbs"), max_length=100, blank=True)
    vision_right = models.DecimalField(
        _("vision right (uncorrected)"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    vision_left = models.DecimalField(
        _("vision left (uncorrected)"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    vision_right_corrected = models.DecimalField(
        _("vision right (corrected)"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    vision_left_corrected = models.DecimalField(
        _("vision left (corrected)"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    eye_disease = models.CharField(_("eye diseases"), max_length=100, blank=True)
    hearing_right = models.CharField(_("hearing right"), max_length=10, choices=Hearing.choices, blank=True)
    hearing_left = models.CharField(_("hearing left"), max_length=10, choices=Hearing.choices, blank=True)
    ent_disease = models.CharField(_("ear, nose and throat"), max_length=100, blank=True)
    skin_disease = models.CharField(_("skin diseases"), max_length=100, blank=True)
    tuberculosis = models.CharField(_("tuberculosis"), max_length=100, blank=True)
    tuberculosis_guidance = models.CharField(_("tuberculosis guidance category"), max_length=20, blank=True)
    heart_ecg = models.CharField(_("heart (ECG)"), max_length=100, blank=True)
    heart_disease = models.CharField(_("heart diseases"), max_length=100, blank=True)
    urine_protein = models.CharField(
        _("urine protein"), max_length=3, choices=UrineResult.choices, blank=True
    )
    urine_glucose = models.CharField(
        _("urine glucose"), max_length=3, choices=UrineResult.choices, blank=True
    )
    urine_other = models.CharField(_("urine (other)"), max_length=100, blank=True)
    other_disease = EncryptedTextField(_("other diseases"), max_length=200, blank=True, single_line=True)
    doctor_remarks = EncryptedTextField(
        _("school doctor's remarks"), max_length=200, blank=True, single_line=True
    )
    doctor_date = models.DateField(_("school doctor's date"), null=True, blank=True)
    remarks = EncryptedTextField(_("remarks"), max_length=200, blank=True, single_line=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("general exam record")
        verbose_name_plural = _("general exam records")

    def __str__(self) -> str:
        return f"{self.exam_id} general"

    @property
    def vision_grades(self) -> dict[str, str]:
        """視力 A–D of the four values (right/left, uncorrected/corrected)."""
        return {
            "right": derive.vision_grade(self.vision_right),
            "left": derive.vision_grade(self.vision_left),
            "right_corrected": derive.vision_grade(self.vision_right_corrected),
            "left_corrected": derive.vision_grade(self.vision_left_corrected),
        }

    def obesity_pct(self, sex: str, age: int) -> Decimal | None:
        """肥満度 % of this record for a pupil of ``sex`` and ``age``."""
        return derive.obesity_pct(sex, age, self.height_cm, self.weight_kg)


class DentalExamRecord(ScopedModel):
    """健康診断票 (歯・口腔): the scores, and the 歯式 as ``{FDI tooth number: symbol}`` (see
    ``derive``); the counts (現在歯, D, M, F, d, f) are derived from ``teeth``, never typed."""

    data_class = DataClass.I
    class_i_fields: ClassVar[tuple[str, ...]] = ("teeth", "scores", "findings")

    exam = models.OneToOneField(
        HealthExam, on_delete=models.CASCADE, related_name="dental", verbose_name=_("health exam")
    )
    exam_date = models.DateField(_("exam date"), null=True, blank=True)
    jaw_joint = models.PositiveSmallIntegerField(
        _("jaw joint"), choices=DentalScore.choices, null=True, blank=True
    )
    alignment = models.PositiveSmallIntegerField(
        _("alignment and bite"), choices=DentalScore.choices, null=True, blank=True
    )
    plaque = models.PositiveSmallIntegerField(_("plaque"), choices=DentalScore.choices, null=True, blank=True)
    gingiva = models.PositiveSmallIntegerField(
        _("gingiva"), choices=DentalScore.choices, null=True, blank=True
    )
    teeth = models.JSONField(_("dental chart"), default=dict, blank=True)
    other_disease = EncryptedTextField(_("other diseases"), max_length=200, blank=True, single_line=True)
    dentist_remarks = EncryptedTextField(
        _("school dentist's remarks"), max_length=200, blank=True, single_line=True
    )
    dentist_date = models.DateField(_("school dentist's date"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dental exam record")
        verbose_name_plural = _("dental exam records")

    def __str__(self) -> str:
        return f"{self.exam_id} dental"

    @property
    def counts(self) -> derive.DentalCounts:
        """現在歯・D・M・F・d・f from the 歯式."""
        return derive.dental_counts(self.teeth or {})

    @property
    def quadrants(self) -> dict[str, str]:
        """The 歯式 as the four entry texts."""
        return {q: derive.format_quadrant(self.teeth or {}, q) for q, _p, _d in derive.QUADRANTS}


class FollowUpItem(models.TextChoices):
    """What a 受診勧告 is about."""

    VISION = "vision", _("Vision")
    EYE = "eye", _("Eye diseases")
    HEARING = "hearing", _("Hearing")
    ENT = "ent", _("Ear, nose and throat")
    SKIN = "skin", _("Skin")
    SPINE = "spine", _("Spine, chest and limbs")
    HEART = "heart", _("Heart")
    URINE = "urine", _("Urine")
    GROWTH = "growth", _("Growth (degree of obesity)")
    DENTAL = "dental", _("Teeth and mouth")
    OTHER = "other", _("Other")


class ExamFollowUp(ScopedModel):
    """事後措置: one finding of an exam for which a 受診勧告 (advice to see a doctor) goes to the guardians.

    Proposed from the findings by ``services.followups_propose``; ``letter_date`` is set when the letter
    is issued; ``returned_on``, ``result`` and ``clinic`` when the tear-off return slip
    (受診結果のお知らせ) comes back.
    """

    data_class = DataClass.I
    class_i_fields: ClassVar[tuple[str, ...]] = ("finding", "result", "clinic")

    exam = models.ForeignKey(
        HealthExam, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("health exam")
    )
    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="exam_follow_ups", verbose_name=_("pupil")
    )
    school = models.ForeignKey(
        "org.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    item = models.CharField(_("item"), max_length=10, choices=FollowUpItem.choices)
    finding = EncryptedTextField(_("finding"), max_length=200, single_line=True)
    letter_date = models.DateField(_("letter issued on"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    result = EncryptedTextField(_("result"), max_length=200, blank=True, single_line=True)
    clinic = EncryptedTextField(_("clinic"), max_length=100, blank=True, single_line=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exam follow-up")
        verbose_name_plural = _("exam follow-ups")
        ordering = ["exam", "item"]
        constraints = [models.UniqueConstraint(fields=["exam", "item"], name="examfollowup_one_per_item")]
        indexes = [models.Index(fields=["school", "returned_on"])]

    def __str__(self) -> str:
        return f"{self.exam_id} {self.item}"

    @property
    def status(self) -> str:
        """``proposed`` (no letter yet), ``waiting`` (letter sent) or ``returned``."""
        if self.returned_on:
            return "returned"
        return "waiting" if self.letter_date else "proposed"


__all__ = [
    "DentalExamRecord",
    "DentalScore",
    "ExamFollowUp",
    "FollowUpItem",
    "GeneralExamRecord",
    "HealthExam",
    "Hearing",
    "Nutrition",
    "UrineResult",
]
