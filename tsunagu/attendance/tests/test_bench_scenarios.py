"""The 出席簿 benchmark scenarios run on the suite's tiny demo ward (shape of the report only; a test
never judges a time): a full year is added up for every pupil, and a class of 35 is saved."""

from __future__ import annotations

from typing import Any

import pytest

from tsunagu.bench.scenarios.attendance_register import measure_aggregation, measure_daily_post

pytestmark = pytest.mark.django_db


def test_the_aggregation_scenario_adds_up_the_whole_year_in_four_queries(ward: Any) -> None:
    report = measure_aggregation(samples=1, warmup=0)
    assert report["queries"] == 4
    assert report["pupils"] > 0 and report["instructional_days"] > 150
    assert report["marks"] > 0


def test_the_daily_post_scenario_saves_a_class_of_35(ward: Any) -> None:
    report = measure_daily_post(samples=2, warmup=1)
    assert report["pupils"] == 35 and report["class"] == "4年1組"
    assert report["queries"] < 60
