"""Deltas list what went away since their date with ``status=tobedeleted`` (OneRoster CSV binding):
pupils who left, their ended enrolments, teaching assignments deleted, classes of an ended year."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tsunagu.core.scope import system_scope
from tsunagu.org.models import School, SchoolYear, TeachingAssignment
from tsunagu.roster_sync.export import derived_id, package_build
from tsunagu.roster_sync.profiles import JP_V121
from tsunagu.roster_sync.validate import validate_package
from tsunagu.students.models import Enrolment, EventKind

pytestmark = pytest.mark.django_db


def _year() -> SchoolYear:
    today = timezone.localdate()
    with system_scope(reason="test finds this school year"):
        return SchoolYear.objects.get(start_date__lte=today, end_date__gte=today)


def _by_id(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["sourcedId"]: r for r in rows}


def test_a_pupil_who_left_is_tobedeleted_with_their_role_and_enrollment(ward: Any) -> None:
    sakura = ward.schools["sakura"]
    with system_scope(reason="test finds a pupil who left"):
        left = (
            Enrolment.objects.filter(
                school=sakura,
                school_year=_year(),
                end_date__isnull=False,
                end_date__lt=timezone.localdate(),
                events__kind=EventKind.TRANSFER_OUT,
            )
            .select_related("student", "homeroom")
            .first()
        )
    assert left is not None and left.homeroom is not None
    since = left.updated_at - dt.timedelta(seconds=1)
    package = package_build(schools=[sakura], school_year=_year(), profile=JP_V121, since=since)
    pupil = str(left.student.uuid)
    user = _by_id(package.files["users"])[pupil]
    assert user["status"] == "tobedeleted" and user["dateLastModified"]
    role = _by_id(package.files["roles"])[derived_id("role", pupil, sakura.uuid, "student")]
    assert role["status"] == "tobedeleted" and role["endDate"] == left.end_date.isoformat()
    enrollment = _by_id(package.files["enrollments"])[
        derived_id("enrollment", left.homeroom.uuid, pupil, "student")
    ]
    assert enrollment["status"] == "tobedeleted"
    assert validate_package(package.to_zip(), JP_V121) == []
    # A bulk package does not know them at all; a later delta no longer lists them.
    bulk = package_build(schools=[sakura], school_year=_year(), profile=JP_V121)
    assert pupil not in _by_id(bulk.files["users"])
    later = package_build(
        schools=[sakura], school_year=_year(), profile=JP_V121, since=timezone.now() + dt.timedelta(days=1)
    )
    assert pupil not in _by_id(later.files.get("users", []))


def test_pupils_still_enrolled_stay_active(ward: Any) -> None:
    schools = [ward.schools["sakura"], ward.schools["kaede"], ward.schools["midori"]]
    since = timezone.now() - dt.timedelta(days=3650)
    package = package_build(schools=schools, school_year=_year(), profile=JP_V121, since=since)
    with system_scope(reason="test lists who is enrolled today"):
        enrolled = {
            str(u)
            for u in Enrolment.objects.filter(
                school__in=schools, end_date__isnull=True, school_year=_year()
            ).values_list("student__uuid", flat=True)
        }
    users = _by_id(package.files["users"])
    assert enrolled and all(users[u]["status"] == "active" for u in enrolled)


def test_classes_of_an_ended_year_are_tobedeleted(ward: Any) -> None:
    sakura = ward.schools["sakura"]
    previous = ward.previous_year
    since = timezone.make_aware(dt.datetime.combine(previous.end_date - dt.timedelta(days=7), dt.time.min))
    package = package_build(schools=[sakura], school_year=_year(), profile=JP_V121, since=since)
    with system_scope(reason="test lists last year's homerooms"):
        old = {str(u) for u in sakura.homerooms.filter(school_year=previous).values_list("uuid", flat=True)}
    classes = _by_id(package.files["classes"])
    assert old and all(classes[c]["status"] == "tobedeleted" for c in old)
    current = [r for r in package.files["classes"] if r["sourcedId"] not in old]
    assert current and all(r["status"] == "active" for r in current)
    assert validate_package(package.to_zip(), JP_V121) == []


def test_a_deleted_teaching_assignment_is_tobedeleted(ward: Any) -> None:
    sakura: School = ward.schools["sakura"]
    since = timezone.now() - dt.timedelta(seconds=1)
    with system_scope(reason="test deletes a homeroom teacher's assignment"):
        assignment = (
            TeachingAssignment.objects.filter(school=sakura, school_year=_year(), homeroom__isnull=False)
            .select_related("staff_member", "homeroom")
            .first()
        )
        assert assignment is not None
        staff, homeroom = assignment.staff_member, assignment.homeroom
        assert homeroom is not None
        assignment.delete()
    package = package_build(schools=[sakura], school_year=_year(), profile=JP_V121, since=since)
    enrollment = _by_id(package.files["enrollments"])[
        derived_id("enrollment", homeroom.uuid, staff.uuid, "teacher")
    ]
    assert enrollment["status"] == "tobedeleted"
