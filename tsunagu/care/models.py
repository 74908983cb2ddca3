"""配慮事項: what everyone who teaches a pupil must know (allergies, chronic conditions, medication at
school), and the detail only the nurse and the principal see (doctor, action plan, contacts).

A note has two layers. The *summary* ("食物アレルギー（重度・エピペンあり）: 卵, 乳") is shown to every
teacher of the pupil and to the guardians; the *detail* fields are class I and read only by the school
nurse and the principal, every read logged. The nurse writes; every change is kept (simple_history).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tsunagu.core.fields import EncryptedTextField
from tsunagu.core.models import DataClass, ScopedModel


class CareKind(models.TextChoices):
    """What a care note is about."""

    FOOD_ALLERGY = "food_allergy", _("Food allergy")
    OTHER_ALLERGY = "other_allergy", _("Other allergy")
    CHRONIC = "chronic", _("Chronic condition")
    MEDICATION = "medication", _("Medication at school")
    OTHER = "other", _("Other care")


class Severity(models.TextChoices):
    """How severe an allergy is (as the 学校生活管理指導表 grades it, simplified)."""

    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")


#: 特定原材料 (8, labelling mandatory) then the 20 items whose labelling is recommended (消費者庁).
SPECIFIED_ALLERGENS = ["えび", "かに", "くるみ", "小麦", "そば", "卵", "乳", "落花生"]
RECOMMENDED_ALLERGENS = [
    "アーモンド",
    "あわび",
    "いか",
    "いくら",
    "オレンジ",
    "カシューナッツ",
    "キウイフルーツ",
    "牛肉",
    "ごま",
    "さけ",
    "さば",
    "大豆",
    "鶏肉",
    "バナナ",
    "豚肉",
    "マカダミアナッツ",
    "もも",
    "やまいも",
    "りんご",
    "ゼラチン",
]
ALLERGENS = SPECIFIED_ALLERGENS + RECOMMENDED_ALLERGENS
#: Conditions offered for a chronic-condition note (free text is allowed too).
CHRONIC_CONDITIONS = [
    "喘息",
    "てんかん",
    "心疾患",
    "腎疾患",
    "糖尿病",
    "アトピー性皮膚炎",
    "アレルギー性鼻炎",
]

SEVERITY_LABELS = {"mild": "軽度", "moderate": "中等度", "severe": "重度"}
KIND_LABELS = {
    "food_allergy": "食物アレルギー",
    "other_allergy": "アレルギー",
    "chronic": "持病",
    "medication": "学校での服薬",
    "other": "配慮事項",
}


class CareNote(ScopedModel):
    """One 配慮事項 of a pupil: its summary for everyone who teaches the pupil, and its class-I detail
    (doctor, action plan, medication, emergency contacts, 学校生活管理指導表) for the nurse and principal."""

    data_class = DataClass.I
    #: Fields only the nurse and the principal read (reads logged).
    class_i_fields: ClassVar[tuple[str, ...]] = (
        "doctor",
        "action_plan",
        "medication",
        "emergency_contacts",
        "management_table",
    )

    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="care_notes", verbose_name=_("pupil")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CareKind.choices)
    condition = models.CharField(
        _("condition"), max_length=60, blank=True, help_text=_("e.g. 喘息, てんかん")
    )
    allergens = models.JSONField(_("allergens"), default=list, blank=True)
    # The summary's free text is class I too and encrypted (decision 0020), but it is not in
    # ``class_i_fields``: that names the nurse-only detail, and every teacher of the pupil reads these.
    other_allergens = EncryptedTextField(_("other allergens"), max_length=100, blank=True, single_line=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    anaphylaxis_history = models.BooleanField(_("history of anaphylaxis"), default=False)
    epipen = models.BooleanField(_("carries an EpiPen"), default=False)
    epipen_location = EncryptedTextField(
        _("where the EpiPen is kept"), max_length=100, blank=True, single_line=True
    )
    essentials = EncryptedTextField(
        _("what teachers must do"),
        max_length=200,
        blank=True,
        single_line=True,
        help_text=_("Shown to every teacher of the pupil, e.g. 給食は除去食、運動前に吸入"),
    )
    # --- detail: nurse and principal only --------------------------------------------------------
    doctor = EncryptedTextField(_("doctor / clinic"), max_length=100, blank=True, single_line=True)
    action_plan = EncryptedTextField(_("action plan in an emergency"), blank=True)
    medication = EncryptedTextField(_("medication"), blank=True)
    emergency_contacts = EncryptedTextField(_("emergency contacts"), blank=True)
    management_table = models.BooleanField(_("学校生活管理指導表 submitted"), default=False)
    is_active = models.BooleanField(_("current"), default=True)
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
        verbose_name = _("care note")
        verbose_name_plural = _("care notes")
        ordering = ["student", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.student_id} {self.summary}"

    @property
    def headline(self) -> str:
        """「食物アレルギー（重度・エピペンあり）」: the kind and the flags that matter."""
        label = KIND_LABELS.get(self.kind, "配慮事項")
        if self.condition and self.kind in {"chronic", "medication", "other", "other_allergy"}:
            label = f"{label}（{self.condition}）" if self.kind != "chronic" else self.condition
        flags = []
        if self.severity:
            flags.append(SEVERITY_LABELS[self.severity])
        if self.anaphylaxis_history:
            flags.append("アナフィラキシー歴あり")
        if self.epipen:
            flags.append("エピペンあり")
        return f"{label}（{'・'.join(flags)}）" if flags else label

    @property
    def allergen_text(self) -> str:
        """The allergens in the order of the list, then the others."""
        chosen = [a for a in ALLERGENS if a in set(self.allergens or [])]
        if self.other_allergens:
            chosen.append(self.other_allergens)
        return ", ".join(chosen)

    @property
    def summary(self) -> str:
        """What every teacher sees: "食物アレルギー（重度・エピペンあり）: 卵, 乳 — 給食は除去食"."""
        text = self.headline
        if self.allergen_text:
            text = f"{text}: {self.allergen_text}"
        if self.essentials:
            text = f"{text} — {self.essentials}"
        return text


__all__ = [
    "ALLERGENS",
    "CHRONIC_CONDITIONS",
    "RECOMMENDED_ALLERGENS",
    "SPECIFIED_ALLERGENS",
    "CareKind",
    "CareNote",
    "Severity",
]
