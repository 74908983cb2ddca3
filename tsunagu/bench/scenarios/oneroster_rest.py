"""``oneroster_rest``: the OneRoster REST provider as a 学習eポータル calls it on the ``city`` ward.

A portal serving every school takes a token, then pages through one school's pupils
(``/schools/{id}/students?limit=100``, the call portals make most) and the ward's users
(``/users?limit=100``). Through Django's test client: a few untimed calls, then ``--samples`` timed
ones of each. The figure is the school page's 95th percentile in milliseconds (target 300 ms); the ward
page's percentiles and the queries per call are reported beside it (the provider builds the client's
records per call, decision 0016, so the ward page is linear in the ward's size).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from tsunagu.bench import database
from tsunagu.bench.registry import BenchError, BenchOptions, Result, scenario
from tsunagu.bench.scenarios.roster_page import percentile
from tsunagu.bench.scenarios.seed_city import ensure_seeded

TARGET_P95_MS = 300.0


@scenario("oneroster_rest", order=61)
def oneroster_rest(options: BenchOptions) -> Result:
    """Time one school's pupils page and the ward's users page of the REST provider (p95, ms)."""
    if options.samples < 1 or options.warmup < 0:
        raise BenchError("--samples must be at least 1 and --warmup at least 0")
    extra: dict[str, Any]
    if options.current_database:
        report = measure_rest(samples=options.samples, warmup=options.warmup)
        extra = {"database_name": "current"}
    else:
        url = database.bench_database_url(options.scale)
        seeded_now = ensure_seeded(url, options.scale)
        report = database.run_in_worker(url, measure_rest, samples=options.samples, warmup=options.warmup)
        extra = {"scale": options.scale, "database_name": database.describe(url), "seeded_now": seeded_now}
    return Result(
        scenario="oneroster_rest",
        value=report["school_p95"],
        unit="ms",
        target=TARGET_P95_MS,
        extra=report | extra,
    )


def measure_rest(*, samples: int, warmup: int) -> dict[str, Any]:
    """Register (once) a bench portal, take a token and time the two pages."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tsunagu.core.scope import system_scope
    from tsunagu.learning.models import LearningClient
    from tsunagu.learning.services import client_register
    from tsunagu.org.models import Board, School
    from tsunagu.roster_sync import oauth

    with system_scope(reason="benchmark finds the ward's board and its largest school"):
        board = Board.objects.order_by("pk").first()
        school = School.objects.order_by("mext_code").first()
    if board is None or school is None:
        raise BenchError("no ward in the database")
    client = LearningClient.objects.filter(board=board, name="bench portal").first()
    if client is None:
        client, _ = client_register(
            actor=None, board=board, name="bench portal", kind="portal", all_schools=True, permissions=[]
        )
    token = oauth.token_issue(client=client, grant_type="client_credentials", scope=None)["access_token"]
    http = Client()
    base = "/ims/oneroster/rostering/v1p2"

    def timed(path: str) -> tuple[list[float], int, int]:
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(warmup):
            http.get(path, {"limit": 100}, headers=headers)
        timings = []
        for _ in range(samples):
            started = time.perf_counter()
            response = http.get(path, {"limit": 100}, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise BenchError(f"GET {path} answered {response.status_code}")
        with CaptureQueriesContext(connection) as captured:
            response = http.get(path, {"limit": 100}, headers=headers)
        return timings, len(captured), int(response["X-Total-Count"])

    school_times, school_queries, school_total = timed(f"{base}/schools/{school.uuid}/students")
    ward_times, ward_queries, ward_total = timed(f"{base}/users")
    return {
        "school_p95": round(percentile(school_times, 95), 1),
        "school_p50": round(percentile(school_times, 50), 1),
        "school_mean": round(statistics.fmean(school_times), 1),
        "school_pupils": school_total,
        "school_queries": school_queries,
        "ward_p95": round(percentile(ward_times, 95), 1),
        "ward_p50": round(percentile(ward_times, 50), 1),
        "ward_users": ward_total,
        "ward_queries": ward_queries,
        "samples": samples,
        "warmup": warmup,
        "school": school.name,
        "database": connection.vendor,
    }
