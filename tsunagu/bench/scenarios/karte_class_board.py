"""``karte_class_board``: the 学級ボード of the largest class of さくら小 on the ``city`` ward, as
``principal``, after the class was given a full school year of records (see :mod:`karte_page`: the
same class and the same year, written once through the apps' services).

The board shows each pupil × the last seven school days (weather, register mark, nurse visit), the
week's study time against the week before, and the active insights. Requested through Django's test
client: a few untimed requests, then ``--samples`` timed ones; the figure is the 95th percentile in
milliseconds (target 200 ms for about 40 pupils). The report also counts the queries of this board
and of the school's smallest class's board; ``ok`` needs both the time and equal counts.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from tsunagu.bench.registry import BenchError, BenchOptions, Result, scenario
from tsunagu.bench.scenarios.karte_page import give_a_year, largest_class, timed_page
from tsunagu.bench.scenarios.roster_page import PRINCIPAL, percentile

TARGET_P95_MS = 200.0


@scenario("karte_class_board", order=71)
def karte_class_board(options: BenchOptions) -> Result:
    """Time the class board of the largest class with a year of data (p95, ms); fixed queries."""
    return timed_page("karte_class_board", TARGET_P95_MS, measure_board, options)


def measure_board(*, samples: int, warmup: int) -> dict[str, Any]:
    """GET the largest class's board ``warmup + samples`` times as the principal."""
    from django.db import connection, reset_queries
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tsunagu.accounts.testing import force_login
    from tsunagu.core.scope import system_scope
    from tsunagu.org.models import Homeroom

    principal, room, enrolments = largest_class()
    written = give_a_year(room, enrolments)
    with system_scope(reason="benchmark finds the school's smallest class"):
        small = (
            Homeroom.objects.filter(school=room.school, school_year=room.school_year)
            .annotate(n=Count("enrolments"))
            .filter(n__gt=0)
            .order_by("n", "pk")
            .first()
        )
    client = force_login(Client(), principal)
    url = reverse("karte:class_board", args=[room.uuid])

    def get(target: str) -> Any:
        response = client.get(target)
        if response.status_code != 200:
            raise BenchError(f"GET {target} answered {response.status_code} to {PRINCIPAL}")
        return response

    def queries(target: str) -> int:
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            get(target)
        return len(captured)

    for _ in range(warmup):
        get(url)
    timings, cpu = [], []
    for _ in range(samples):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    rows_in_page = response.content.decode().count('<th scope="row"><a href="/karte/pupils/')
    with system_scope(reason="benchmark counts the class's open insights"):
        from tsunagu.karte.models import Insight, InsightStatus

        with_insights = (
            Insight.objects.filter(
                student_id__in=[e.student_id for e in enrolments],
                status__in=[InsightStatus.OPEN, InsightStatus.ASSIGNED],
            )
            .values("student_id")
            .distinct()
            .count()
        )
    large_queries = queries(url)
    small_queries = queries(reverse("karte:class_board", args=[small.uuid])) if small else large_queries
    return {
        "p95": round(percentile(timings, 95), 1),
        "p50": round(percentile(timings, 50), 1),
        "mean": round(statistics.fmean(timings), 1),
        "max": round(max(timings), 1),
        "cpu_p50": round(percentile(cpu, 50), 1),
        "cpu_p95": round(percentile(cpu, 95), 1),
        "samples": samples,
        "warmup": warmup,
        "class": f"{room.school.name} {room.display_name}",
        "pupils": len(enrolments),
        "rows_in_page": rows_in_page,
        "with_insights": with_insights,
        "queries": large_queries,
        "queries_smallest_class": small_queries,
        "smallest_class_pupils": getattr(small, "n", 0),
        "queries_fixed": large_queries == small_queries,
        "year_written": written,
        "database": connection.vendor,
    }
