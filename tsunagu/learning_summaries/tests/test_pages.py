"""The class learning overview and the school's list of classes, as the teacher and the principal see them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tsunagu.org.models import Homeroom

pytestmark = pytest.mark.django_db


def _room(ward: Any) -> Homeroom:
    return Homeroom.objects.get(
        school=ward.schools["sakura"], school_year=ward.school_year, grade_level__code="P4", name="1組"
    )


def test_the_class_teacher_sees_the_class_without_grade_figures(ward: Any, client_as: Any) -> None:
    response = client_as("teacher").get(
        reverse("learning_summaries:homeroom_overview", args=[_room(ward).uuid])
    )
    assert response.status_code == 200
    subjects, pupils = response.context["subjects"], response.context["pupils"]
    assert {s.subject_code for s in subjects} >= {"MA", "JA"}
    assert all(s.grade_correct_rate is None and s.grade_seconds_per_pupil is None for s in subjects)
    assert sum(p.seconds for p in pupils) > 0 and len(pupils) >= 7
    assert "正答率" in response.content.decode()


def test_the_principal_sees_the_grade_figures_and_the_list_of_classes(ward: Any, client_as: Any) -> None:
    principal = client_as("principal")
    response = principal.get(
        reverse("learning_summaries:homeroom_overview", args=[_room(ward).uuid]), {"weeks": "12"}
    )
    assert response.context["weeks"] == 12
    assert any(s.grade_correct_rate is not None for s in response.context["subjects"])
    index = principal.get(reverse("learning_summaries:school_index", args=[ward.schools["sakura"].uuid]))
    assert _room(ward) in index.context["rooms"] and index.context["may_import"]
