"""The rules that turn scores into 観点別評価 (A/B/C) and the three 観点 into a 評定.

Pure functions, no database: the selectors feed them and the tests check every boundary. The default
rating tables and their reasoning are in docs/decisions/0011-grading-rules.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DEFAULT_A_THRESHOLD = Decimal(80)
DEFAULT_C_THRESHOLD = Decimal(50)

#: Junior high 評定 (5 … 1) by the sorted pattern of the three 観点.
DEFAULT_JUNIOR_HIGH_TABLE: dict[str, int] = {
    "AAA": 5,
    "AAB": 4,
    "ABB": 4,
    "AAC": 3,
    "ABC": 3,
    "BBB": 3,
    "BBC": 3,
    "ACC": 2,
    "BCC": 2,
    "CCC": 1,
}
#: Elementary 評定 (3 … 1) for grades 3–6.
DEFAULT_ELEMENTARY_TABLE: dict[str, int] = {
    "AAA": 3,
    "AAB": 3,
    "ABB": 2,
    "AAC": 2,
    "ABC": 2,
    "BBB": 2,
    "BBC": 2,
    "ACC": 1,
    "BCC": 1,
    "CCC": 1,
}


@dataclass(frozen=True)
class Thresholds:
    """A from ``a`` %, C below ``c`` %, B between."""

    a: Decimal = DEFAULT_A_THRESHOLD
    c: Decimal = DEFAULT_C_THRESHOLD


@dataclass(frozen=True)
class PartResult:
    """One scored part as the rules need it: its weight, maximum and the pupil's points (None if not
    entered or absent — neither counts)."""

    viewpoint: str
    weight: Decimal
    max_points: Decimal
    points: Decimal | None


def viewpoint_percentage(parts: Iterable[PartResult], viewpoint: str) -> Decimal | None:
    """Weighted percentage of ``viewpoint``: Σ wᵢ·pointsᵢ/maxᵢ ÷ Σ wᵢ over the parts the pupil has a score
    in, ×100, to one decimal. None when the pupil has no score in that 観点 yet (blank or 欠 only)."""
    num = Decimal(0)
    den = Decimal(0)
    for part in parts:
        if part.viewpoint != viewpoint or part.points is None or part.weight <= 0:
            continue
        num += part.weight * part.points / part.max_points
        den += part.weight
    if den == 0:
        return None
    return (num / den * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def grade_for(percentage: Decimal | None, thresholds: Thresholds) -> str | None:
    """A at or above the A threshold, C below the C threshold, else B; None without a percentage."""
    if percentage is None:
        return None
    if percentage >= thresholds.a:
        return "A"
    if percentage < thresholds.c:
        return "C"
    return "B"


def rating_scale(grade_code: str) -> int | None:
    """The highest 評定 of a grade: 3 for elementary grades 3–6, 5 for junior high, None for P1/P2."""
    stage, number = grade_code[0], int(grade_code[1:])
    if stage == "J":
        return 5
    if number <= 2:
        return None
    return 3


def rating_for(
    grades: Iterable[str | None], grade_code: str, table: Mapping[str, int] | None = None
) -> int | None:
    """The 評定 proposed for three 観点 grades in grade ``grade_code``.

    None for elementary grades 1–2 (no 評定) and while any 観点 has no grade. ``table`` (a school's)
    maps a sorted pattern such as ``"AAB"`` to the rating; patterns it lacks come from the default.
    """
    scale = rating_scale(grade_code)
    values = list(grades)
    if scale is None or len(values) != 3 or any(g not in ("A", "B", "C") for g in values):
        return None
    pattern = "".join(sorted(values))  # type: ignore[arg-type]
    default = DEFAULT_JUNIOR_HIGH_TABLE if scale == 5 else DEFAULT_ELEMENTARY_TABLE
    value = (table or {}).get(pattern, default[pattern])
    return max(1, min(scale, int(value)))
