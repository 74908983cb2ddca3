"""通知表 benchmark: ``report_cards_school`` (issue 5, done-when: the whole 1,000-pupil school renders in
≤ 30 s on 2 cores).

さくら小, the largest school of the ``city`` ward (~1,100 pupils), 1st term: the principal's print job
(``report_cards.services.report_card_batch_run``, output one merged PDF) from start to the stored
PDF: the bulk reads (grades through ``grades.selectors``, the register through
``attendance_summaries``, names, template), building every card's content, and one Typst compile of
the whole school (two A4 pages a pupil). The figure is the wall time of the median run; the report
adds the CPU time of this process (Typst's threads included), the time split between reading and
rendering, and the ZIP variant (one compile per class).

The city demo writes scores for two subjects a grade; the 所見, 道徳 and 総合 texts and the ○ marks
are written here for every pupil of the school that has none (once, in the benchmark database), so
that the cards carry text of a realistic length.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from tsunagu.bench import database
from tsunagu.bench.registry import BenchError, BenchOptions, Result, scenario
from tsunagu.bench.scenarios.seed_city import ensure_seeded

TARGET_S = 30.0
PRINCIPAL = "principal"
REMARK = (
    "学習に意欲的に取り組み、分からないことはそのままにせず、友達や先生に進んで質問して解決しようと"
    "していました。係の仕事にも責任をもって取り組み、学級のために進んで働く姿が見られました。"
)
TEXTS = {
    "general": REMARK,
    "moral": "友達の気持ちを考えて行動することの大切さに気づき、自分の生活を振り返っていました。",
    "foreign_language": "英語で自分の好きなものを伝え合う活動に、楽しみながら取り組みました。",
    "integrated_activity": "地域の川の環境を調べよう",
    "integrated_viewpoint": "課題を見付け、調べたことを整理して発信する力",
    "integrated_evaluation": "川の水質を継続して調べ、分かったことを分かりやすくまとめて発表しました。",
}


@scenario("report_cards_school", order=60)
def report_cards_school(options: BenchOptions) -> Result:
    """Print the 通知表 of every pupil of the largest school as one PDF (median wall time, s)."""
    samples = max(1, min(options.samples, 3))
    if options.current_database:
        report = measure_school(samples=samples)
        extra: dict[str, Any] = {"database_name": "current"}
    else:
        url = database.bench_database_url(options.scale)
        seeded_now = ensure_seeded(url, options.scale)
        report = database.run_in_worker(url, measure_school, samples=samples)
        extra = {"scale": options.scale, "database_name": database.describe(url), "seeded_now": seeded_now}
    return Result(
        scenario="report_cards_school",
        value=report["median_s"],
        unit="s",
        target=TARGET_S,
        extra=report | extra,
    )


def _principal_grant() -> Any:
    from django.utils import timezone

    from tsunagu.accounts.models import RoleAssignment
    from tsunagu.core.scope import system_scope

    today = timezone.localdate()
    with system_scope(reason="benchmark finds the principal"):
        grant = (
            RoleAssignment.objects.filter(
                user__username=PRINCIPAL,
                role="principal",
                school_year__start_date__lte=today,
                school_year__end_date__gte=today,
            )
            .select_related("user", "school", "school_year")
            .first()
        )
    if grant is None:
        raise BenchError("no principal this year: seed a demo ward first")
    return grant


def ensure_texts(school: Any, term: Any) -> int:
    """Write the term's texts and ○ marks for every pupil of ``school`` that has none (benchmark
    database only); how many pupils were given texts."""
    from tsunagu.core.scope import system_scope
    from tsunagu.grades.models import BehaviourRecord, Remark, SpecialActivitiesRecord
    from tsunagu.students.models import Enrolment

    with system_scope(reason="benchmark writes the term's texts and marks"):
        pupils = list(
            Enrolment.objects.filter(school=school, school_year=term.school_year_id, homeroom__isnull=False)
            .values_list("student_id", flat=True)
            .distinct()
        )
        have = set(Remark.objects.filter(term=term, kind="general").values_list("student_id", flat=True))
        missing = [pk for pk in pupils if pk not in have]
        Remark.objects.bulk_create(
            [
                Remark(
                    student_id=pk,
                    school=school,
                    school_year_id=term.school_year_id,
                    term=term,
                    kind=k,
                    text=t,
                )
                for pk in missing
                for k, t in TEXTS.items()
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        for model, items in (
            (BehaviourRecord, ["basic_habits", "responsibility", "service"]),
            (SpecialActivitiesRecord, ["class", "events"]),
        ):
            marked = set(model.objects.filter(term=term).values_list("student_id", flat=True))
            model.objects.bulk_create(
                [model(student_id=pk, term=term, items=items) for pk in pupils if pk not in marked],
                batch_size=2000,
                ignore_conflicts=True,
            )
    return len(missing)


def _run(actor: Any, school: Any, term: Any, kind: str) -> tuple[float, float, Any]:
    """One print job of ``kind``: wall and CPU seconds, and the finished job."""
    from tsunagu.core.scope import system_scope
    from tsunagu.report_cards.models import ReportCardBatch
    from tsunagu.report_cards.services import report_card_batch_run

    batch = ReportCardBatch.objects.create(school=school, term=term, output_kind=kind, requested_by=actor)
    started, started_cpu = time.perf_counter(), time.process_time()
    report_card_batch_run(batch_id=batch.pk)
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    with system_scope(reason="benchmark reads its print job"):
        batch.refresh_from_db()
    if batch.state != "done":
        raise BenchError(f"the print job failed: {batch.error}")
    return wall, cpu, batch


def measure_school(*, samples: int) -> dict[str, Any]:
    """Time the merged print job ``samples`` times (and the ZIP and the read-only part once)."""
    import os

    from django.db import connection

    from tsunagu.org.models import Term
    from tsunagu.report_cards import selectors
    from tsunagu.report_cards.pdf import render_cards

    grant = _principal_grant()
    actor, school = grant.user, grant.school
    term = Term.objects.select_related("school", "school_year").get(
        school=school, school_year=grant.school_year, number=1
    )
    written = ensure_texts(school, term)
    walls, cpus = [], []
    batch = None
    for _ in range(samples):
        wall, cpu, batch = _run(actor, school, term, "merged")
        walls.append(wall)
        cpus.append(cpu)
    assert batch is not None
    # The split: reading and building the content, then the one compile.
    started, started_cpu = time.perf_counter(), time.process_time()
    enrolments = selectors.school_enrolments(actor=actor, school=school, term=term)
    contents = selectors.cards_content(actor=actor, term=term, enrolments=enrolments)
    read_s, read_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    started, started_cpu = time.perf_counter(), time.process_time()
    pdf = render_cards([(contents[e.student_id], True) for e in enrolments])
    render_s, render_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    zip_wall, zip_cpu, zipped = _run(actor, school, term, "zip")
    return {
        "median_s": round(statistics.median(walls), 2),
        "runs_s": [round(w, 2) for w in walls],
        "cpu_median_s": round(statistics.median(cpus), 2),
        "read_s": round(read_s, 2),
        "read_cpu_s": round(read_cpu, 2),
        "render_s": round(render_s, 2),
        "render_cpu_s": round(render_cpu, 2),
        "zip_s": round(zip_wall, 2),
        "zip_cpu_s": round(zip_cpu, 2),
        "school": school.name,
        "term": term.name,
        "pupils": batch.pupils,
        "classes": zipped.total,
        "pages": pdf.count(b"/MediaBox"),
        "pdf_mb": round(len(pdf) / 1e6, 1),
        "texts_written_now": written,
        "cpus": os.cpu_count(),
        "database": connection.vendor,
    }
