"""The demo step: いいところ through the year with pupils nobody has praised, and 4年1組's topics."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tsunagu.core.scope import system_scope
from tsunagu.demo.steps import DemoContext, registered_steps
from tsunagu.observations import demo, selectors
from tsunagu.observations.models import Area, GoodPoint, SharedTopic, Source, Visibility

#: Queries of the demo step re-run by the test: 29 on the tiny ward
#: (one per note or pupil would be hundreds).
MAX_STEP_QUERIES = 45

pytestmark = pytest.mark.django_db


def test_the_step_is_registered() -> None:
    assert "tsunagu.observations.demo.observations" in [name for name, _ in registered_steps()]


def test_the_teachers_class_has_notes_and_pupils_without_any(places: Any, user: Any) -> None:
    overview = selectors.class_overview_get(actor=user("teacher"), homeroom=places.homeroom)
    totals = [line.year_total for line in overview.lines]
    assert sum(totals) > 0
    assert totals.count(0) >= 2, "the teacher should notice pupils nobody has praised"
    shared = selectors.good_points_for(actor=user("guardian"), student=places.own_child)
    assert shared and all(p.shared_with_home for p in shared)


def test_the_change_at_home_story(places: Any, user: Any) -> None:
    with system_scope(reason="test reads the demo topics"):
        topics = list(SharedTopic.objects.filter(school=places.school).order_by("date"))
    from_home = [t for t in topics if t.source == Source.GUARDIAN]
    assert len(from_home) == 2 and all(t.area == Area.HOME for t in from_home)
    assert from_home[0].acknowledged_at is not None and from_home[1].acknowledged_at is None
    pupil = from_home[0].student
    sensitive = [t for t in topics if t.sensitive]
    assert [t.student for t in sensitive] == [pupil] and sensitive[0].visibility == Visibility.CARE
    assert {t.area for t in topics} == {Area.HOME, Area.LIFE, Area.LEARNING}
    # The teacher's home card lists the unread note from home.
    assert from_home[1] in selectors.home_notes_waiting(actor=user("teacher"))


def test_the_step_is_cheap_on_the_tiny_ward(ward: Any) -> None:
    ctx = DemoContext(
        scale="tiny",
        seed=2,
        rng=random.Random(2),
        today=ward.today,
        school_year=ward.school_year,
        previous_year=ward.previous_year,
        board=ward.board,
        schools=ward.schools,
    )
    with system_scope(reason="test reruns the observations demo step"):
        before = GoodPoint.objects.count()
        # Counted, not timed: a CPU-time bound measures the machine as much as the step.
        with CaptureQueriesContext(connection) as captured:
            demo.observations(ctx)
        assert GoodPoint.objects.count() > before
    assert len(captured) <= MAX_STEP_QUERIES, f"{len(captured)} queries"
