"""``year_rollover_city``: 年次更新 of every school of the ward — the 仮 run (preview) and the commit.

On the ``city`` ward that is 90 schools and ~50,000 pupils: every pupil promoted or graduated, next
year's homerooms created, this year's role assignments closed. Each school is rolled over as its
principal would from the page: :func:`tsunagu.students.services.year_rollover_plan` (the preview),
then :func:`~tsunagu.students.services.year_rollover_commit` with the preview's digest. The figure is
the wall time of previews and commits of the whole ward together, in seconds (target 60 s, the issue's
Done-when); ``cpu_s`` is the CPU time of the measuring process over the same work (on SQLite nearly all
of it, and less disturbed by other load on the machine).

Everything runs inside one transaction that is rolled back at the end, so the benchmark database
keeps its ward for the next run (and for the other scenarios). The report also counts what the commit
wrote, and checks it: every pupil who had an open enrolment this year has exactly one next year or a
graduation, none is left open in this year.
"""

from __future__ import annotations

import time
from typing import Any

from tsunagu.bench import database
from tsunagu.bench.registry import BenchError, BenchOptions, Result, scenario
from tsunagu.bench.scenarios.seed_city import ensure_seeded

#: Seconds for the preview and the commit of every school of the ward.
TARGET_S = 60.0


@scenario("year_rollover_city", order=40)
def year_rollover_city(options: BenchOptions) -> Result:
    """Time 年次更新 (preview + commit) of every school of the ward, rolled back afterwards."""
    extra: dict[str, Any]
    if options.current_database:
        report = measure_rollover()
        extra = {"database_name": "current"}
    else:
        url = database.bench_database_url(options.scale)
        seeded_now = ensure_seeded(url, options.scale)
        report = database.run_in_worker(url, measure_rollover)
        extra = {"scale": options.scale, "database_name": database.describe(url), "seeded_now": seeded_now}
    return Result(
        scenario="year_rollover_city",
        value=report["total_s"],
        unit="s",
        target=TARGET_S,
        extra=report | extra,
        ok=report["total_s"] <= TARGET_S and report["consistent"],
    )


class _RollBack(Exception):
    """Raised at the end of the measured transaction to undo the roll-over."""


def measure_rollover() -> dict[str, Any]:
    """Preview and commit the roll-over of every school with a principal this year, timed per phase,
    inside a transaction that is rolled back. Runs in the worker (or in-process on the current DB)."""
    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import timezone

    from tsunagu.accounts.models import Role, RoleAssignment
    from tsunagu.core.scope import system_scope
    from tsunagu.core.wareki import school_year_of
    from tsunagu.org.models import School, SchoolYear
    from tsunagu.students import services
    from tsunagu.students.models import Enrolment

    today = timezone.localdate()
    with system_scope(reason="benchmark finds each school's principal"):
        year = SchoolYear.objects.filter(year=school_year_of(today)).first()
        if year is None:
            raise BenchError("no school year for today: seed a demo ward first")
        principals = {
            a.school_id: a.user
            for a in RoleAssignment.objects.filter(
                role=Role.PRINCIPAL, school_year=year, school__isnull=False
            )
            .select_related("user")
            .order_by("-pk")
        }
        schools = list(School.objects.filter(pk__in=principals).order_by("kind", "mext_code"))
        open_before = Enrolment.objects.filter(school_year=year, end_date__isnull=True).count()
        if not schools:
            raise BenchError("no school has a principal this year")

    preview_s = commit_s = 0.0
    cpu_started = time.process_time()
    slowest: tuple[float, str] = (0.0, "")
    counts: dict[str, int] = {"promoted": 0, "graduated": 0, "homerooms": 0, "grants_closed": 0}
    check: dict[str, Any] = {}
    cpu_s = 0.0
    try:
        with transaction.atomic():
            for school in schools:
                actor = principals[school.pk]
                started = time.perf_counter()
                plan = services.year_rollover_plan(actor=actor, school=school, from_year=year)
                previewed = time.perf_counter()
                services.year_rollover_commit(
                    actor=actor, school=school, from_year=year, expected_digest=plan.digest
                )
                committed = time.perf_counter()
                preview_s += previewed - started
                commit_s += committed - previewed
                slowest = max(slowest, (committed - started, school.name))
                counts["promoted"] += len(plan.promotions)
                counts["graduated"] += len(plan.graduations)
                counts["homerooms"] += len(plan.new_homerooms)
                counts["grants_closed"] += len(plan.assignments_to_close)
            with system_scope(reason="benchmark checks the roll-over before undoing it"):
                left_open = Enrolment.objects.filter(
                    school_year=year, end_date__isnull=True, school__in=schools
                ).count()
                next_year = SchoolYear.objects.get(year=year.year + 1)
                doubled = (
                    Enrolment.objects.filter(school_year=next_year)
                    .values("student")
                    .annotate(n=Count("id"))
                    .filter(n__gt=1)
                    .count()
                )
                opened = Enrolment.objects.filter(
                    school_year=next_year, start_date=next_year.start_date
                ).count()
            check = {"left_open": left_open, "doubled": doubled, "opened": opened}
            cpu_s = time.process_time() - cpu_started
            raise _RollBack
    except _RollBack:
        pass
    with system_scope(reason="benchmark checks the roll-back"):
        open_after = Enrolment.objects.filter(school_year=year, end_date__isnull=True).count()
    consistent = (
        check.get("left_open") == 0
        and check.get("doubled") == 0
        and check.get("opened", -1) >= counts["promoted"]
        and open_after == open_before
    )
    return {
        "total_s": round(preview_s + commit_s, 2),
        "preview_s": round(preview_s, 2),
        "commit_s": round(commit_s, 2),
        "cpu_s": round(cpu_s, 2),
        "slowest_school_s": round(slowest[0], 2),
        "slowest_school": slowest[1],
        "schools": len(schools),
        "pupils": counts["promoted"] + counts["graduated"],
        **counts,
        **check,
        "rolled_back": open_after == open_before,
        "consistent": consistent,
        "database": connection.vendor,
    }
