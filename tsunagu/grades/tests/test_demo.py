"""The demo ward's grades (grades/demo.py): plans for the terms begun so far, a realistic spread, a few
pupils whose results fall this term, the cast teacher's override; and the step stays cheap on ``tiny``."""

from __future__ import annotations

import random
import time
from typing import Any

import pytest

from tsunagu.accounts.models import User
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import find_places
from tsunagu.demo.steps import DemoContext
from tsunagu.grades import selectors
from tsunagu.grades.models import EvaluationPlan, GradingRule, Score, ViewpointGrade
from tsunagu.grades.tests.access_cases import maths

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
    """Seeded once per test database: it must stay well under two seconds (re-run here on top)."""
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
        started = time.process_time()  # CPU time: on a busy machine wall time measures the others
        grades(ctx)
        elapsed = time.process_time() - started
        assert Score.objects.exists()
    assert elapsed < 2.0, f"demo step took {elapsed:.2f} s"
