"""``nurse_daily_log``: the 保健日誌 page of today for the nurse's school, as ``nurse``.

さくら小 is the ward's largest school on the ``city`` scale (about 1,100 pupils). The page computes
the day from the register (per-class figures, reasons, 出席停止 by disease), the morning check-ins and
the visits, and shows the nurse's entry. Requested through Django's test client (no network): a few
untimed requests, then ``--samples`` timed ones. The figure is the 95th percentile in milliseconds
(target 200 ms, issue 4); the report also counts the SQL queries of one request.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from tsunagu.bench import database
from tsunagu.bench.registry import BenchError, BenchOptions, Result, scenario
from tsunagu.bench.scenarios.nurse_visit_post import NURSE, nurse_and_school
from tsunagu.bench.scenarios.roster_page import percentile
from tsunagu.bench.scenarios.seed_city import ensure_seeded

TARGET_P95_MS = 200.0


@scenario("nurse_daily_log", order=51)
def nurse_daily_log(options: BenchOptions) -> Result:
    """Time today's daily log page of the nurse's school (p95, ms)."""
    if options.samples < 1 or options.warmup < 0:
        raise BenchError("--samples must be at least 1 and --warmup at least 0")
    extra: dict[str, Any]
    if options.current_database:
        report = measure_daily_log(samples=options.samples, warmup=options.warmup)
        extra = {"database_name": "current"}
    else:
        url = database.bench_database_url(options.scale)
        seeded_now = ensure_seeded(url, options.scale)
        report = database.run_in_worker(
            url, measure_daily_log, samples=options.samples, warmup=options.warmup
        )
        extra = {"scale": options.scale, "database_name": database.describe(url), "seeded_now": seeded_now}
    return Result(
        scenario="nurse_daily_log", value=report["p95"], unit="ms", target=TARGET_P95_MS, extra=report | extra
    )


def measure_daily_log(*, samples: int, warmup: int) -> dict[str, Any]:
    """GET the daily log ``warmup + samples`` times; the timings in milliseconds and the page's figures."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from tsunagu.accounts.testing import force_login
    from tsunagu.health import selectors
    from tsunagu.students.models import Enrolment
    from tsunagu.students.selectors import enrolled_on

    nurse, school = nurse_and_school()
    today = timezone.localdate()
    pupils = Enrolment.objects.visible_to(nurse, "view").filter(enrolled_on(today), school=school).count()
    client = force_login(Client(), nurse)
    url = reverse("health:daily_log", args=[school.uuid])

    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise BenchError(f"GET {url} answered {response.status_code} to {NURSE}")

    for _ in range(warmup):
        get()
    timings, cpu = [], []
    for _ in range(samples):
        started, started_cpu = time.perf_counter(), time.process_time()
        get()
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        get()
    log = selectors.daily_log_get(actor=nurse, school=school, day=today)
    return {
        "p95": round(percentile(timings, 95), 1),
        "p50": round(percentile(timings, 50), 1),
        "mean": round(statistics.fmean(timings), 1),
        "max": round(max(timings), 1),
        "cpu_p50": round(percentile(cpu, 50), 1),
        "cpu_p95": round(percentile(cpu, 95), 1),
        "samples": samples,
        "warmup": warmup,
        "school": school.name,
        "pupils": pupils,
        "classes": len(log.classes),
        "visits": len(log.visits),
        "queries": len(captured),
        "database": connection.vendor,
    }
