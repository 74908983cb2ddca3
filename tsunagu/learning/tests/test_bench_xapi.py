"""The ``xapi_ingest`` benchmark runs on the test ward and reports its figures (never judges a time)."""

from __future__ import annotations

from typing import Any

import pytest

from tsunagu.bench.scenarios.xapi_ingest import BATCH, measure_xapi

pytestmark = pytest.mark.django_db


def test_xapi_ingest_posts_its_batches_and_reads_one_agents_newest(ward: Any) -> None:
    report = measure_xapi(batches=1, samples=2)
    assert report["statements_timed"] == BATCH
    assert report["statements_per_s"] > 0
    assert 600 < report["statement_bytes"] < 2000
    assert report["get_agent_statements"] >= 1
    assert report["get_agent_p95_ms"] > 0 and report["get_related_agents_p95_ms"] > 0


def test_xapi_get_10m_generates_its_statements_and_reads_one_agents_newest(ward: Any) -> None:
    from django.db import connection

    from tsunagu.bench.registry import BenchError
    from tsunagu.bench.scenarios.xapi_get_10m import measure_get_10m

    if connection.vendor != "postgresql":
        with pytest.raises(BenchError):
            measure_get_10m(count=2000, samples=2, warmup=1)
        return
    report = measure_get_10m(count=2000, samples=3, warmup=1)
    assert report["generated_statements"] == 2000 and report["statements_of_bench_client"] == 2000
    # 2,000 statements over 10 generated pupils: each has 200, the GET returns the newest 100.
    assert report["get_agent_statements"] == 100 and report["get_related_agents_statements"] == 100
    assert report["get_agent_p95_ms"] > 0 and report["get_related_agents_p95_ms"] > 0
    assert any("Index" in line for line in report["plans"]["agent"])
    again = measure_get_10m(count=2000, samples=1, warmup=0)
    assert again["generated_statements"] == 0  # kept, not generated twice
