"""Score entry through the real endpoint: saving a row, validation (0 ≤ score ≤ max, blank vs 欠),
stale versions answered with a conflict that shows both values, and zero lost updates when two
teachers' saves race (sequential stale saves on every database; threads on PostgreSQL)."""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import find_places
from tsunagu.grades import selectors, services
from tsunagu.grades.models import AssessmentPart, EvaluationPlan, Score, ScoreChange
from tsunagu.grades.tests.access_cases import maths, own_class, plan_of
from tsunagu.org.models import Term

pytestmark = pytest.mark.django_db


class Setup:
    """The subject teacher's maths group in term 1, its plan, first part and a pupil."""

    def __init__(self, ward: Any) -> None:
        places = find_places(ward)
        with system_scope(reason="test set-up"):
            self.group = maths(places)
            self.plan = plan_of(self.group)
            self.parts = list(
                AssessmentPart.objects.filter(assessment__plan=self.plan).order_by(
                    "assessment__order", "viewpoint"
                )
            )
            self.part = self.parts[0]
            self.pupil = places.sibling
        self.url = reverse("grades:grid_save", args=[self.group.uuid, 1])

    def stored(self) -> Any:
        with system_scope(reason="test reads back"):
            return Score.objects.filter(student=self.pupil, part=self.part).first()


@pytest.fixture
def s(ward: Any) -> Setup:
    return Setup(ward)


def post(client: Client, url: str, student: Any, cells: list[dict[str, Any]]) -> Any:
    return client.post(
        url, json.dumps({"student": str(student.uuid), "cells": cells}), content_type="application/json"
    )


def test_a_saved_row_comes_back_with_new_versions_and_proposals(s: Setup, client_as: Any) -> None:
    before = s.stored()
    version = before.version if before else 0
    # A value other than the demo's (an unchanged value keeps its version).
    points = 38 if before is not None and before.points == Decimal(37) else 37
    typed = str(points).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = post(
        client_as("subject_teacher"),
        s.url,
        s.pupil,
        [{"part": str(s.part.uuid), "value": typed, "version": version}],
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["saved"] == [{"part": str(s.part.uuid), "value": str(points), "version": version + 1}]
    assert {v["viewpoint"] for v in body["result"]["viewpoints"]} == {"knowledge", "thinking", "attitude"}
    assert "proposed_rating" in body["result"]
    stored = s.stored()
    assert stored is not None and stored.points == Decimal(points) and stored.version == version + 1
    with system_scope(reason="test reads the history"):
        change = ScoreChange.objects.filter(score=stored).latest("pk")
    assert change.after == str(points) and change.by.username == "subject_teacher"


def test_absent_and_blank_are_different(s: Setup, client_as: Any) -> None:
    client = client_as("subject_teacher")
    version = s.stored().version if s.stored() else 0
    assert (
        post(
            client, s.url, s.pupil, [{"part": str(s.part.uuid), "value": "欠", "version": version}]
        ).status_code
        == 200
    )
    stored = s.stored()
    assert stored.absent and stored.points is None and stored.display == "欠"
    assert (
        post(
            client, s.url, s.pupil, [{"part": str(s.part.uuid), "value": "", "version": stored.version}]
        ).status_code
        == 200
    )
    stored = s.stored()
    assert not stored.absent and stored.points is None and stored.display == ""


@pytest.mark.parametrize("value", ["-1", "51", "abc", "12.25"])
def test_invalid_scores_write_nothing_of_the_row(s: Setup, client_as: Any, value: str) -> None:
    before = s.stored()
    other = s.parts[1]
    response = post(
        client_as("subject_teacher"),
        s.url,
        s.pupil,
        [
            {"part": str(other.uuid), "value": "1", "version": 99},
            {"part": str(s.part.uuid), "value": value, "version": before.version if before else 0},
        ],
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [str(s.part.uuid)]
    after = s.stored()
    assert (after.display, after.version) == (before.display, before.version) if before else after is None


def test_parse_cell_boundaries() -> None:
    assert services.parse_cell("0", Decimal(50)) == (Decimal(0), False)
    assert services.parse_cell("50", Decimal(50)) == (Decimal(50), False)
    assert services.parse_cell(" ４９．５ ", Decimal(50)) == (Decimal("49.5"), False)
    assert services.parse_cell("欠", Decimal(50)) == (None, True)
    assert services.parse_cell("", Decimal(50)) == (None, False)
    for bad in ("50.1", "-0.1", "1e2", "NaN", "五"):
        with pytest.raises(Exception):
            services.parse_cell(bad, Decimal(50))


def test_a_stale_save_is_a_conflict_showing_both_values_and_keeps_theirs(s: Setup, client_as: Any) -> None:
    before = s.stored()
    version = before.version if before else 0
    # Values other than the demo's (an unchanged value keeps its version, so nothing would be stale).
    theirs, mine = ("41", "13") if before is not None and before.points in (40, 12) else ("40", "12")
    first, second = client_as("subject_teacher"), client_as("subject_teacher")
    assert (
        post(
            first, s.url, s.pupil, [{"part": str(s.part.uuid), "value": theirs, "version": version}]
        ).status_code
        == 200
    )
    response = post(second, s.url, s.pupil, [{"part": str(s.part.uuid), "value": mine, "version": version}])
    assert response.status_code == 409
    conflict = response.json()["conflicts"][0]
    assert (conflict["mine"], conflict["theirs"], conflict["version"]) == (mine, theirs, version + 1)
    assert conflict["by"] == "森川 拓也"
    assert s.stored().points == Decimal(theirs)
    # The teacher chooses their value: saved against the version the conflict showed.
    resolved = post(
        second, s.url, s.pupil, [{"part": str(s.part.uuid), "value": mine, "version": conflict["version"]}]
    )
    assert resolved.status_code == 200
    assert s.stored().points == Decimal(mine) and s.stored().version == version + 2


def test_two_first_entries_of_an_empty_cell_do_not_overwrite_each_other(s: Setup, client_as: Any) -> None:
    with system_scope(reason="test empties the cell"):
        Score.objects.filter(student=s.pupil, part=s.part).delete()
    a, b = client_as("subject_teacher"), client_as("subject_teacher")
    assert (
        post(a, s.url, s.pupil, [{"part": str(s.part.uuid), "value": "30", "version": 0}]).status_code == 200
    )
    response = post(b, s.url, s.pupil, [{"part": str(s.part.uuid), "value": "31", "version": 0}])
    assert response.status_code == 409
    assert s.stored().points == Decimal(30)


def test_the_same_value_twice_is_no_conflict(s: Setup, client_as: Any) -> None:
    version = s.stored().version if s.stored() else 0
    a, b = client_as("subject_teacher"), client_as("subject_teacher")
    assert (
        post(a, s.url, s.pupil, [{"part": str(s.part.uuid), "value": "22", "version": version}]).status_code
        == 200
    )
    assert (
        post(b, s.url, s.pupil, [{"part": str(s.part.uuid), "value": "22", "version": version}]).status_code
        == 200
    )


def test_sequential_stale_saves_lose_no_update(s: Setup, client_as: Any) -> None:
    """Ten teachers each save from the same stale page: one wins, nine get a conflict; every accepted
    write is the value stored or is recorded in the history before the next accepted one."""
    version = s.stored().version if s.stored() else 0
    accepted = []
    for i in range(10):
        response = post(
            client_as("subject_teacher"),
            s.url,
            s.pupil,
            [{"part": str(s.part.uuid), "value": str(i + 1), "version": version}],
        )
        assert response.status_code in (200, 409)
        if response.status_code == 200:
            accepted.append(str(i + 1))
    assert accepted == ["1"]
    assert s.stored().display == "1"


def test_another_teachers_group_cannot_be_saved_to(s: Setup, client_as: Any, ward: Any) -> None:
    places = find_places(ward)
    with system_scope(reason="test set-up"):
        group = own_class(places)
    url = reverse("grades:grid_save", args=[group.uuid, 1])
    response = post(client_as("subject_teacher"), url, places.classmate, [])
    assert response.status_code == 404


def test_a_pupil_outside_the_group_is_404(s: Setup, client_as: Any, ward: Any) -> None:
    places = find_places(ward)
    response = post(
        client_as("subject_teacher"),
        s.url,
        places.classmate,
        [{"part": str(s.part.uuid), "value": "1", "version": 0}],
    )
    assert response.status_code == 404


def test_the_grid_shows_every_pupil_and_the_proposals(s: Setup, client_as: Any) -> None:
    response = client_as("subject_teacher").get(reverse("grades:grid", args=[s.group.uuid, 1]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-student=") == len(response.context["grid"].rows) > 0
    assert 'data-result="rating"' in html
    assert "grades.js" in html


def test_the_principal_reads_but_has_no_inputs(ward: Any, client_as: Any) -> None:
    places = find_places(ward)
    with system_scope(reason="test set-up"):
        group = own_class(places)
    html = client_as("principal").get(reverse("grades:grid", args=[group.uuid, 1])).content.decode()
    assert "grid-cell" not in html and "grades.js" not in html
    assert "data-student=" in html


def test_overriding_needs_a_reason_and_keeps_history(s: Setup, client_as: Any) -> None:
    url = reverse("grades:result_override", args=[s.group.uuid, 1, s.pupil.uuid])
    client = client_as("subject_teacher")
    refused = client.post(url, {"grade-attitude": "A", "rating": "5", "reason": " "})
    assert refused.status_code == 400
    assert (
        client.post(url, {"grade-attitude": "C", "rating": "2", "reason": "提出物未提出"}).status_code == 302
    )
    assert (
        client.post(url, {"grade-attitude": "B", "rating": "3", "reason": "再提出を確認"}).status_code == 302
    )
    with system_scope(reason="test reads back"):
        plan = EvaluationPlan.objects.get(pk=s.plan.pk)
        term = Term.objects.get(pk=plan.term_id)
        from tsunagu.grades.models import Rating, ViewpointGrade

        grade = ViewpointGrade.objects.get(student=s.pupil, plan=plan, viewpoint="attitude")
        assert grade.value == "B" and grade.history.count() == 2
        assert Rating.objects.get(student=s.pupil, plan=plan).value == 3
    result = selectors.pupil_result(actor=_user("subject_teacher"), plan=plan, student=s.pupil)
    assert result.grades["attitude"] == "B" and result.rating == 3 and result.rating_overridden
    assert term.number == 1
    # Back to the proposal.
    assert client.post(url, {"reason": ""}).status_code == 302
    result = selectors.pupil_result(actor=_user("subject_teacher"), plan=plan, student=s.pupil)
    assert not result.overridden and not result.rating_overridden


def _user(username: str) -> Any:
    from tsunagu.accounts.models import User

    return User.objects.get(username=username)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a database with row locks")
def test_threads_racing_on_one_cell_lose_nothing(ward: Any) -> None:  # pragma: no cover - PostgreSQL only
    s = Setup(ward)
    teacher = _user("subject_teacher")
    version = s.stored().version if s.stored() else 0
    outcomes: list[str] = []
    lock = threading.Lock()

    def save(value: str) -> None:
        try:
            result = services.score_row_save(
                actor=teacher,
                plan=s.plan,
                student=s.pupil,
                cells=[services.CellInput(part=s.part, text=value, version=version)],
            )
            with lock:
                outcomes.append("saved:" + value if result.changed else "conflict:" + value)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(str(i),)) for i in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    saved = [o for o in outcomes if o.startswith("saved:")]
    assert len(saved) == 1 and len(outcomes) == 8
    assert s.stored().display == saved[0].split(":")[1]


def test_the_score_save_benchmark_reports_its_figure(ward: Any) -> None:
    from tsunagu.bench.registry import BenchOptions, all_scenarios

    (found,) = [s for s in all_scenarios() if s.name == "score_save"]
    result = found.func(BenchOptions(samples=3, warmup=1, current_database=True)).as_dict()
    assert list(result)[:5] == ["scenario", "value", "unit", "target", "ok"]
    assert result["scenario"] == "score_save" and result["target"] == 50.0 and result["value"] > 0
    assert result["cells_per_save"] == 2 and result["queries"] > 0
