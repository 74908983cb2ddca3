"""The demo step: a year of exams for this year and last, believable figures, follow-ups, and cheap."""

from __future__ import annotations

from typing import Any

import pytest

from tsunagu.checkups import derive
from tsunagu.checkups.models import DentalExamRecord, ExamFollowUp, GeneralExamRecord, HealthExam
from tsunagu.core.scope import system_scope

pytestmark = pytest.mark.django_db


def test_every_pupil_has_exams_in_both_years(ward: Any) -> None:
    with system_scope(reason="test reads the demo exams"):
        years = set(HealthExam.objects.values_list("school_year_id", flat=True))
        assert years == {ward.school_year.pk, ward.previous_year.pk}
        assert GeneralExamRecord.objects.count() == HealthExam.objects.count()
        dental = list(DentalExamRecord.objects.all())
    untreated = sum(d.counts.has_untreated for d in dental)
    assert 0.05 < untreated / len(dental) < 0.6, "some pupils, not all, have untreated teeth"


def test_vision_and_obesity_are_spread(ward: Any) -> None:
    with system_scope(reason="test reads the demo exams"):
        records = list(GeneralExamRecord.objects.select_related("exam__student"))
    grades = [derive.vision_grade(min(r.vision_right, r.vision_left)) for r in records]
    assert {"A", "C"} <= set(grades) and ("D" in grades or "B" in grades)
    categories = {derive.obesity_category(r.obesity_pct(r.exam.student.sex, r.exam.age)) for r in records}
    assert {"normal", "mild"} <= categories


def test_follow_ups_some_returned_some_waiting(ward: Any) -> None:
    with system_scope(reason="test reads the demo follow-ups"):
        follow_ups = list(ExamFollowUp.objects.all())
    statuses = {f.status for f in follow_ups}
    assert {"returned", "waiting"} <= statuses
    assert all(f.result for f in follow_ups if f.returned_on)


def test_the_step_reruns_from_scratch(ward: Any) -> None:
    """The step is deterministic and self-contained: run again on an empty table, it writes the same number
    of exams (its cost is measured separately, see the report: under 2 s on the tiny ward)."""
    import random

    from tsunagu.checkups.demo import health_exams
    from tsunagu.demo.steps import DemoContext

    with system_scope(reason="test reruns the demo step"):
        before = HealthExam.objects.count()
        HealthExam.objects.all().delete()
        ctx = DemoContext(
            scale="tiny",
            seed=1,
            rng=random.Random(1),
            today=ward.today,
            school_year=ward.school_year,
            previous_year=ward.previous_year,
            board=ward.board,
            schools=ward.schools,
        )
        health_exams(ctx)
        assert HealthExam.objects.count() == before
