"""配慮事項 through the real paths with the demo ward's cast: the nurse writes (versioned), every teacher
of the pupil sees the summary, only the nurse and the principal the detail (logged), the guardian their
own child's summary, nobody else anything; the class list and ``care_summary_for``."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.accounts.models import User
from tsunagu.care import selectors, services
from tsunagu.care.models import CareKind, CareNote
from tsunagu.care.services import CareInput
from tsunagu.core.models import AccessLog
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import Places, find_places
from tsunagu.students.models import Student

pytestmark = pytest.mark.django_db

EGG = "食物アレルギー（重度・アナフィラキシー歴あり・エピペンあり）: 卵, 乳"


@pytest.fixture
def places(ward: Any) -> Places:
    return find_places(ward)


def user(name: str) -> User:
    return User.objects.get(username=name)


def egg_note(places: Places) -> CareNote:
    with system_scope(reason="test finds the demo's note"):
        return CareNote.objects.get(student=places.classmate, allergens=["卵", "乳"])


def test_demo_gives_the_cast_class_an_egg_allergy_with_an_epipen(places: Places) -> None:
    note = egg_note(places)
    assert note.epipen and note.epipen_location
    assert note.summary.startswith(EGG)
    with system_scope(reason="test counts the demo's notes"):
        pupils = Student.objects.filter(enrolments__end_date__isnull=True).distinct().count()
        noted = CareNote.objects.values("student").distinct().count()
    assert 0.02 * pupils <= noted <= 0.09 * pupils


def test_teacher_sees_the_summary_not_the_detail(places: Places, client_as: Any) -> None:
    page = client_as("teacher").get(reverse("care:pupil", args=[places.classmate.uuid])).content.decode()
    assert EGG in page
    assert 'data-testid="detail"' not in page and "090-1234-5678" not in page
    listing = (
        client_as("teacher").get(reverse("care:class_list", args=[places.homeroom.uuid])).content.decode()
    )
    assert EGG in listing and "保健室（校外学習時は担任が携帯）" in listing


def test_nurse_reads_the_detail_and_the_read_is_logged(places: Places, client_as: Any) -> None:
    note = egg_note(places)
    page = client_as("nurse").get(reverse("care:pupil", args=[places.classmate.uuid])).content.decode()
    assert "090-1234-5678" in page and "すずかけ区立病院" in page
    with system_scope(reason="test reads the access log"):
        log = AccessLog.objects.filter(actor__username="nurse", object_uuid=note.uuid).get()
    assert log.action == "view_detail" and "action_plan" in log.fields
    client_as("teacher").get(reverse("care:pupil", args=[places.classmate.uuid]))
    with system_scope(reason="test reads the access log"):
        assert not AccessLog.objects.filter(actor__username="teacher", object_uuid=note.uuid).exists()


def test_guardian_sees_own_childs_summary_only(places: Places, client_as: Any) -> None:
    guardian = client_as("guardian")
    page = guardian.get(reverse("care:pupil", args=[places.own_child.uuid])).content.decode()
    assert "喘息" in page and "090-0000-0001" not in page
    assert guardian.get(reverse("care:pupil", args=[places.classmate.uuid])).status_code == 404


def test_nurse_writes_versions_and_bad_input_is_refused(places: Places, client_as: Any) -> None:
    nurse = client_as("nurse")
    url = reverse("care:note_new", args=[places.protected.uuid])
    refused = nurse.post(url, {"kind": "food_allergy", "epipen": "on"})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "原因となる食物を選ぶか入力してください" in text and "エピペンの保管場所を入れてください" in text
    with system_scope(reason="test"):
        assert not CareNote.objects.filter(student=places.protected).exists()
    saved = nurse.post(
        url, {"kind": "food_allergy", "allergens": ["そば"], "severity": "moderate", "is_active": "on"}
    )
    assert saved.status_code == 302
    with system_scope(reason="test"):
        note = CareNote.objects.get(student=places.protected)
    services.care_note_update(
        actor=user("nurse"),
        note=note,
        data=CareInput(kind=CareKind.FOOD_ALLERGY, allergens=["そば", "小麦"], severity="severe"),
    )
    with system_scope(reason="test"):
        versions = [h.instance.summary for h in note.history.order_by("history_date")]
    assert versions == ["食物アレルギー（中等度）: そば", "食物アレルギー（重度）: 小麦, そば"]
    edit = nurse.get(reverse("care:note_edit", args=[note.uuid])).content.decode()
    assert "食物アレルギー（中等度）: そば" in edit  # the earlier version is listed


def test_only_the_nurse_writes(places: Places) -> None:
    for name in ("teacher", "principal", "office"):
        with pytest.raises(PermissionDenied):
            services.care_note_create(
                actor=user(name), student=places.classmate, data=CareInput(kind="chronic", condition="喘息")
            )
    with pytest.raises(ValidationError):
        services.care_note_create(
            actor=user("nurse"), student=places.classmate, data=CareInput(kind="chronic")
        )


def test_care_summary_for_is_one_query_and_scoped(places: Places) -> None:
    pupils = [places.classmate, places.own_child, places.other_school_pupil, places.other_class_pupil]
    with CaptureQueriesContext(connection) as queries:
        by_pupil = selectors.care_summary_for(actor=user("teacher"), students=pupils)
    assert len([q for q in queries.captured_queries if "care_carenote" in q["sql"]]) == 1
    assert by_pupil[places.classmate.pk][0].summary.startswith(EGG)
    assert places.other_school_pupil.pk not in by_pupil
    assert selectors.care_summary_for(actor=user("office"), students=pupils) == {}
    assert selectors.care_summary_for(actor=user("student"), students=pupils) == {}
