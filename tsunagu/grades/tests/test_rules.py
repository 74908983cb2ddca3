"""The rules turning scores into A/B/C and 観点 into a 評定: every boundary and the default tables."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tsunagu.grades import rules
from tsunagu.grades.rules import PartResult, Thresholds

D = Decimal


def part(viewpoint: str, points: str | None, max_points: str = "100", weight: str = "1") -> PartResult:
    return PartResult(viewpoint, D(weight), D(max_points), None if points is None else D(points))


@pytest.mark.parametrize(
    ("pct", "grade"),
    [("100", "A"), ("80", "A"), ("79.9", "B"), ("50", "B"), ("49.9", "C"), ("0", "C")],
)
def test_thresholds_are_a_from_80_and_c_below_50(pct: str, grade: str) -> None:
    assert rules.grade_for(D(pct), Thresholds()) == grade


def test_a_plan_may_set_its_own_thresholds() -> None:
    assert rules.grade_for(D("75"), Thresholds(a=D(75), c=D(40))) == "A"
    assert rules.grade_for(D("45"), Thresholds(a=D(75), c=D(40))) == "B"
    assert rules.grade_for(D("39.9"), Thresholds(a=D(75), c=D(40))) == "C"


def test_no_score_yet_is_no_grade() -> None:
    assert rules.grade_for(None, Thresholds()) is None
    assert rules.viewpoint_percentage([part("knowledge", None)], "knowledge") is None


def test_percentage_is_weighted_and_skips_blank_and_absent_parts() -> None:
    parts = [
        part("knowledge", "40", "50"),  # 80 %
        part("knowledge", "6", "10", weight="3"),  # 60 %, weight 3
        part("knowledge", None, "100"),  # blank or 欠: not counted
        part("thinking", "0", "10"),  # another 観点
    ]
    # (1·0.8 + 3·0.6) / 4 = 0.65
    assert rules.viewpoint_percentage(parts, "knowledge") == D("65.0")
    assert rules.viewpoint_percentage(parts, "thinking") == D("0.0")


def test_weight_zero_parts_do_not_count() -> None:
    assert rules.viewpoint_percentage([part("knowledge", "10", weight="0")], "knowledge") is None


@pytest.mark.parametrize(
    ("pattern", "junior", "elementary"),
    [
        ("AAA", 5, 3),
        ("AAB", 4, 3),
        ("ABB", 4, 2),
        ("AAC", 3, 2),
        ("ABC", 3, 2),
        ("BBB", 3, 2),
        ("BBC", 3, 2),
        ("ACC", 2, 1),
        ("BCC", 2, 1),
        ("CCC", 1, 1),
    ],
)
def test_default_rating_tables(pattern: str, junior: str, elementary: str) -> None:
    grades = list(reversed(pattern))  # the order of the 観点 does not matter
    assert rules.rating_for(grades, "J2") == junior
    assert rules.rating_for(grades, "P5") == elementary


def test_elementary_grades_one_and_two_have_no_rating() -> None:
    assert rules.rating_for(["A", "A", "A"], "P1") is None
    assert rules.rating_for(["A", "A", "A"], "P2") is None
    assert rules.rating_for(["A", "A", "A"], "P3") == 3


def test_rating_waits_for_all_three_viewpoints() -> None:
    assert rules.rating_for(["A", "A", None], "J1") is None


def test_a_schools_table_overrides_patterns_and_is_clamped_to_the_scale() -> None:
    assert rules.rating_for(["A", "A", "B"], "J1", {"AAB": 5}) == 5
    assert rules.rating_for(["B", "B", "B"], "J1", {"AAB": 5}) == 3  # default for the rest
    assert rules.rating_for(["A", "A", "A"], "P4", {"AAA": 5}) == 3  # elementary scale is 1–3
