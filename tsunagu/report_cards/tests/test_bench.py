"""The ``report_cards_school`` benchmark runs on the tests' ``tiny`` ward (report shape, not time)."""

from __future__ import annotations

from typing import Any

import pytest

from tsunagu.bench.registry import BenchOptions, all_scenarios

pytestmark = pytest.mark.django_db


def test_the_school_benchmark_reports_figure_target_and_cpu(ward: Any) -> None:
    found = next(s for s in all_scenarios() if s.name == "report_cards_school")
    result = found.func(BenchOptions(samples=1, current_database=True)).as_dict()
    assert list(result)[:5] == ["scenario", "value", "unit", "target", "ok"]
    assert (result["unit"], result["target"]) == ("s", 30.0)
    assert result["school"] == ward.schools["sakura"].name
    assert result["pupils"] > 20 and result["pages"] == 2 * result["pupils"]
    assert result["classes"] > 1 and result["cpu_median_s"] > 0
    assert result["texts_written_now"] >= 0  # the demo may have written every text already
