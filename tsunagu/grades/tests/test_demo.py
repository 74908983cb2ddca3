"""The demo ward's grades (grades/demo.py): plans for the terms begun so far, a realistic spread, a few
pupils whose results fall this term, the cast teacher's override; and the step stays cheap on ``tiny``."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tsunagu.accounts.models import User
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import find_places
from tsunagu.demo.steps import DemoContext
from tsunagu.grades import selectors
from tsunagu.grades.models import EvaluationPlan, GradingRule, Score, ViewpointGrade
from tsunagu.grades.tests.access_cases import maths
from tsunagu.org.models import Term

#: Queries of the texts step on the tiny ward: 78 for 271 pupils (bulk writes in batches; one query
#: per pupil would be thousands).
MAX_TEXT_QUERIES = 100

#: Queries of the grades step on the tiny ward: 52 for ~23,000 scores on SQLite (bulk writes; one
#: query per pupil or score would be thousands).
MAX_STEP_QUERIES = 80

pytestmark = pytest.mark.django_db


def test_plans_scores_and_a_spread_of_grades(ward: Any) -> None:
    places = find_places(ward)
    teacher = User.objects.get(username="subject_teacher")
    with system_scope(reason="test set-up"):
        group = maths(places)
        assert ViewpointGrade.objects.filter(plan__school=places.school, reason__gt="").exists()
    term = selectors.term_of(group, 1)
    assert term is not None
    plan = selectors.plan_for(actor=teacher, group=group, term=term)
    assert plan is not None
    grid = selectors.grid_get(actor=teacher, group=group, term=term, plan=plan)
    assert grid.rows and grid.columns
    grades = {r.result.grades["knowledge"] for r in grid.rows} | {
        r.result.grades["thinking"] for r in grid.rows
    }
    assert {"B"} <= grades and len(grades - {None}) >= 2
    assert any(c.text == "欠" for r in grid.rows for c in r.cells) or len(grid.rows) < 20
    assert all(r.result.rating is not None for r in grid.rows)


def test_the_step_is_cheap_on_the_tiny_ward(ward: Any) -> None:
    """Seeded once per test database, so it must stay cheap: a fixed number of bulk queries, not one
    per pupil or score (re-run here on top; counted, not timed — a CPU-time bound failed on a slower
    machine while the step was unchanged)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tsunagu.grades.demo import grades

    with system_scope(reason="test times the demo step"):
        EvaluationPlan.objects.filter(school__in=list(ward.schools.values())).delete()
        GradingRule.objects.all().delete()
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
        with CaptureQueriesContext(connection) as captured:
            grades(ctx)
        scores = Score.objects.count()
    assert scores > 1000
    assert len(captured) <= MAX_STEP_QUERIES, f"{len(captured)} queries for {scores} scores"


def test_every_rated_subject_is_planned_and_scored(ward: Any) -> None:
    from tsunagu.org.reference import ELEMENTARY_SUBJECTS

    places = find_places(ward)
    teacher = User.objects.get(username="teacher")
    with system_scope(reason="test set-up"):
        term = Term.objects.get(school=places.school, school_year=ward.school_year, number=1)
    listing = selectors.class_list_get(actor=teacher, homeroom=places.homeroom, term=term)
    rated = [c for c in ELEMENTARY_SUBJECTS[4] if c not in {"MO", "FA", "IS", "SA"}]
    assert [p.subject.code for p in listing.plans] == rated
    for i in range(len(rated)):
        assert any(result.rating for r in listing.rows if (result := r.by_subject[i]) is not None)


def test_the_texts_step_writes_in_bulk_on_the_tiny_ward(ward: Any) -> None:
    """Texts of the ended terms and last year, ○ marks and the phrase banks: re-run on top, in a fixed
    handful of queries (bulk writes), whatever the number of pupils."""
    from tsunagu.grades.demo import narratives
    from tsunagu.grades.models import BehaviourRecord, Phrase, Remark, SpecialActivitiesRecord

    schools = list(ward.schools.values())
    with system_scope(reason="test times the demo step"):
        Remark.objects.filter(school__in=schools).delete()
        Phrase.objects.filter(school__in=schools).delete()
        BehaviourRecord.objects.filter(term__school__in=schools).delete()
        SpecialActivitiesRecord.objects.filter(term__school__in=schools).delete()
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
        with CaptureQueriesContext(connection) as captured:
            narratives(ctx)
        ended = Remark.objects.filter(school__in=schools, term__end_date__lt=ward.today)
        assert ended.filter(kind="general").exists() and ended.filter(kind="integrated_evaluation").exists()
        assert not Remark.objects.filter(school__in=schools, term__end_date__gte=ward.today).exists()
        assert Remark.objects.filter(school_year=ward.previous_year, term__isnull=True).exists()
        assert all(len(r.text) <= 200 for r in ended.filter(kind="general"))
        assert Phrase.objects.filter(school=schools[0]).count() >= 10
        assert BehaviourRecord.objects.filter(term__school__in=schools).exists()
        pupils = Remark.objects.filter(school__in=schools).values("student").distinct().count()
    assert pupils > 100
    assert len(captured) <= MAX_TEXT_QUERIES, f"{len(captured)} queries for {pupils} pupils"
