"""評価計画 through the pages: start a plan (copying last year's), add a unit with criteria and an
assessment with two 観点, set the plan's thresholds, refuse removing an assessment with scores."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import find_places
from tsunagu.grades.models import Assessment, EvaluationPlan, Unit
from tsunagu.grades.tests.access_cases import maths, plan_of
from tsunagu.org.models import Term

pytestmark = pytest.mark.django_db


def test_a_new_term_plan_copies_last_years_and_is_edited(ward: Any, client_as: Any) -> None:
    places = find_places(ward)
    with system_scope(reason="test set-up"):
        group = maths(places)
        source = plan_of(group, 1)
        # Last year's term-3 plan of the same subject and grade (the demo has no plans last year).
        last_term = Term.objects.get(school=group.school, school_year=ward.previous_year, number=3)
        old = EvaluationPlan.objects.create(
            school=group.school,
            school_year=ward.previous_year,
            term=last_term,
            subject=group.subject,
            grade_level=group.grade_level,
        )
        for a in source.assessments.all():
            Assessment.objects.create(plan=old, name=a.name, kind=a.kind, order=a.order)
        EvaluationPlan.objects.filter(
            term__school=group.school, term__number=3, subject=group.subject
        ).exclude(pk=old.pk).delete()
    client = client_as("subject_teacher")
    response = client.post(reverse("grades:plan_start", args=[group.uuid, 3]), {"copy": "1"})
    assert response.status_code == 302
    with system_scope(reason="test reads back"):
        plan = EvaluationPlan.objects.get(
            term__school=group.school,
            term__number=3,
            school_year=ward.school_year,
            subject=group.subject,
            grade_level=group.grade_level,
        )
        assert plan.assessments.count() == old.assessments.count() > 0
    url = reverse("grades:plan_edit", args=[group.uuid, plan.uuid])
    assert (
        client.post(
            url,
            {
                "action": "unit",
                "title": "連立方程式",
                "curriculum_code": "8230000000000000",
                "criterion-knowledge": "解き方を理解している",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            url,
            {
                "action": "assessment",
                "name": "小テスト",
                "kind": "test",
                "max-knowledge": "20",
                "max-thinking": "10",
                "weight-thinking": "2",
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            url, {"action": "settings", "a_threshold": "85", "c_threshold": "40", "note": ""}
        ).status_code
        == 302
    )
    refused = client.post(url, {"action": "settings", "a_threshold": "30", "c_threshold": "40", "note": ""})
    assert refused.status_code == 400
    bad = client.post(url, {"action": "assessment", "name": "空", "kind": "test"})
    assert bad.status_code == 400
    with system_scope(reason="test reads back"):
        plan.refresh_from_db()
        assert (plan.a_threshold, plan.c_threshold) == (Decimal(85), Decimal(40))
        unit = Unit.objects.get(plan=plan, title="連立方程式")
        assert unit.criteria.get().viewpoint == "knowledge"
        quiz = Assessment.objects.get(plan=plan, name="小テスト")
        assert {(p.viewpoint, p.max_points, p.weight) for p in quiz.parts.all()} == {
            ("knowledge", Decimal(20), Decimal(1)),
            ("thinking", Decimal(10), Decimal(2)),
        }
    assert client.post(url, {"action": "delete", "assessment": str(quiz.uuid)}).status_code == 302


def test_an_assessment_with_scores_cannot_be_removed(ward: Any, client_as: Any) -> None:
    places = find_places(ward)
    with system_scope(reason="test set-up"):
        group = maths(places)
        plan = plan_of(group, 1)
        assessment = plan.assessments.order_by("order")[0]
    url = reverse("grades:plan_edit", args=[group.uuid, plan.uuid])
    response = client_as("subject_teacher").post(
        url, {"action": "delete", "assessment": str(assessment.uuid)}
    )
    assert response.status_code == 400
    with system_scope(reason="test reads back"):
        assert Assessment.objects.filter(pk=assessment.pk).exists()


def test_the_principal_reads_a_plan_but_cannot_change_it(ward: Any, client_as: Any) -> None:
    from tsunagu.grades.tests.access_cases import own_class

    places = find_places(ward)
    with system_scope(reason="test set-up"):
        group = own_class(places)
        plan = plan_of(group, 1)
    url = reverse("grades:plan_edit", args=[group.uuid, plan.uuid])
    client = client_as("principal")
    page = client.get(url).content.decode()
    assert "単元を追加" not in page
    assert client.post(url, {"action": "settings", "a_threshold": "90"}).status_code == 404
