"""``score_save``: one autosave of a pupil's row in the score grid, as the subject teacher.

The cast's maths teacher (みどり中 2年 数学) saves one pupil's row of term 1 — two cells, each a real
change with the version the page holds — through the JSON endpoint the grid posts to, via Django's test
client (the whole middleware stack, the view, the service, the proposals recomputed for the answer; no
network). A few untimed saves warm up, then ``--samples`` timed ones. The figure is the 95th percentile
in milliseconds (target 50 ms, issue 5). The report also counts the SQL queries of one save.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

from tsunagu.bench import database
from tsunagu.bench.registry import BenchError, BenchOptions, Result, scenario
from tsunagu.bench.scenarios.roster_page import percentile
from tsunagu.bench.scenarios.seed_city import ensure_seeded

TARGET_P95_MS = 50.0
TEACHER = "subject_teacher"


@scenario("score_save", order=40)
def score_save(options: BenchOptions) -> Result:
    """Time the autosave of one row of the score grid (p95, ms) as the subject teacher."""
    if options.samples < 1 or options.warmup < 0:
        raise BenchError("--samples must be at least 1 and --warmup at least 0")
    extra: dict[str, Any]
    if options.current_database:
        report = measure_score_save(samples=options.samples, warmup=options.warmup)
        extra = {"database_name": "current"}
    else:
        url = database.bench_database_url(options.scale)
        seeded_now = ensure_seeded(url, options.scale)
        report = database.run_in_worker(
            url, measure_score_save, samples=options.samples, warmup=options.warmup
        )
        extra = {"scale": options.scale, "database_name": database.describe(url), "seeded_now": seeded_now}
    return Result(
        scenario="score_save", value=report["p95"], unit="ms", target=TARGET_P95_MS, extra=report | extra
    )


def measure_score_save(*, samples: int, warmup: int) -> dict[str, Any]:
    """Post ``warmup + samples`` row saves for one pupil of the teacher's group; the timings in ms.

    Each save changes both cells (alternating values) with the versions the previous answer returned, so
    every timed save is a real write (compare-and-set, history row, proposals recomputed). The scores
    it leaves are the pupil's last alternating values.
    """
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tsunagu.accounts.models import User
    from tsunagu.accounts.testing import force_login
    from tsunagu.core.scope import system_scope
    from tsunagu.grades import selectors
    from tsunagu.grades.models import Score

    teacher = User.objects.filter(username=TEACHER).first()
    if teacher is None:
        raise BenchError(f"no user {TEACHER!r}: seed a demo ward first")
    groups = selectors.teaching_groups_for(actor=teacher, action="enter_scores")
    group = next((g for g in groups if g.homerooms.exists()), None)
    if group is None:
        raise BenchError(f"{TEACHER!r} has no teaching group")
    term = selectors.term_of(group, 1)
    plan = selectors.plan_for(actor=teacher, group=group, term=term) if term else None
    if term is None or plan is None:
        raise BenchError("the teacher's group has no plan in term 1: seed a ward with the grades demo step")
    pupil = selectors.group_enrolments(actor=teacher, group=group, term=term)[0].student
    parts = selectors.plan_parts(plan)[:2]
    with system_scope(reason="benchmark reads the versions it starts from"):
        versions = {s.part_id: s.version for s in Score.objects.filter(student=pupil, part__in=parts)}
    cells = [{"part": str(p.uuid), "version": versions.get(p.pk, 0)} for p in parts]
    client = force_login(Client(), teacher)
    url = reverse("grades:grid_save", args=[group.uuid, term.number])

    def save(i: int) -> None:
        for n, cell in enumerate(cells):
            cell["value"] = str((i + n) % 2 + 10)
        response = client.post(
            url, json.dumps({"student": str(pupil.uuid), "cells": cells}), content_type="application/json"
        )
        if response.status_code != 200:
            raise BenchError(f"save answered {response.status_code}: {response.content[:200]!r}")
        by_part = {c["part"]: c["version"] for c in response.json()["saved"]}
        for cell in cells:
            cell["version"] = by_part[cell["part"]]

    for i in range(warmup):
        save(i)
    timings, cpu = [], []
    for i in range(warmup, warmup + samples):
        started, started_cpu = time.perf_counter(), time.process_time()
        save(i)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        save(warmup + samples)
    return {
        "p95": round(percentile(timings, 95), 1),
        "p50": round(percentile(timings, 50), 1),
        "mean": round(statistics.fmean(timings), 1),
        "max": round(max(timings), 1),
        "cpu_p50": round(percentile(cpu, 50), 1),
        "cpu_p95": round(percentile(cpu, 95), 1),
        "samples": samples,
        "warmup": warmup,
        "cells_per_save": len(cells),
        "queries": len(captured),
        "group": group.name,
        "database": connection.vendor,
    }
