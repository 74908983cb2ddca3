"""The benchmark runner: its registry, the JSON line it prints, and the roster's fixed query count.

These tests never judge a time (the machine decides that); they check what the runner prints and
that the roster pages need the same number of queries for a large class and a small one. The
roster scenario runs with ``--current-database`` on the shared ``tiny`` demo ward, never seeding.
"""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tsunagu.bench.database import bench_database_url
from tsunagu.bench.registry import Result, all_scenarios
from tsunagu.bench.scenarios.roster_page import percentile
from tsunagu.demo.generator import WardSummary
from tsunagu.students.tests.test_views_queries import HOMEROOM_ROSTER_QUERIES, SCHOOL_ROSTER_QUERIES

FIXED_KEYS = ["scenario", "value", "unit", "target", "ok"]


def run_bench(*args: str) -> list[dict[str, Any]]:
    """``manage.py bench *args``: the JSON objects it printed, one per stdout line."""
    out = StringIO()
    call_command("bench", *args, stdout=out, stderr=StringIO())
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.fixture
def roster_report(ward: WardSummary) -> dict[str, Any]:
    (report,) = run_bench("roster_page", "--current-database", "--samples", "3", "--warmup", "1")
    return report


def test_the_registry_runs_seeding_before_the_roster_page() -> None:
    # Seeding first, then the roster page; other apps' scenarios (score_save …) come after.
    assert [s.name for s in all_scenarios()][:2] == ["seed_city", "roster_page"]
    assert all(s.summary for s in all_scenarios())


@pytest.mark.django_db
def test_the_roster_page_prints_one_json_object_with_the_fixed_keys_first(
    roster_report: dict[str, Any],
) -> None:
    assert list(roster_report)[:5] == FIXED_KEYS
    assert roster_report["scenario"] == "roster_page"
    assert roster_report["unit"] == "ms"
    assert roster_report["target"] == 100.0
    assert isinstance(roster_report["ok"], bool)
    assert roster_report["value"] == roster_report["p95"] > 0
    assert roster_report["samples"] == 3
    assert isinstance(roster_report["cpus"], int)


@pytest.mark.django_db
def test_the_roster_page_is_the_largest_school_with_every_pupil_in_it(
    ward: WardSummary, roster_report: dict[str, Any]
) -> None:
    assert roster_report["school"] == ward.schools["sakura"].name
    assert roster_report["pupils"] > 50
    assert roster_report["rows_in_page"] == roster_report["pupils"]


@pytest.mark.django_db
def test_the_roster_query_counts_do_not_grow_with_the_number_of_pupils(
    roster_report: dict[str, Any],
) -> None:
    # The whole school and one class of it; a large class and a small one.
    assert roster_report["one_class_pupils"] < roster_report["pupils"]
    assert roster_report["queries"] == roster_report["queries_one_class"] == SCHOOL_ROSTER_QUERIES
    assert roster_report["homeroom_pupils_small"] < roster_report["homeroom_pupils"]
    assert roster_report["homeroom_queries"] == roster_report["homeroom_queries_small"]
    assert roster_report["homeroom_queries"] == HOMEROOM_ROSTER_QUERIES
    assert roster_report["queries_fixed"] is True


@pytest.mark.django_db
def test_seeding_refuses_the_current_database(ward: WardSummary) -> None:
    with pytest.raises(CommandError, match="seed_city"):
        run_bench("seed_city", "--current-database")


def test_an_unknown_scenario_is_an_error() -> None:
    with pytest.raises(CommandError, match="unknown scenario"):
        run_bench("no_such_scenario")


def test_ok_means_the_value_is_within_the_target_unless_the_scenario_says_otherwise() -> None:
    assert Result("x", 100.0, "ms", 100.0).as_dict()["ok"] is True
    assert Result("x", 100.1, "ms", 100.0).as_dict()["ok"] is False
    assert Result("x", 1.0, "ms", 100.0, ok=False).as_dict()["ok"] is False
    assert Result("x", 1.0, "ms", 100.0, extra={"ok": True}).as_dict()["ok"] is True


def test_the_benchmark_database_is_a_separate_one(settings: Any) -> None:
    url = bench_database_url("city")
    assert url.endswith(("/var/bench/city.sqlite3", "/tsunagu_bench_city"))
    assert settings.DATABASES["default"]["NAME"] not in url


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 95) == 19.0
    assert percentile(values, 50) == 10.0
    assert percentile([7.0], 95) == 7.0
