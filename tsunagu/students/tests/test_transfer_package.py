"""The transfer package of a pupil who left the ward: the right enrolment, attendance and marks, the
guardians as permitted, and the sections other apps add through the hook."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.attendance.selectors import attendance_summary
from tsunagu.core.models import AccessLog
from tsunagu.core.scope import system_scope
from tsunagu.students import package, services
from tsunagu.students.models import Enrolment, GuardianLink
from tsunagu.students.tests import cast
from tsunagu.students.tests.cast import CastPlaces, ClientAs

pytestmark = pytest.mark.django_db

places = cast.places
as_user = cast.as_user


def _transfer_out_of_the_ward(places: CastPlaces) -> dt.date:
    """Record a 転学 of the teacher's pupil to a school outside the ward, accepted tomorrow."""
    accepted = timezone.localdate() + dt.timedelta(days=1)
    services.enrolment_transfer_out(
        actor=User.objects.get(username="office"),
        student=places.pupil,
        accepted_on=accepted,
        other_school_name="横浜市立みなと小学校",
        other_school_address="横浜市中区1-1",
        reason="転居のため",
    )
    return accepted - dt.timedelta(days=1)


def _csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def _download(client: Any, places: CastPlaces) -> zipfile.ZipFile:
    response = client.get(reverse("students:student_transfer_package", args=[places.pupil.uuid]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_package_of_a_transferred_pupil_holds_enrolment_and_attendance(
    as_user: ClientAs, places: CastPlaces
) -> None:
    last_day = _transfer_out_of_the_ward(places)
    archive = _download(as_user("office"), places)
    names = set(archive.namelist())
    assert {
        "manifest.json",
        "pupil.json",
        "guardians.csv",
        "enrolments.csv",
        "enrolment_events.csv",
        "attendance_summary.csv",
        "attendance_marks.csv",
    } <= names
    pupil = json.loads(archive.read("pupil.json"))
    assert pupil["uuid"] == str(places.pupil.uuid) and pupil["family_name"] == places.pupil.family_name

    office = User.objects.get(username="office")
    with system_scope(reason="test reads the pupil's enrolments at the school"):
        expected = list(
            Enrolment.objects.filter(student=places.pupil, school=places.school).order_by("start_date", "id")
        )
    enrolments = _csv(archive, "enrolments.csv")
    assert [(r["school_year"], r["start_date"], r["end_date"]) for r in enrolments] == [
        (str(e.school_year.year), e.start_date.isoformat(), e.end_date.isoformat() if e.end_date else "")
        for e in expected
    ]
    assert enrolments[-1]["end_date"] == last_day.isoformat() and enrolments[-1]["class"] == "4年1組"
    events = _csv(archive, "enrolment_events.csv")
    assert events[-1]["kind"] == "transfer_out" and events[-1]["other_school_name"] == "横浜市立みなと小学校"

    summary = _csv(archive, "attendance_summary.csv")
    this_year = expected[-1].school_year
    row = next(r for r in summary if r["school_year"] == str(this_year.year))
    figures = attendance_summary(
        actor=office,
        student=places.pupil,
        school=places.school,
        start=expected[-1].start_date,
        end=last_day,
    ).as_dict()
    assert figures["days_instructional"] > 0, "the demo year has school days so far"
    assert {k: int(row[k]) for k in figures} == figures
    assert row["to"] == last_day.isoformat()
    marks = _csv(archive, "attendance_marks.csv")
    assert len(marks) >= figures["days_absent"]
    assert all(m["mark"] != "present" for m in marks)

    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["version"] == package.FORMAT_VERSION
    status = {s["key"]: s["status"] for s in manifest["sections"]}
    assert status["students"] == status["attendance"] == "included"
    assert status["health"] == status["guidance"] == "pending"
    assert AccessLog.objects.filter(action="export", student_uuid=places.pupil.uuid).exists()


def test_guardians_are_in_as_permitted(as_user: ClientAs, places: CastPlaces) -> None:
    with system_scope(reason="test restricts a guardian's contact"):
        link = GuardianLink.objects.filter(student=places.pupil).select_related("guardian").first()
        assert link is not None
        GuardianLink.objects.filter(pk=link.pk).update(contact_restricted=True)
    archive = _download(as_user("principal"), places)
    guardians = _csv(archive, "guardians.csv")
    restricted = next(
        g
        for g in guardians
        if g["family_name"] == link.guardian.family_name and g["contact_restricted"] == "1"
    )
    assert restricted["phone"] == "" and restricted["address"] == ""


def test_other_apps_add_their_section_through_the_hook(
    as_user: ClientAs, places: CastPlaces, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def health_sections(*, actor: Any, student: Any, school: Any) -> list[package.PackageSection]:
        seen.update(actor=actor.username, student=student.pk, school=school.pk)
        return [
            package.PackageSection(
                key="health",
                title="健康診断票",
                files={"checkups.csv": [["year", "height_cm"], [2026, 132.5]], "notes.json": {"ok": True}},
            )
        ]

    monkeypatch.setattr(package, "_section_hooks", lambda: (health_sections,))
    archive = _download(as_user("office"), places)
    assert seen == {"actor": "office", "student": places.pupil.pk, "school": places.school.pk}
    assert _csv(archive, "sections/health/checkups.csv") == [{"year": "2026", "height_cm": "132.5"}]
    assert json.loads(archive.read("sections/health/notes.json")) == {"ok": True}
    manifest = json.loads(archive.read("manifest.json"))
    health = next(s for s in manifest["sections"] if s["key"] == "health")
    assert health["status"] == "included" and "sections/health/checkups.csv" in health["files"]


def test_the_teacher_and_the_nurse_get_no_package(as_user: ClientAs, places: CastPlaces) -> None:
    url = reverse("students:student_transfer_package", args=[places.pupil.uuid])
    assert as_user("teacher").get(url).status_code == 403
    assert as_user("nurse").get(url).status_code == 403


def test_a_transfer_inside_the_ward_moves_certificates_and_the_package_with_the_date(
    as_user: ClientAs, places: CastPlaces, ward: Any
) -> None:
    """Inside the ward: until the transfer date the old school issues the certificates; from that day the
    receiving school does, and the old school's package holds its own years only."""
    from tsunagu.core import scopes
    from tsunagu.students import certificates
    from tsunagu.students.tests.test_views_transfer import principal_of

    kaede = ward.schools["kaede"]
    accepted = timezone.localdate() + dt.timedelta(days=1)
    services.enrolment_transfer_out(
        actor=User.objects.get(username="office"),
        student=places.pupil,
        accepted_on=accepted,
        receiving_school=kaede,
        reason="転居",
    )
    receiving = User.objects.get(username=principal_of(kaede))
    new_url = reverse("students:student_certificate_new", args=[places.pupil.uuid])
    assert as_user(receiving.username).get(new_url).status_code == 404  # not theirs yet
    assert as_user("office").get(new_url).status_code == 200  # still at さくら小 today
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(scopes, "policy_today", lambda: accepted)
        assert as_user("office").get(new_url).status_code == 404  # さくら小 no longer certifies …
        archive = _download(as_user("office"), places)  # … but still makes the package of its years
        schools = {r["school_name"] for r in _csv(archive, "enrolments.csv")}
        assert schools == {places.school.name}
        assert kaede.name not in archive.read("enrolments.csv").decode("utf-8-sig")
        assert as_user(receiving.username).get(new_url).status_code == 200
        with system_scope(reason="test checks the receiving school's enrolment"):
            enrolment = certificates.current_enrolment(actor=receiving, student=places.pupil, day=accepted)
        assert enrolment is not None and enrolment.school == kaede
