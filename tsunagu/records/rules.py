"""Pure rules of the records: 換算内申 and 調査書点 (SCHOOL_AFFAIRS.md §6) and retention dates (§1).

No database access here, so that the hand-worked cases test the arithmetic alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

#: 国語・社会・数学・理科・英語 (外国語): counted once.
CORE_SUBJECTS = ("JJA", "JSS", "JMA", "JSC", "JFL")
#: 音楽・美術・保健体育・技術家庭: counted twice (Tokyo's 換算内申).
PRACTICAL_SUBJECTS = ("JMU", "JAR", "JPE", "JTH")
SUBJECT_NAMES = {
    "JJA": "国語",
    "JSS": "社会",
    "JMA": "数学",
    "JSC": "理科",
    "JFL": "英語",
    "JMU": "音楽",
    "JAR": "美術",
    "JPE": "保健体育",
    "JTH": "技術・家庭",
}
#: 5 × 5 + 4 × 5 × 2.
MAX_CONVERTED_SCORE = 65

#: 規則 §28: 学籍に関する記録 20 years, 指導に関する記録 5 years, counted from leaving the school.
RETENTION_YEARS = {"enrolment": 20, "guidance": 5}


class TranscriptError(ValueError):
    """換算内申 cannot be computed; ``message`` says why in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def converted_rating_score(ratings: Mapping[str, int | None]) -> int:
    """換算内申 = (国語・社会・数学・理科・英語) + 2 × (音楽・美術・保健体育・技術家庭), each 評定 1–5; at
    most 65. A missing 評定 refuses the calculation (naming the subjects): a total over fewer subjects
    would look like a real, lower figure."""
    missing = [SUBJECT_NAMES[c] for c in (*CORE_SUBJECTS, *PRACTICAL_SUBJECTS) if ratings.get(c) is None]
    if missing:
        raise TranscriptError(
            f"評定が入っていない教科があるため、換算内申を計算できません（{'、'.join(missing)}）。"
        )
    wrong = [
        SUBJECT_NAMES[c] for c in (*CORE_SUBJECTS, *PRACTICAL_SUBJECTS) if not 1 <= int(ratings[c] or 0) <= 5
    ]
    if wrong:
        raise TranscriptError(
            f"評定が1～5でない教科があるため、換算内申を計算できません（{'、'.join(wrong)}）。"
        )
    core = sum(int(ratings[c] or 0) for c in CORE_SUBJECTS)
    practical = sum(int(ratings[c] or 0) for c in PRACTICAL_SUBJECTS)
    return core + 2 * practical


@dataclass(frozen=True)
class Weighting:
    """学力検査 : 調査書 (Tokyo 7:3 of 1000 points → 調査書点 out of 300) and the term of the 評定."""

    exam_share: int = 7
    transcript_share: int = 3
    total_points: int = 1000
    term_number: int = 2

    @property
    def transcript_max(self) -> int:
        return self.total_points * self.transcript_share // (self.exam_share + self.transcript_share)

    @property
    def label(self) -> str:
        return f"{self.exam_share}:{self.transcript_share}"


def transcript_points_exact(score: int, weighting: Weighting) -> Decimal:
    """調査書点 before rounding: 換算内申 ÷ 65 × the 調査書's maximum (§6)."""
    return Decimal(score) * Decimal(weighting.transcript_max) / Decimal(MAX_CONVERTED_SCORE)


def transcript_points(score: int, weighting: Weighting) -> int:
    """調査書点 as a whole number, rounded half up. §6 gives the formula but no rounding; half up to a
    whole point is how Tokyo's figures are commonly published (unconfirmed; see decision 0015)."""
    return int(transcript_points_exact(score, weighting).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def expected_leaving(*, school_year_end: dt.date, grade_number: int, stage: str) -> dt.date:
    """The last day of the pupil's final year at the school (小6 / 中3), counting from the year of
    ``grade_number``: the start of the retention period while the pupil is still enrolled."""
    final = 6 if stage == "P" else 3
    return _add_years(school_year_end, max(final - grade_number, 0))


def retention_until(*, left_on: dt.date, part: str) -> dt.date:
    """The last day ``part`` ("enrolment" or "guidance") must be kept, counting from leaving the school."""
    return _add_years(left_on, RETENTION_YEARS[part])
