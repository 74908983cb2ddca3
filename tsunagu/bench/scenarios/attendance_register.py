"""出席簿 benchmarks: ``register_aggregation`` and ``daily_entry_post`` (issue 3).

``register_aggregation`` — the 指導要録 出欠 totals (授業日数 … 出席日数, 遅刻, 早退) of every pupil of
さくら小, the largest school of the ``city`` ward (~1,100 pupils), over the whole school year (1 April
to 31 March), as its principal, through ``selectors.attendance_summaries`` (enrolments, calendar,
closures, marks: four queries, the rest in Python). Target 1 s (the median of ``--samples`` runs after
``--warmup``; p95 reported too). The city ward's demo has only the last 20 school days of marks, so the
scenario first writes a full year of believable marks for that school in the benchmark database
(every instructional day of the year, ~4 % of pupil-days marked; once, ``"year_seeded_now"``).

``daily_entry_post`` — the homeroom teacher's POST of the whole class's day on the daily screen
(``attendance:daily``), for a class of 35: the cast teacher's class (4年1組 of さくら小) is filled up to
35 pupils in the benchmark database if it has fewer. Each timed POST changes three pupils' marks
(alternating between two versions of the day), so every request writes. Target p95 50 ms of server
time (Django's test client: middleware, view, service, template of the redirect; no network).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from typing import Any

from tsunagu.bench import database
from tsunagu.bench.registry import BenchError, BenchOptions, Result, scenario
from tsunagu.bench.scenarios.roster_page import percentile
from tsunagu.bench.scenarios.seed_city import ensure_seeded

AGGREGATION_TARGET_S = 1.0
POST_TARGET_P95_MS = 50.0
CLASS_SIZE = 35
PRINCIPAL = "principal"
TEACHER = "teacher"


def _run(options: BenchOptions, function: Any, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    if options.samples < 1 or options.warmup < 0:
        raise BenchError("--samples must be at least 1 and --warmup at least 0")
    if options.current_database:
        return function(**kwargs), {"database_name": "current"}
    url = database.bench_database_url(options.scale)
    seeded_now = ensure_seeded(url, options.scale)
    report = database.run_in_worker(url, function, **kwargs)
    return report, {"scale": options.scale, "database_name": database.describe(url), "seeded_now": seeded_now}


@scenario("register_aggregation", order=30)
def register_aggregation(options: BenchOptions) -> Result:
    """Add up a whole school year of 出欠 for every pupil of the largest school (median, s)."""
    report, extra = _run(options, measure_aggregation, samples=min(options.samples, 20), warmup=1)
    return Result(
        scenario="register_aggregation",
        value=report["median_s"],
        unit="s",
        target=AGGREGATION_TARGET_S,
        extra=report | extra,
    )


@scenario("daily_entry_post", order=31)
def daily_entry_post(options: BenchOptions) -> Result:
    """Time the daily-entry POST of a class of 35 (p95, ms)."""
    report, extra = _run(options, measure_daily_post, samples=options.samples, warmup=options.warmup)
    return Result(
        scenario="daily_entry_post",
        value=report["p95"],
        unit="ms",
        target=POST_TARGET_P95_MS,
        extra=report | extra,
    )


# --- run in the worker (or in-process with --current-database) ---------------------------------


def _grant(username: str, role: str) -> Any:
    from django.utils import timezone

    from tsunagu.accounts.models import RoleAssignment
    from tsunagu.core.scope import system_scope

    today = timezone.localdate()
    with system_scope(reason="benchmark finds a cast member's assignment"):
        grant = (
            RoleAssignment.objects.filter(
                user__username=username,
                role=role,
                school_year__start_date__lte=today,
                school_year__end_date__gte=today,
            )
            .select_related("user", "school", "homeroom__school", "school_year")
            .first()
        )
    if grant is None:
        raise BenchError(f"no {role} {username!r} this year: seed a demo ward first")
    return grant


def ensure_full_year(school: Any, year: Any) -> int:
    """Write marks on every instructional day of ``year`` at ``school`` that has none yet (a full year of
    register for the benchmark); returns the number of marks written (0 when already done)."""
    from tsunagu.attendance.models import AttendanceMark, Mark
    from tsunagu.core.scope import system_scope
    from tsunagu.org.models import DayKind, SchoolDay
    from tsunagu.students.models import Enrolment

    rng = random.Random(20261201)  # noqa: S311 - benchmark data
    kinds = [Mark.ABSENT_ILLNESS] * 6 + [Mark.ABSENT_OTHER, Mark.LATE, Mark.EARLY_LEAVE, Mark.MOURNING]
    with system_scope(reason="benchmark writes a full year of attendance marks"):
        marked_days = set(
            AttendanceMark.objects.filter(school=school).values_list("date", flat=True).distinct()
        )
        days = [
            d
            for d in SchoolDay.objects.filter(
                school=school, kind=DayKind.INSTRUCTIONAL, date__gte=year.start_date, date__lte=year.end_date
            ).values_list("date", flat=True)
            if d not in marked_days
        ]
        if len(days) < 20:
            return 0
        enrolments = list(
            Enrolment.objects.filter(school=school, school_year=year, homeroom__isnull=False).values_list(
                "student_id", "homeroom_id", "start_date", "end_date"
            )
        )
        rows = []
        for student_id, homeroom_id, first, last in enrolments:
            for day in days:
                if day < first or (last is not None and day > last) or rng.random() > 0.04:
                    continue
                kind = rng.choice(kinds)
                rows.append(
                    AttendanceMark(
                        student_id=student_id,
                        school=school,
                        homeroom_id=homeroom_id,
                        date=day,
                        kind=kind,
                        arrived_at=dt.time(9, 30) if kind == Mark.LATE else None,
                        left_at=dt.time(13, 0) if kind == Mark.EARLY_LEAVE else None,
                    )
                )
        AttendanceMark.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def measure_aggregation(*, samples: int, warmup: int) -> dict[str, Any]:
    """Time ``attendance_summaries`` over the whole school year of the principal's school."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from tsunagu.attendance.models import AttendanceMark
    from tsunagu.attendance.selectors import attendance_summaries
    from tsunagu.core.scope import system_scope

    grant = _grant(PRINCIPAL, "principal")
    school, year, principal = grant.school, grant.school_year, grant.user
    written = ensure_full_year(school, year)

    def run() -> dict[int, Any]:
        return attendance_summaries(actor=principal, school=school, start=year.start_date, end=year.end_date)

    for _ in range(warmup):
        run()
    timings, cpu = [], []
    for _ in range(samples):
        started, started_cpu = time.perf_counter(), time.process_time()
        found = run()
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        run()
    with system_scope(reason="benchmark counts the year's marks"):
        marks = AttendanceMark.objects.filter(
            school=school, date__gte=year.start_date, date__lte=year.end_date
        ).count()
    return {
        "median_s": round(statistics.median(timings), 3),
        "p95_s": round(percentile(timings, 95), 3),
        "max_s": round(max(timings), 3),
        "cpu_median_s": round(statistics.median(cpu), 3),
        "cpu_p95_s": round(percentile(cpu, 95), 3),
        "samples": samples,
        "school": school.name,
        "pupils": len(found),
        "instructional_days": max((s.days_instructional for s in found.values()), default=0),
        "marks": marks,
        "year_seeded_now": written,
        "queries": len(captured),
        "database": connection.vendor,
    }


def ensure_class_size(homeroom: Any, size: int) -> int:
    """Enrol new pupils in ``homeroom`` until it has ``size`` (benchmark database only); how many added."""
    from django.utils import timezone

    from tsunagu.core.scope import system_scope
    from tsunagu.students.models import Enrolment, Student
    from tsunagu.students.selectors import enrolled_on

    today = timezone.localdate()
    with system_scope(reason="benchmark fills a class up to 35 pupils"):
        current = Enrolment.objects.filter(enrolled_on(today), homeroom=homeroom).count()
        added = 0
        for n in range(current, size):
            pupil = Student.objects.create(
                family_name="計測",
                given_name=f"{n + 1}",
                family_name_kana="けいそく",
                given_name_kana="たろう",
                sex="M",
                birth_date=dt.date(homeroom.school_year.year - 9, 6, 1),
            )
            Enrolment.objects.create(
                student=pupil,
                school=homeroom.school,
                school_year=homeroom.school_year,
                grade_level=homeroom.grade_level,
                homeroom=homeroom,
                roll_number=100 + n,
                start_date=homeroom.school_year.start_date,
            )
            added += 1
    return added


def measure_daily_post(*, samples: int, warmup: int) -> dict[str, Any]:
    """POST the whole class's day ``warmup + samples`` times as the homeroom teacher; timings in ms."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from tsunagu.accounts.testing import force_login
    from tsunagu.attendance.selectors import daily_register_get
    from tsunagu.core.scope import system_scope
    from tsunagu.org.models import DayKind, SchoolDay

    grant = _grant(TEACHER, "homeroom_teacher")
    homeroom, teacher = grant.homeroom, grant.user
    added = ensure_class_size(homeroom, CLASS_SIZE)
    with system_scope(reason="benchmark picks the last school day"):
        day = (
            SchoolDay.objects.filter(
                school=homeroom.school, kind=DayKind.INSTRUCTIONAL, date__lte=timezone.localdate()
            )
            .order_by("-date")
            .values_list("date", flat=True)
            .first()
        )
    if day is None:
        raise BenchError("no instructional day this year")
    register = daily_register_get(actor=teacher, homeroom=homeroom, day=day)
    if not register.status.open:
        raise BenchError(f"{day} is closed for {homeroom}")
    keys = [str(row.student.uuid) for row in register.rows]
    versions = []
    for variant in range(2):
        data = {"date": day.isoformat()}
        for key in keys:
            data[f"kind-{key}"] = "present"
        for i, key in enumerate(keys[variant : variant + 6 : 2]):
            data[f"kind-{key}"] = ["absent_illness", "late", "absent_other"][i]
            data[f"time-{key}"] = "09:20" if i == 1 else ""
            data[f"detail-{key}"] = "発熱" if i == 0 else ""
        versions.append(data)
    client = force_login(Client(), teacher)
    url = reverse("attendance:daily", args=[homeroom.uuid])

    def post(i: int) -> None:
        response = client.post(url, versions[i % 2])
        if response.status_code != 302:
            raise BenchError(f"POST {url} answered {response.status_code} to {TEACHER}")

    for i in range(warmup):
        post(i)
    timings, cpu = [], []
    for i in range(samples):
        started, started_cpu = time.perf_counter(), time.process_time()
        post(warmup + i)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        post(warmup + samples)
    return {
        "p95": round(percentile(timings, 95), 1),
        "p50": round(percentile(timings, 50), 1),
        "mean": round(statistics.fmean(timings), 1),
        "max": round(max(timings), 1),
        "cpu_p50": round(percentile(cpu, 50), 1),
        "cpu_p95": round(percentile(cpu, 95), 1),
        "samples": samples,
        "warmup": warmup,
        "class": homeroom.display_name,
        "pupils": len(keys),
        "pupils_added": added,
        "day": day.isoformat(),
        "queries": len(captured),
        "database": connection.vendor,
    }
