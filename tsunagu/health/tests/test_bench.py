"""The nurse's benchmark scenarios run on the shared ``tiny`` ward with ``--current-database`` and print
their JSON line (they never judge a time: the machine decides that)."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run_bench(*args: str) -> list[dict[str, Any]]:
    out = StringIO()
    call_command("bench", *args, stdout=out, stderr=StringIO())
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.parametrize("name,target", [("nurse_visit_post", 50.0), ("nurse_daily_log", 200.0)])
def test_the_nurse_scenarios_measure_on_the_current_database(ward: Any, name: str, target: float) -> None:
    (report,) = run_bench(name, "--current-database", "--samples", "3", "--warmup", "1")
    assert (report["scenario"], report["unit"], report["target"]) == (name, "ms", target)
    assert report["samples"] == 3 and report["queries"] > 0
    assert report["school"] == "すずかけ区立さくら小学校"
