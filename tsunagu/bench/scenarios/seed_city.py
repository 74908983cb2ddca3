"""``seed_city``: seed the ``city`` demo ward (90 schools, ~50,000 pupils) into a fresh database.

The figure is the time of ``seed_ward`` itself (what ``manage.py demo`` reports); the report also
gives the time of ``migrate`` on the empty database, the whole wall time including the child
process, and the row counts. Target: 10 minutes on 2 cores (ARCHITECTURE §7, issue 2 item 10).
"""

from __future__ import annotations

import time
from typing import Any

from tsunagu.bench import database
from tsunagu.bench.registry import BenchError, BenchOptions, Result, scenario

#: Seconds (10 minutes on 2 cores).
TARGET_SECONDS = 600.0
#: The demo seed the benchmark ward is built from (the same as ``make demo``).
SEED = 1


@scenario("seed_city", order=10)
def seed_city(options: BenchOptions) -> Result:
    """Seed the demo ward of ``--scale`` (city) into a fresh throwaway database; seconds."""
    if options.current_database:
        raise BenchError(
            "seed_city always seeds a fresh throwaway database; --current-database is not for it"
        )
    url = database.bench_database_url(options.scale)
    started = time.perf_counter()
    report = seed_fresh(url, options.scale)
    return Result(
        scenario="seed_city",
        value=round(report["seed_s"], 1),
        unit="s",
        target=TARGET_SECONDS,
        extra={
            "scale": options.scale,
            "seed": SEED,
            "seed_cpu_s": round(report["seed_cpu_s"], 1),
            "migrate_s": round(report["migrate_s"], 1),
            "total_s": round(time.perf_counter() - started, 1),
            "pupils": report["counts"].get("students"),
            "schools": report["counts"].get("schools"),
            "rows": report["counts"],
            "step_s": report.get("step_seconds", {}),
            "database": report["database"],
            "database_name": database.describe(url),
        },
    )


def seed_fresh(url: str, scale: str) -> dict[str, Any]:
    """Drop and create the benchmark database at ``url``, then migrate and seed it (in the worker)."""
    database.recreate(url)
    return database.run_worker(url, "seed", "--scale", scale)


def ensure_seeded(url: str, scale: str) -> bool:
    """Seed the benchmark database unless it already holds a complete ward of ``scale`` for this
    school year (for example, from ``seed_city`` just before). True when it had to seed."""
    if database.exists(url) and database.run_worker(url, "status", "--scale", scale)["seeded"]:
        return False
    seed_fresh(url, scale)
    return True


# --- run in the worker, inside the benchmark database ------------------------------------------


def seed_here(scale: str) -> dict[str, Any]:
    """Migrate the connected (empty) database and seed the ward; seconds for each (and the CPU
    seconds of this process while seeding: on SQLite nearly all the work), and the row counts."""
    from django.core.management import call_command
    from django.db import connection

    from tsunagu.demo.generator import seed_ward

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrated, migrated_cpu = time.perf_counter(), time.process_time()
    summary = seed_ward(scale, SEED)
    seeded, seeded_cpu = time.perf_counter(), time.process_time()
    database.analyze()  # not part of the seed's time: production's autovacuum would do it
    return {
        "migrate_s": migrated - started,
        "seed_s": seeded - migrated,
        "seed_cpu_s": seeded_cpu - migrated_cpu,
        "counts": summary.counts,
        "step_seconds": summary.step_seconds,
        "database": connection.vendor,
    }


def _has_ward() -> bool:
    """Whether the connected database already holds a seeded ward (the org tables exist and are full)."""
    from django.db import DatabaseError

    from tsunagu.core.scope import system_scope
    from tsunagu.demo.generator import ward_exists

    try:
        with system_scope(reason="benchmark checks its demo ward"):
            return ward_exists()
    except DatabaseError:
        return False


def ward_status(scale: str) -> dict[str, Any]:
    """Whether the connected database is fully migrated and holds the ward of ``scale`` for the
    current school year (a ward seeded last 年度, or of another scale, is seeded again)."""
    from django.core.management import call_command
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    from tsunagu.core.scope import system_scope
    from tsunagu.core.wareki import school_year_of
    from tsunagu.demo.generator import SCALES, ward_exists
    from tsunagu.org.models import School, SchoolYear

    try:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            if not _has_ward():
                return {"seeded": False, "reason": "migrations are pending"}
            # A ward seeded before the newest migrations: migrate it rather than seed 50,000 pupils
            # again (18 minutes on a loaded machine); scenarios that need a new app's data make it.
            call_command("migrate", interactive=False, verbosity=0)
        with system_scope(reason="benchmark checks its demo ward"):
            if not ward_exists():
                return {"seeded": False, "reason": "no ward"}
            expected = SCALES[scale].elementary + SCALES[scale].junior_high
            if School.objects.count() != expected:
                return {"seeded": False, "reason": "a ward of another scale"}
            if not SchoolYear.objects.filter(year=school_year_of(timezone.localdate())).exists():
                return {"seeded": False, "reason": "seeded in another school year"}
    except DatabaseError as exc:
        return {"seeded": False, "reason": str(exc)}
    return {"seeded": True}
