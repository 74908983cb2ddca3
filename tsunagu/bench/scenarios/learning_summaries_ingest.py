"""``learning_summaries_ingest``: what the learning-summaries receiver adds to the LRS's ingest.

Posts batches of 100 drill answers (the ``xapi_ingest`` scenario's statements: one pupil each, ~1.3 KB,
Japan-profile subject and grade extensions, a grouping activity; their days spread over a term, so a
summary row is incremented a few times, as in a day's traffic) through Django's test client to
``/xapi/statements``, alternating batches **with** the receiver of ``statements_stored`` connected and
**without** it (so both halves see the same load on a shared machine). Reports statements/s of each
half, and — the figure — the receiver's own time per batch of 100, measured around the receiver itself
(its JSON parsing, the one upsert and anything else it runs), in ms of wall time (and of this
process's CPU time: ``receiver_cpu_ms_per_batch``, less disturbed by other load). Target: ≤ 3.3 ms per
batch, a tenth of the 33 ms a batch may take at the LRS's target of 3,000 statements/s (issue 6).
"""

from __future__ import annotations

import json
import time
from typing import Any

from tsunagu.bench import database
from tsunagu.bench.registry import BenchError, BenchOptions, Result, scenario
from tsunagu.bench.scenarios.seed_city import ensure_seeded
from tsunagu.bench.scenarios.xapi_ingest import _statement, bench_app_headers, bench_board_and_pupils

TARGET_MS_PER_BATCH = 3.3
BATCH = 100
BATCHES = 200  # per half


@scenario("learning_summaries_ingest", order=62)
def learning_summaries_ingest(options: BenchOptions) -> Result:
    """The summaries receiver's time per batch of 100 statements, and ingest with and without it."""
    extra: dict[str, Any]
    batches = max(2, min(BATCHES, options.samples * 4))
    if options.current_database:
        report = measure_receiver(batches=batches)
        extra = {"database_name": "current"}
    else:
        url = database.bench_database_url(options.scale)
        seeded_now = ensure_seeded(url, options.scale)
        report = database.run_in_worker(url, measure_receiver, batches=batches)
        extra = {"scale": options.scale, "database_name": database.describe(url), "seeded_now": seeded_now}
    return Result(
        scenario="learning_summaries_ingest",
        value=report["receiver_ms_per_batch"],
        unit="ms per batch of 100",
        target=TARGET_MS_PER_BATCH,
        extra=report | extra,
    )


def measure_receiver(*, batches: int) -> dict[str, Any]:
    """Post ``batches`` batches with the receiver and as many without, alternating (two warm-up batches)."""
    from django.db import connection
    from django.test import Client

    from tsunagu.learning.models import Permission
    from tsunagu.learning.signals import statements_stored
    from tsunagu.learning.xapi.store import issuer
    from tsunagu.learning_summaries import summaries

    board, pupils = bench_board_and_pupils()
    headers = bench_app_headers(board, [Permission.STATEMENTS_WRITE])
    home = issuer()
    bodies = []
    for b in range(2 * batches + 2):
        batch = [_statement(pupils[(b * BATCH + i) % len(pupils)], b * BATCH + i, home) for i in range(BATCH)]
        for statement in batch:  # the days of a school term, as a year's traffic spreads them
            statement["timestamp"] = f"2026-{9 + b % 3:02d}-{1 + b % 28:02d}T16:20:00.000+09:00"
        bodies.append(json.dumps(batch, ensure_ascii=False).encode())
    client = Client()
    spent = [0.0, 0.0]  # wall, CPU of this process

    def timed_receiver(sender: Any, **kwargs: Any) -> None:
        start, start_cpu = time.perf_counter(), time.process_time()
        summaries.statements_stored_receiver(sender, **kwargs)
        spent[0] += time.perf_counter() - start
        spent[1] += time.process_time() - start_cpu

    def post(body: bytes) -> None:
        response = client.post("/xapi/statements", body, content_type="application/json", **headers)
        if response.status_code != 200:
            raise BenchError(f"POST answered {response.status_code}: {response.content[:300]!r}")

    uid = "learning_summaries.statements"
    statements_stored.disconnect(dispatch_uid=uid)
    statements_stored.connect(timed_receiver, dispatch_uid=uid)
    elapsed = {"with": 0.0, "without": 0.0}
    try:
        for body in bodies[:2]:
            post(body)
        spent[0] = spent[1] = 0.0
        for n, body in enumerate(bodies[2:]):
            half = "with" if n % 2 == 0 else "without"
            if half == "with":
                statements_stored.connect(timed_receiver, dispatch_uid=uid)
            else:
                statements_stored.disconnect(dispatch_uid=uid)
            start = time.perf_counter()
            post(body)
            elapsed[half] += time.perf_counter() - start
    finally:
        statements_stored.disconnect(dispatch_uid=uid)
        statements_stored.connect(summaries.statements_stored_receiver, dispatch_uid=uid)
    per_half = batches * BATCH
    with_rate, without_rate = per_half / elapsed["with"], per_half / elapsed["without"]
    return {
        "receiver_ms_per_batch": round(spent[0] * 1000 / batches, 2),
        "receiver_cpu_ms_per_batch": round(spent[1] * 1000 / batches, 2),
        "statements_per_s_with_receiver": round(with_rate, 1),
        "statements_per_s_without_receiver": round(without_rate, 1),
        "overhead_percent": round(100 * (elapsed["with"] - elapsed["without"]) / elapsed["without"], 1),
        "batches_per_half": batches,
        "batch_size": BATCH,
        "database": connection.vendor,
    }
