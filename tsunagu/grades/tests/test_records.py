"""行動の記録 and 特別活動 as ○ marks: the homeroom teacher ticks and saves, the history keeps earlier
marks, the principal reads without inputs, unknown codes write nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import find_places
from tsunagu.grades.models import BehaviourRecord, SpecialActivitiesRecord

pytestmark = pytest.mark.django_db


def test_the_homeroom_teacher_marks_and_the_principal_reads(ward: Any, client_as: Any) -> None:
    places = find_places(ward)
    url = reverse("grades:class_records", args=[places.homeroom.uuid, 2])
    pupil = places.classmate
    teacher = client_as("teacher")
    page = teacher.get(url)
    assert page.status_code == 200 and "クラブ活動" in page.content.decode()
    response = teacher.post(
        url, {f"b-{pupil.uuid}": ["responsibility", "service"], f"a-{pupil.uuid}": ["club"]}
    )
    assert response.status_code == 302
    teacher.post(url, {f"b-{pupil.uuid}": ["service"]})
    with system_scope(reason="test reads back"):
        record = BehaviourRecord.objects.get(
            student=pupil,
            term__number=2,
            term__school=places.school,
            term__school_year=places.homeroom.school_year,
        )
        assert record.items == ["service"] and record.history.count() == 2
        assert not SpecialActivitiesRecord.objects.get(student=pupil, term=record.term).items
    html = client_as("principal").get(url).content.decode()
    assert 'type="checkbox"' not in html and "○" in html


def test_unknown_codes_write_nothing(ward: Any, client_as: Any) -> None:
    places = find_places(ward)
    url = reverse("grades:class_records", args=[places.homeroom.uuid, 2])
    first, second = places.classmate, places.own_child
    response = client_as("teacher").post(
        url, {f"b-{first.uuid}": ["fairness"], f"b-{second.uuid}": ["fairness", "hacking"]}
    )
    assert response.status_code == 400
    with system_scope(reason="test reads back"):
        # Term 2 is the current term: the demo marked only the terms that have ended.
        assert not BehaviourRecord.objects.filter(
            student__in=[first, second], term__number=2, term__school_year=places.homeroom.school_year
        ).exists()
