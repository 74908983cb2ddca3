"""Values derived from what the examiners measured, never typed: 視力 A–D, 肥満度 and its category, the
DMF counts from the 歯式 (HEALTH.md §4). Pure functions, no database, so they are tested by hand-worked
cases at every boundary.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DATA_DIR = Path(__file__).resolve().parent / "data"

# --- 視力 (visual acuity) ---------------------------------------------------------------------------

#: Decimal acuity a chart can record: 0.01 (指数弁 is written as 0.01) to 2.0.
VISION_MIN = Decimal("0.01")
VISION_MAX = Decimal("2.0")


def vision_grade(value: Decimal | float | None) -> str:
    """The 370方式 grade of a decimal acuity: A ≥ 1.0, B 0.7–0.9, C 0.3–0.6, D ≤ 0.2 ("" if not measured).

    Values between the printed steps (0.95, 0.65, 0.25) fall to the lower grade: a grade is reached only
    when its lower bound is.
    """
    if value is None:
        return ""
    v = Decimal(str(value))
    if v >= Decimal("1.0"):
        return "A"
    if v >= Decimal("0.7"):
        return "B"
    if v >= Decimal("0.3"):
        return "C"
    return "D"


#: Grades worse than A, for which a 受診勧告 goes home unless corrected acuity reaches A.
VISION_REFER = frozenset({"B", "C", "D"})

# --- 肥満度 (degree of obesity) ----------------------------------------------------------------------


class ObesityCategory(models.TextChoices):
    """The categories of 肥満度 used by school health statistics (±20% are the usual cut-offs)."""

    SEVERE_THIN = "severe_thin", gettext_lazy("Severely thin")
    THIN = "thin", gettext_lazy("Thin")
    NORMAL = "normal", gettext_lazy("Normal")
    MILD = "mild", gettext_lazy("Mildly obese")
    MODERATE = "moderate", gettext_lazy("Moderately obese")
    SEVERE = "severe", gettext_lazy("Severely obese")


@cache
def standard_weight_table() -> dict[str, dict[int, tuple[Decimal, Decimal]]]:
    """The coefficients a, b of 標準体重 = a × 身長 − b by sex ("M"/"F") and age, from
    ``data/standard_weight.json`` (MEXT / 日本学校保健会, ages 5–17)."""
    raw = json.loads((DATA_DIR / "standard_weight.json").read_text(encoding="utf-8"))
    return {
        sex: {int(age): (Decimal(str(a)), Decimal(str(b))) for age, (a, b) in by_age.items()}
        for sex, by_age in raw["coefficients"].items()
    }


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years of age on ``day`` (the statistics count the age on 1 April of the school year)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def standard_weight(sex: str, age: int, height_cm: Decimal) -> Decimal | None:
    """標準体重 in kg for the height, or None when the table has no row for the sex and age."""
    row = standard_weight_table().get(sex, {}).get(age)
    if row is None:
        return None
    a, b = row
    return a * Decimal(height_cm) - b


def obesity_pct(sex: str, age: int, height_cm: Decimal | None, weight_kg: Decimal | None) -> Decimal | None:
    """肥満度 % = (実測体重 − 標準体重) / 標準体重 × 100, to one decimal (half up); None if not computable."""
    if height_cm is None or weight_kg is None:
        return None
    standard = standard_weight(sex, age, height_cm)
    if standard is None or standard <= 0:
        return None
    pct = (Decimal(weight_kg) - standard) / standard * 100
    return pct.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def obesity_category(pct: Decimal | None) -> str:
    """The category of a 肥満度 (as printed, to one decimal): 高度やせ ≤ −30 < やせ ≤ −20 < 普通 < +20 ≤
    軽度肥満 < +30 ≤ 中等度肥満 < +50 ≤ 高度肥満. "" when there is no 肥満度."""
    if pct is None:
        return ""
    if pct <= -30:
        return ObesityCategory.SEVERE_THIN
    if pct <= -20:
        return ObesityCategory.THIN
    if pct < 20:
        return ObesityCategory.NORMAL
    if pct < 30:
        return ObesityCategory.MILD
    if pct < 50:
        return ObesityCategory.MODERATE
    return ObesityCategory.SEVERE


# --- 歯式 (dental chart) -------------------------------------------------------------------------------

SOUND, DECAYED, FILLED, MISSING, WATCH_PRIMARY, CO = "/", "C", "○", "△", "×", "CO"
#: Symbols a permanent tooth may carry, and a primary (deciduous) tooth.
PERMANENT_SYMBOLS = frozenset({SOUND, DECAYED, FILLED, MISSING, CO})
PRIMARY_SYMBOLS = frozenset({SOUND, DECAYED, FILLED, WATCH_PRIMARY, CO})

#: The four quadrants as the form prints them, with their FDI digit for permanent and primary teeth.
QUADRANTS: tuple[tuple[str, int, int], ...] = (("UR", 1, 5), ("UL", 2, 6), ("LL", 3, 7), ("LR", 4, 8))
QUADRANT_LABELS = {
    "UR": gettext_lazy("Upper right"),
    "UL": gettext_lazy("Upper left"),
    "LL": gettext_lazy("Lower left"),
    "LR": gettext_lazy("Lower right"),
}
#: How a symbol may be typed (after NFKC and upper-casing): ○ as O or 0 or 〇, × as X, none as - or .
_ALIASES = {
    "/": SOUND,
    "C": DECAYED,
    "○": FILLED,
    "O": FILLED,
    "0": FILLED,
    "〇": FILLED,
    "◯": FILLED,
    "△": MISSING,
    "×": WATCH_PRIMARY,
    "X": WATCH_PRIMARY,
    "CO": CO,
    "C0": CO,
}
_NONE = {"-", ".", "ー", "・"}


def tooth_code(quadrant: str, position: int, primary: bool) -> str:
    """The FDI number of a tooth: 16 is the upper-right first permanent molar, 54 the upper-right first
    primary molar (D). Positions count from the midline, 1–8 (primary 1–5 = A–E)."""
    digits = {q: (p, d) for q, p, d in QUADRANTS}[quadrant]
    return f"{digits[1] if primary else digits[0]}{position}"


def is_primary(code: str) -> bool:
    """FDI quadrant digits 5–8 are primary teeth."""
    return code[0] in "5678"


def parse_quadrant(text: str, quadrant: str) -> dict[str, str]:
    """One quadrant of the 歯式 typed as up to eight symbols from the midline outwards, e.g.
    ``/ / d/ dC d○ C`` (a ``d`` marks a primary tooth, ``-`` a position without a tooth).

    Returns ``{FDI code: symbol}``; raises ValidationError listing every bad symbol in Japanese.
    """
    label = QUADRANT_LABELS[quadrant]
    normal = unicodedata.normalize("NFKC", text or "").replace(",", " ").replace("、", " ")
    tokens = normal.split()
    errors: list[str] = []
    if len(tokens) > 8:
        errors.append(_("%(q)s: at most 8 teeth (got %(n)d).") % {"q": label, "n": len(tokens)})
    teeth: dict[str, str] = {}
    for position, token in enumerate(tokens[:8], start=1):
        if token in _NONE:
            continue
        primary = token[:1] in {"d", "D"} and len(token) > 1 and token.upper() not in _ALIASES
        body = token[1:] if primary else token
        symbol = _ALIASES.get(body.upper())
        where = {"q": label, "n": position, "t": token}
        if symbol is None:
            errors.append(_("%(q)s tooth %(n)d: “%(t)s” is not a dental chart symbol.") % where)
            continue
        if primary and position > 5:
            errors.append(_("%(q)s tooth %(n)d: there is no primary tooth at this position.") % where)
            continue
        allowed = PRIMARY_SYMBOLS if primary else PERMANENT_SYMBOLS
        if symbol not in allowed:
            message = (
                _("%(q)s tooth %(n)d: × (primary tooth to watch) is only for primary teeth (write d×).")
                if symbol == WATCH_PRIMARY
                else _("%(q)s tooth %(n)d: △ (missing) is only for permanent teeth.")
            )
            errors.append(message % where)
            continue
        teeth[tooth_code(quadrant, position, primary)] = symbol
    if errors:
        raise ValidationError(errors)
    return teeth


def format_quadrant(teeth: dict[str, str], quadrant: str) -> str:
    """The quadrant as the entry field shows it (the inverse of :func:`parse_quadrant`)."""
    tokens: list[str] = []
    for position in range(1, 9):
        primary = teeth.get(tooth_code(quadrant, position, True)) if position <= 5 else None
        permanent = teeth.get(tooth_code(quadrant, position, False))
        if primary:
            tokens.append(f"d{primary}")
        elif permanent:
            tokens.append(permanent)
        else:
            tokens.append("-")
    while tokens and tokens[-1] == "-":
        tokens.pop()
    return " ".join(tokens)


def parse_chart(quadrants: dict[str, str]) -> dict[str, str]:
    """The whole 歯式 from the four quadrant texts; errors of all quadrants together."""
    teeth: dict[str, str] = {}
    errors: list[str] = []
    for quadrant, _p, _d in QUADRANTS:
        try:
            teeth.update(parse_quadrant(quadrants.get(quadrant, ""), quadrant))
        except ValidationError as exc:
            errors += exc.messages
    if errors:
        raise ValidationError(errors)
    return teeth


@dataclass(frozen=True)
class DentalCounts:
    """The counts of the 健康診断票 (歯・口腔), derived from the 歯式.

    Permanent teeth: present (/, C, ○, CO), D = 未処置 (C), M = 喪失 (△), F = 処置 (○), DMF = D+M+F.
    Primary teeth: present (/, C, ○, ×, CO), d = 未処置 (C), f = 処置 (○).
    """

    permanent_present: int
    d: int
    m: int
    f: int
    primary_present: int
    primary_d: int
    primary_f: int

    @property
    def dmf(self) -> int:
        """DMF歯数 of the permanent teeth."""
        return self.d + self.m + self.f

    @property
    def primary_df(self) -> int:
        """df歯数 of the primary teeth."""
        return self.primary_d + self.primary_f

    @property
    def has_untreated(self) -> bool:
        """未処置歯のある者: a C on any tooth, permanent or primary."""
        return self.d + self.primary_d > 0


def dental_counts(teeth: dict[str, str]) -> DentalCounts:
    """Count the 歯式 (see :class:`DentalCounts`)."""
    perm = [s for code, s in teeth.items() if not is_primary(code)]
    prim = [s for code, s in teeth.items() if is_primary(code)]
    return DentalCounts(
        permanent_present=sum(1 for s in perm if s != MISSING),
        d=perm.count(DECAYED),
        m=perm.count(MISSING),
        f=perm.count(FILLED),
        primary_present=len(prim),
        primary_d=prim.count(DECAYED),
        primary_f=prim.count(FILLED),
    )
