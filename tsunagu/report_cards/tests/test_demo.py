"""The demo step: every school has its form saved, the cast class's 1st term is released, and the step
stays cheap on the ``tiny`` ward."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tsunagu.core.scope import system_scope
from tsunagu.demo.steps import DemoContext
from tsunagu.report_cards.models import CardState, ReportCard, ReportCardSet, ReportCardTemplate

#: Queries of the demo step re-run by the test: 113 on the tiny ward
#: (cards of every class; one per card would be more).
MAX_STEP_QUERIES = 160

pytestmark = pytest.mark.django_db


def test_the_demo_released_one_class_and_saved_every_form(ward: Any, room: Any, term1: Any) -> None:
    assert set(ReportCardTemplate.objects.values_list("school_id", flat=True)) >= {
        s.pk for s in ward.schools.values()
    }
    with system_scope(reason="test reads the demo's cards"):
        card_set = ReportCardSet.objects.get(homeroom=room, term=term1)
        assert card_set.state == CardState.RELEASED and card_set.release_on == term1.end_date
        assert ReportCard.objects.filter(card_set=card_set).count() > 3


def test_the_step_is_cheap_on_the_tiny_ward(ward: Any, room: Any, term1: Any) -> None:
    """Seeded once per test database; re-run here on top after removing what it wrote."""
    from tsunagu.report_cards.demo import report_cards

    with system_scope(reason="test times the demo step"):
        ReportCardSet.objects.filter(homeroom=room, term=term1).delete()
        ReportCardTemplate.objects.all().delete()
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
        # Counted, not timed: a CPU-time bound measures the machine as much as the step.
        with CaptureQueriesContext(connection) as captured:
            report_cards(ctx)
        assert ReportCardSet.objects.get(homeroom=room, term=term1).state == CardState.RELEASED
    assert len(captured) <= MAX_STEP_QUERIES, f"{len(captured)} queries"
