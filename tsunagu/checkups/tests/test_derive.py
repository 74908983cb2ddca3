"""Derived values against hand-worked cases: 視力 A–D at every boundary, 肥満度 and its categories, DMF
counts from the 歯式."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tsunagu.checkups import derive
from tsunagu.checkups.derive import ObesityCategory as O


@pytest.mark.parametrize(
    ("value", "grade"),
    [
        (None, ""),
        ("2.0", "A"),
        ("1.2", "A"),
        ("1.0", "A"),
        ("0.99", "B"),
        ("0.9", "B"),
        ("0.7", "B"),
        ("0.69", "C"),
        ("0.6", "C"),
        ("0.3", "C"),
        ("0.29", "D"),
        ("0.2", "D"),
        ("0.1", "D"),
        ("0.01", "D"),
    ],
)
def test_vision_grade_at_every_boundary(value: str | None, grade: str) -> None:
    assert derive.vision_grade(Decimal(value) if value else None) == grade


def test_age_is_counted_in_full_years_on_the_day() -> None:
    april_first = dt.date(2026, 4, 1)
    assert derive.age_on(dt.date(2019, 4, 2), april_first) == 6  # youngest of a year-1 class is 6 ...
    assert derive.age_on(dt.date(2020, 4, 1), april_first) == 6  # ... and so is the oldest
    assert derive.age_on(dt.date(2020, 4, 2), april_first) == 5


def test_standard_weight_and_obesity_by_hand() -> None:
    # Boy, 9: 0.687 × 130.0 − 61.390 = 27.92 kg; (30.0 − 27.92) / 27.92 = 7.45 % → 7.4 (half up on 7.449…)
    assert derive.standard_weight("M", 9, Decimal("130.0")) == Decimal("27.920")
    assert derive.obesity_pct("M", 9, Decimal("130.0"), Decimal("30.0")) == Decimal("7.4")
    # Girl, 12: 0.796 × 150 − 76.934 = 42.466; (60 − 42.466) / 42.466 = 41.29 % → 中等度肥満
    pct = derive.obesity_pct("F", 12, Decimal("150.0"), Decimal("60.0"))
    assert pct == Decimal("41.3")
    assert derive.obesity_category(pct) == O.MODERATE
    # Boy, 10, 140 cm: standard 34.819 kg; 41.8 kg is +20.05 % (軽度肥満), 41.7 kg +19.76 % (普通)
    assert derive.obesity_pct("M", 10, Decimal("140.0"), Decimal("41.8")) == Decimal("20.0")
    assert derive.obesity_category(Decimal("20.0")) == O.MILD
    assert derive.obesity_pct("M", 10, Decimal("140.0"), Decimal("41.7")) == Decimal("19.8")
    # Outside the table (age 4) or a missing value: nothing to compute.
    assert derive.obesity_pct("M", 4, Decimal("100.0"), Decimal("16.0")) is None
    assert derive.obesity_pct("M", 9, None, Decimal("30.0")) is None


@pytest.mark.parametrize(
    ("pct", "category"),
    [
        ("-45.0", O.SEVERE_THIN),
        ("-30.0", O.SEVERE_THIN),
        ("-29.9", O.THIN),
        ("-20.0", O.THIN),
        ("-19.9", O.NORMAL),
        ("0.0", O.NORMAL),
        ("19.9", O.NORMAL),
        ("20.0", O.MILD),
        ("29.9", O.MILD),
        ("30.0", O.MODERATE),
        ("49.9", O.MODERATE),
        ("50.0", O.SEVERE),
    ],
)
def test_obesity_category_at_every_boundary(pct: str, category: str) -> None:
    assert derive.obesity_category(Decimal(pct)) == category


def test_obesity_table_covers_both_sexes_from_5_to_17() -> None:
    table = derive.standard_weight_table()
    assert sorted(table) == ["F", "M"]
    assert all(sorted(by_age) == list(range(5, 18)) for by_age in table.values())


def test_a_quadrant_is_read_from_the_midline() -> None:
    # Upper right of a 3rd-grader: permanent incisors, primary canine and molars (one decayed, one
    # filled), the first permanent molar decayed.
    teeth = derive.parse_quadrant("/ / d/ dC d○ C", "UR")
    assert teeth == {"11": "/", "12": "/", "53": "/", "54": "C", "55": "○", "16": "C"}
    assert derive.format_quadrant(teeth, "UR") == "/ / d/ dC d○ C"


def test_symbols_may_be_typed_in_any_width_and_with_aliases() -> None:
    teeth = derive.parse_quadrant("／，O，0，△ co -", "LL")
    assert teeth == {"31": "/", "32": "○", "33": "○", "34": "△", "35": "CO"}
    # The primary × at position 7 does not exist: refused.
    with pytest.raises(ValidationError):
        derive.parse_quadrant("dx - - - - - d/", "LL")


def test_bad_symbols_are_all_reported_in_japanese() -> None:
    from django.utils import translation

    with translation.override("ja"), pytest.raises(ValidationError) as caught:
        derive.parse_chart({"UR": "/ Z", "UL": "d/ / / / / d/", "LL": "×", "LR": "d△"})
    messages = caught.value.messages
    assert len(messages) == 4
    assert "右上" in messages[0] and "2" in messages[0]
    assert any("左上" in m for m in messages)
    assert any("左下" in m and "乳歯" in m for m in messages)
    assert any("右下" in m and "永久歯" in m for m in messages)


def test_dmf_counts_are_derived_from_the_chart() -> None:
    teeth = derive.parse_chart(
        {
            "UR": "/ / d/ dC d○ C",  # permanent: 3 present, D 1; primary: 3 present, d 1, f 1
            "UL": "/ / d× dCO d/ ○",  # permanent: 3 present, F 1; primary: 3 present
            "LL": "/ / / / / △ CO",  # permanent: 6 present, M 1 (CO counts as present, not decayed)
            "LR": "C C d/ d/ dC /",  # permanent: 3 present, D 2; primary: 3 present, d 1
        }
    )
    counts = derive.dental_counts(teeth)
    assert (counts.permanent_present, counts.d, counts.m, counts.f) == (15, 3, 1, 1)
    assert counts.dmf == 5
    assert (counts.primary_present, counts.primary_d, counts.primary_f) == (9, 2, 1)
    assert counts.primary_df == 3
    assert counts.has_untreated


def test_a_healthy_mouth_has_no_untreated_teeth() -> None:
    counts = derive.dental_counts(derive.parse_chart({"UR": "/ / / / / /", "LL": "d/ d/"}))
    assert counts.dmf == 0 and counts.primary_df == 0 and not counts.has_untreated
    assert counts.permanent_present == 6 and counts.primary_present == 2
