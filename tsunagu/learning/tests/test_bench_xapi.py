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
