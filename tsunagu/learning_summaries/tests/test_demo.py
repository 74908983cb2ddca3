"""The demo step's data (seeded once per test run on the tiny ward): the story pupil's study time falls
over the last weeks, the summaries equal a rebuild, and the 学力経年調査 was imported."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tsunagu.core.scope import system_scope
from tsunagu.karte.demo import story_pupils, story_room
from tsunagu.learning_summaries.demo import STUDY_DROP
from tsunagu.learning_summaries.models import TestKind, TestResult
from tsunagu.learning_summaries.selectors import daily_seconds_for
from tsunagu.learning_summaries.summaries import summaries_rebuild
from tsunagu.learning_summaries.tests.helpers import snapshot

pytestmark = pytest.mark.django_db


def _story(ward: Any) -> list[int]:
    with system_scope(reason="test: the story class"):
        room = story_room(ward)
        assert room is not None
        return [e.student_id for e in story_pupils(room, ward.today)]


def test_the_story_pupils_study_time_falls_over_the_last_weeks(ward: Any) -> None:
    pupil = _story(ward)[STUDY_DROP]
    with system_scope(reason="test: a background read"):
        days = daily_seconds_for(
            actor=None, student_ids=[pupil], since=ward.today - dt.timedelta(days=41), until=ward.today
        )[pupil]
    values = [days[d] for d in sorted(days)]
    before, recent = sum(values[:21]) / 21, sum(values[-14:]) / 14
    assert before > 600  # a keen pupil: over 10 minutes a day
    assert recent < 0.35 * before


def test_the_demo_summaries_equal_a_rebuild(ward: Any) -> None:
    story = _story(ward)
    incremental = snapshot(story)
    assert sum(v[1] for v in incremental.values()) > 500  # answered questions of the class
    summaries_rebuild(student_ids=story)
    assert snapshot(story) == incremental


def test_the_longitudinal_survey_was_imported(ward: Any) -> None:
    with system_scope(reason="test: the survey"):
        results = TestResult.objects.filter(
            test__school=ward.schools["sakura"], test__kind=TestKind.LONGITUDINAL
        ).select_related("test")
        assert results.count() > 50
        assert {r.test.taken_on.month for r in results} == {4}
        assert all(r.detail.get("viewpoints") for r in results[:10])
