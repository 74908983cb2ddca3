"""学校感染症 as code: the diseases of 学校保健安全法施行規則 §18 and the 出席停止 periods of §19.

Counting follows the law and HEALTH.md §5: the day of onset (or of the fever's end, of the symptoms'
easing …) is day 0, and "…した後N日を経過するまで" means days 1 to N are excluded, so the last day of
出席停止 is day N and the pupil may come back on day N + 1. The law counts calendar days: weekends and
holidays count towards the period, though no register mark is written on them.

Conditions without a count ("…が消失するまで", "医師において感染のおそれがないと認めるまで") are
entered as the date the condition was met, the first day the pupil may attend again; the last day of
出席停止 is the day before. A condition that is not known yet leaves the period *provisional*: it
runs to the minimum the law already fixes (e.g. the fifth day after onset for influenza), or only to
the first day when there is no minimum, and is extended when the date is entered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

WEEKDAYS = "月火水木金土日"


def md(day: dt.date) -> str:
    """``11/2（月）``: month/day with the weekday, as the explanations write dates."""
    return f"{day.month}/{day.day}（{WEEKDAYS[day.weekday()]}）"


class DiseaseClass(models.TextChoices):
    """The three classes of 施行規則 §18."""

    FIRST = "1", _("Class 1")
    SECOND = "2", _("Class 2")
    THIRD = "3", _("Class 3")


class RuleKind(StrEnum):
    """How the 出席停止 period of a disease is worked out."""

    #: N days after onset AND M days after the fever ended (influenza).
    ONSET_AND_FEVER = "onset_and_fever"
    #: N days after onset AND M days after the symptoms eased (COVID-19).
    ONSET_AND_IMPROVED = "onset_and_improved"
    #: N days after onset AND until a condition is met (流行性耳下腺炎: swelling + general condition).
    ONSET_AND_UNTIL = "onset_and_until"
    #: M days after the fever ended (麻しん).
    AFTER_FEVER = "after_fever"
    #: M days after the main symptoms went (咽頭結膜熱).
    AFTER_IMPROVED = "after_improved"
    #: Until a condition is met (風しん, 水痘, 百日咳, a doctor's judgement).
    UNTIL = "until"


@dataclass(frozen=True)
class Disease:
    """One disease of 施行規則 §18 with its §19 rule.

    ``onset_days`` and ``after_days`` are the counts of the rule (``after_days_preschool`` for 幼児);
    ``condition`` names what the second date means for this disease (shown on the entry form).
    """

    code: str
    name: str
    disease_class: str
    rule: RuleKind
    law_text: str
    onset_days: int = 0
    after_days: int = 0
    after_days_preschool: int | None = None
    onset_label: str = "発症日"
    condition: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)

    @property
    def uses_fever_end(self) -> bool:
        return self.rule in {RuleKind.ONSET_AND_FEVER, RuleKind.AFTER_FEVER}

    @property
    def uses_condition_date(self) -> bool:
        return not self.uses_fever_end

    @property
    def class_label(self) -> str:
        return {"1": "第一種", "2": "第二種", "3": "第三種"}[self.disease_class]


DOCTOR = "医師において感染のおそれがないと認めるまで"
DOCTOR_CONDITION = "医師が感染のおそれがないと認めた日"

#: 施行規則 §18 and §19, in the order of the law.
DISEASES: list[Disease] = [
    *[
        Disease(
            code,
            name,
            "1",
            RuleKind.UNTIL,
            "治癒するまで",
            condition="治癒したと医師が認めた日",
        )
        for code, name in [
            ("ebola", "エボラ出血熱"),
            ("cchf", "クリミア・コンゴ出血熱"),
            ("smallpox", "痘そう"),
            ("sa_hemorrhagic", "南米出血熱"),
            ("plague", "ペスト"),
            ("marburg", "マールブルグ病"),
            ("lassa", "ラッサ熱"),
            ("polio", "急性灰白髄炎"),
            ("diphtheria", "ジフテリア"),
            ("sars", "重症急性呼吸器症候群"),
            ("mers", "中東呼吸器症候群"),
            ("avian_flu", "特定鳥インフルエンザ"),
            ("class1_other", "新型インフルエンザ等感染症・指定感染症・新感染症"),
        ]
    ],
    Disease(
        "influenza",
        "インフルエンザ",
        "2",
        RuleKind.ONSET_AND_FEVER,
        "発症した後5日を経過し、かつ、解熱した後2日（幼児にあっては、3日）を経過するまで",
        onset_days=5,
        after_days=2,
        after_days_preschool=3,
        condition="解熱日",
    ),
    Disease(
        "covid19",
        "新型コロナウイルス感染症",
        "2",
        RuleKind.ONSET_AND_IMPROVED,
        "発症した後5日を経過し、かつ、症状が軽快した後1日を経過するまで",
        onset_days=5,
        after_days=1,
        condition="症状が軽快した日",
    ),
    Disease(
        "pertussis",
        "百日咳",
        "2",
        RuleKind.UNTIL,
        "特有の咳が消失するまで又は5日間の適正な抗菌性物質製剤による治療が終了するまで",
        condition="特有の咳が消失した日、又は5日間の抗菌薬治療が終了した翌日",
    ),
    Disease(
        "measles",
        "麻しん",
        "2",
        RuleKind.AFTER_FEVER,
        "解熱した後3日を経過するまで",
        after_days=3,
        condition="解熱日",
    ),
    Disease(
        "mumps",
        "流行性耳下腺炎",
        "2",
        RuleKind.ONSET_AND_UNTIL,
        "耳下腺、顎下腺又は舌下腺の腫脹が発現した後5日を経過し、かつ、全身状態が良好になるまで",
        onset_days=5,
        onset_label="腫脹が発現した日",
        condition="全身状態が良好になった日",
    ),
    Disease("rubella", "風しん", "2", RuleKind.UNTIL, "発しんが消失するまで", condition="発しんが消失した日"),
    Disease(
        "varicella",
        "水痘",
        "2",
        RuleKind.UNTIL,
        "すべての発しんが痂皮化するまで",
        condition="すべての発しんが痂皮化した日",
    ),
    Disease(
        "pcf",
        "咽頭結膜熱",
        "2",
        RuleKind.AFTER_IMPROVED,
        "主要症状が消退した後2日を経過するまで",
        after_days=2,
        condition="主要症状が消退した日",
    ),
    Disease("tuberculosis", "結核", "2", RuleKind.UNTIL, DOCTOR, condition=DOCTOR_CONDITION),
    Disease("meningococcal", "髄膜炎菌性髄膜炎", "2", RuleKind.UNTIL, DOCTOR, condition=DOCTOR_CONDITION),
    *[
        Disease(code, name, "3", RuleKind.UNTIL, DOCTOR, condition=DOCTOR_CONDITION)
        for code, name in [
            ("cholera", "コレラ"),
            ("shigellosis", "細菌性赤痢"),
            ("ehec", "腸管出血性大腸菌感染症"),
            ("typhoid", "腸チフス"),
            ("paratyphoid", "パラチフス"),
            ("ekc", "流行性角結膜炎"),
            ("ahc", "急性出血性結膜炎"),
            ("class3_other", "その他の感染症（第三種）"),
        ]
    ],
]
DISEASES_BY_CODE: dict[str, Disease] = {d.code: d for d in DISEASES}


def disease_choices() -> list[tuple[str, str]]:
    """(code, "第二種 インフルエンザ") for a select, in the order of the law."""
    return [(d.code, f"{d.class_label} {d.name}") for d in DISEASES]


@dataclass(frozen=True)
class Period:
    """A worked-out 出席停止 period: first and last day, whether it may still grow, and the working."""

    first_day: dt.date
    last_day: dt.date
    provisional: bool
    lines: tuple[str, ...]

    @property
    def back_on(self) -> dt.date:
        """The first day the pupil may attend again (only meaningful when not provisional)."""
        return self.last_day + dt.timedelta(days=1)

    @property
    def explanation(self) -> str:
        return " / ".join(self.lines)

    def calendar_days(self) -> list[dt.date]:
        """Every calendar day of the period."""
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + dt.timedelta(days=i) for i in range(max(count, 0))]


def exclusion_period(
    disease: Disease,
    *,
    onset: dt.date,
    first_day: dt.date | None = None,
    fever_end: dt.date | None = None,
    condition_met: dt.date | None = None,
    preschool: bool = False,
) -> Period:
    """The 出席停止 period of 施行規則 §19 for ``disease``.

    ``onset`` is day 0 of the onset count; ``fever_end`` day 0 of the fever count (influenza, 麻しん);
    ``condition_met`` the day the disease's condition was met (症状軽快日 counts like the fever;
    for "until" rules it is the first day the pupil may attend). ``first_day`` is the first day of
    出席停止 (the day of diagnosis, by default the onset). Explains each step in Japanese.
    """
    start = first_day or onset
    day = dt.timedelta(days=1)
    lines: list[str] = []
    candidates: list[dt.date] = []
    provisional = False

    if disease.onset_days:
        by_onset = onset + disease.onset_days * day
        lines.append(
            f"{disease.onset_label}（0日目）{md(onset)} → {disease.onset_days}日を経過: {md(by_onset)}まで"
        )
        candidates.append(by_onset)

    if disease.rule in {RuleKind.ONSET_AND_FEVER, RuleKind.AFTER_FEVER}:
        after = disease.after_days
        if preschool and disease.after_days_preschool:
            after = disease.after_days_preschool
        if fever_end is None:
            provisional = True
            lines.append(f"解熱日が未入力: 解熱後{after}日の条件は未確定（暫定）")
        else:
            by_fever = fever_end + after * day
            lines.append(f"解熱日（0日目）{md(fever_end)} → 解熱後{after}日を経過: {md(by_fever)}まで")
            candidates.append(by_fever)
    elif disease.rule in {RuleKind.ONSET_AND_IMPROVED, RuleKind.AFTER_IMPROVED}:
        after = disease.after_days
        if condition_met is None:
            provisional = True
            lines.append(f"{disease.condition}が未入力: その後{after}日の条件は未確定（暫定）")
        else:
            by_improved = condition_met + after * day
            lines.append(
                f"{disease.condition}（0日目）{md(condition_met)} → {after}日を経過: {md(by_improved)}まで"
            )
            candidates.append(by_improved)
    else:  # UNTIL, ONSET_AND_UNTIL
        if condition_met is None:
            provisional = True
            lines.append(f"{disease.condition}が未入力: 「{disease.law_text}」の条件は未確定（暫定）")
        else:
            until = condition_met - day
            lines.append(f"{disease.condition} {md(condition_met)} から登校可: {md(until)}まで")
            candidates.append(until)

    last = max([start, *candidates])
    if provisional:
        lines.append(f"暫定の出席停止: {md(start)}〜{md(last)}（条件の日付が入ると延長します）")
    else:
        lines.append(f"出席停止: {md(start)}〜{md(last)}、{md(last + day)}から登校可")
    return Period(first_day=start, last_day=last, provisional=provisional, lines=tuple(lines))
