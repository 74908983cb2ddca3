"""The demo ward's 指導要録: last year signed off for the cast's class, this year live; the class page's and
the record page's query counts; the step's cost on the tiny ward."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tsunagu.core.scope import system_scope
from tsunagu.org.models import Homeroom
from tsunagu.records.demo import signed_records
from tsunagu.records.models import CumulativeRecord, GuidanceSection, SectionStatus

#: Queries of the demo step re-run by the test: 129 on the tiny ward
#: (signed years of every pupil; one per pupil would be more).
MAX_STEP_QUERIES = 180

pytestmark = pytest.mark.django_db


def _class(ward: Any) -> Homeroom:
    return Homeroom.objects.get(
        school=ward.schools["sakura"], school_year=ward.school_year, grade_level__code="P4", name="1組"
    )


def test_the_cast_class_has_last_year_signed_and_this_year_live(ward: Any, client_as: Any) -> None:
    with system_scope(reason="test reads the demo records"):
        signed = GuidanceSection.objects.filter(
            record__school=ward.schools["sakura"], school_year=ward.previous_year, status=SectionStatus.SIGNED
        )
        assert signed.count() >= 5
        record = CumulativeRecord.objects.get(pk=signed.first().record_id)
    response = client_as("teacher").get(reverse("records:record", args=[record.uuid]))
    assert response.status_code == 200
    statuses = [y.status for y in response.context["years"]]
    assert statuses[-2:] == ["signed", "draft"]
    locked = response.context["years"][-2]
    assert locked.form2_versions[0].signer_name and locked.guidance_section.retention_until is not None
    assert "署名済み" in response.content.decode()


def test_the_class_page_reads_in_a_fixed_number_of_queries(
    ward: Any, client_as: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_as("teacher")
    url = reverse("records:homeroom", args=[_class(ward).uuid])
    client.get(url)  # opens any missing record
    with django_assert_max_num_queries(40):
        assert client.get(url).status_code == 200


def test_the_record_page_reads_in_a_fixed_number_of_queries(
    ward: Any, client_as: Any, django_assert_max_num_queries: Any
) -> None:
    with system_scope(reason="test finds a demo record"):
        record = CumulativeRecord.objects.filter(school=ward.schools["sakura"]).first()
    client = client_as("principal")
    with django_assert_max_num_queries(60):
        assert client.get(reverse("records:record", args=[record.uuid])).status_code == 200


def test_the_demo_step_signs_the_class_quickly(ward: Any) -> None:
    """Undo the step's sign-off, run it again and time it (CPU time: the machine is shared)."""
    from tsunagu.demo.steps import DemoContext
    from tsunagu.records.models import EnrolmentSectionVersion, GuidanceSectionVersion

    with system_scope(reason="test reruns the demo step"):
        sakura = ward.schools["sakura"]
        for model in (EnrolmentSectionVersion, GuidanceSectionVersion):
            model.objects.filter(section__record__school=sakura).delete()
        GuidanceSection.objects.filter(record__school=sakura).update(status=SectionStatus.DRAFT)
        ctx = DemoContext(
            scale="tiny",
            seed=1,
            rng=random.Random(1),
            today=timezone.localdate(),
            school_year=ward.school_year,
            previous_year=ward.previous_year,
            board=None,
            schools=ward.schools,
        )
        # Counted, not timed: a CPU-time bound measures the machine as much as the step.
        with CaptureQueriesContext(connection) as captured:
            signed_records(ctx)
        signed = GuidanceSection.objects.filter(
            record__school=sakura, school_year=ward.previous_year, status=SectionStatus.SIGNED
        ).count()
    assert signed >= 5
    assert len(captured) <= MAX_STEP_QUERIES, f"{len(captured)} queries for {signed} signed years"
