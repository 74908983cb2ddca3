"""The ``xapi_ingest`` benchmark runs on the test ward and reports its figures (never judges a time)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

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


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="forked clients need a database server")
def test_xapi_ingest_with_two_apps_posting_at_once_counts_both(ward: Any) -> None:  # pragma: no cover
    """Two forked clients, each with its own connection, post their batches at the same time; every
    statement is stored once and the report adds both (PostgreSQL: the test database of SQLite lives
    in one process's memory)."""
    from tsunagu.core.scope import system_scope
    from tsunagu.learning.models import Statement

    with system_scope(reason="test counts stored statements"):
        before = Statement.objects.count()
    report = measure_xapi(batches=2, samples=1, clients=2)
    assert report["clients"] == 2 and report["statements_timed"] == 2 * BATCH
    assert len(report["per_client_statements_per_s"]) == 2
    with system_scope(reason="test counts stored statements"):
        # Two apps × (one timed + two warm-up batches) of 100.
        assert Statement.objects.count() - before == 2 * 3 * BATCH


def test_several_clients_refuse_to_run_inside_a_transaction(ward: Any) -> None:
    from tsunagu.bench.registry import BenchError

    with pytest.raises(BenchError):
        measure_xapi(batches=2, samples=1, clients=2)
