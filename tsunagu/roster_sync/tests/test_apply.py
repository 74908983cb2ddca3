"""差分を反映する: a compared package's name and class differences applied to the roster in one
transaction, reported row by row; a refusal leaves nothing written."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.core.models import AuditEvent
from tsunagu.core.scope import system_scope
from tsunagu.org.models import Homeroom, School, SchoolYear
from tsunagu.roster_sync.apply import APPLIED, NOT_APPLICABLE, NOT_TRIED, REFUSED, ROLLED_BACK, package_apply
from tsunagu.roster_sync.export import derived_id, package_build
from tsunagu.roster_sync.profiles import JP_V121
from tsunagu.roster_sync.reconcile import package_reconcile
from tsunagu.roster_sync.tests.test_export import _read, _zip_files
from tsunagu.students.models import Enrolment, Student
from tsunagu.students.tests.cast import cast_places
from tsunagu.students.tests.test_services_change import free_number, sibling_class

pytestmark = pytest.mark.django_db

ROLL = JP_V121.roll_number_column
Files = dict[str, list[dict[str, str]]]


def _year() -> SchoolYear:
    today = timezone.localdate()
    with system_scope(reason="test finds this school year"):
        return SchoolYear.objects.get(start_date__lte=today, end_date__gte=today)


def _office_school() -> School:
    """さくら小, the school of the cast's principal, teacher and office."""
    return cast_places().school


def _homeroom_pupils(files: Files, homeroom: Homeroom) -> list[dict[str, str]]:
    """The homeroom's pupils' enrollment rows in the package, by roll number."""
    rows = [
        r
        for r in files["enrollments"]
        if r["classSourcedId"] == str(homeroom.uuid) and r["role"] == "student"
    ]
    return sorted(rows, key=lambda r: int(r[ROLL] or 0))


def _user(files: Files, sourced_id: str) -> dict[str, str]:
    return next(r for r in files["users"] if r["sourcedId"] == sourced_id)


def _move(files: Files, enrollment: dict[str, str], homeroom: Homeroom, number: int) -> None:
    """In the package: the pupil is in ``homeroom`` with ``number`` (what another system would write)."""
    user = enrollment["userSourcedId"]
    _user(files, user)["metadata.jp.homeClass"] = str(homeroom.uuid)
    enrollment["classSourcedId"] = str(homeroom.uuid)
    enrollment["sourcedId"] = derived_id("enrollment", homeroom.uuid, user, "student")
    enrollment[ROLL] = str(number)


def _package(school: School) -> tuple[Files, Homeroom, Homeroom]:
    """さくら小's package, with the teacher's class and a second class of its grade."""
    homeroom = cast_places().homeroom
    other = sibling_class(homeroom)  # made before the export, so the package lists it
    files = _read(package_build(schools=[school], school_year=_year(), profile=JP_V121).to_zip())
    return files, homeroom, other


def _names(sourced_ids: list[str]) -> dict[str, tuple[str, str, str, str]]:
    with system_scope(reason="test reads the pupils"):
        return {
            str(s.uuid): (s.family_name, s.given_name, s.family_name_kana, s.given_name_kana)
            for s in Student.objects.filter(uuid__in=sourced_ids)
        }


def _placements(sourced_ids: list[str]) -> dict[str, tuple[int | None, int | None]]:
    today = timezone.localdate()
    with system_scope(reason="test reads the classes"):
        return {
            str(u): (h, n)
            for u, h, n in Enrolment.objects.filter(
                student__uuid__in=sourced_ids, start_date__lte=today, end_date__isnull=True
            ).values_list("student__uuid", "homeroom_id", "roll_number")
        }


def test_names_classes_and_numbers_changed_in_an_exported_package_apply_until_no_difference_is_left(
    client_as: Any,
) -> None:
    school = _office_school()
    files, homeroom, other = _package(school)
    pupils = _homeroom_pupils(files, homeroom)
    assert len(pupils) >= 4, "the demo class is too small for this test"
    renamed, moved, first, second = (pupils[0], pupils[1], pupils[2], pupils[3])
    user = _user(files, renamed["userSourcedId"])
    user["familyName"], user["metadata.jp.kanaFamilyName"] = "新氏", "シンウジ"
    _move(files, moved, other, free_number(other))
    first[ROLL], second[ROLL] = second[ROLL], first[ROLL]  # the class renumbered: two numbers swapped
    data = _zip_files(files)

    office = client_as("office")
    upload = io.BytesIO(data)
    upload.name = "other-system.zip"
    compared = office.post(
        "/oneroster/check/", {"file": upload, "profile": "jp-1.2.1", "compare": str(school.uuid)}
    )
    assert compared.status_code == 200 and compared.context["report"].differences
    fields = compared.context["apply_form"]
    assert fields and fields["data"] and "差分を反映する" in compared.content.decode()
    before = AuditEvent.objects.filter(kind="oneroster_apply").count()

    response = office.post("/oneroster/check/apply/", fields)
    assert response.status_code == 200
    result = response.context["applied"]
    assert result.committed and not result.refused
    outcomes = {(r.sourced_id, r.what): r.outcome for r in result.rows}
    assert outcomes[(renamed["userSourcedId"], "氏名・ふりがな")] == APPLIED
    assert outcomes[(moved["userSourcedId"], "学級・出席番号")] == APPLIED
    assert outcomes[(first["userSourcedId"], "学級・出席番号")] == APPLIED
    assert "反映しました" in response.content.decode()
    assert AuditEvent.objects.filter(kind="oneroster_apply").count() == before + 1
    assert _names([renamed["userSourcedId"]])[renamed["userSourcedId"]][0::2] == ("新氏", "しんうじ")
    assert _placements([moved["userSourcedId"]])[moved["userSourcedId"]][0] == other.pk

    again = package_reconcile(data=data, profile=JP_V121, schools=[school], school_year=_year())
    assert again.compared and again.differences == []


def test_a_refused_row_rolls_back_every_change_and_says_why(ward: Any) -> None:
    school = _office_school()
    files, homeroom, other = _package(school)
    pupils = _homeroom_pupils(files, homeroom)
    renamed, bad, moved = pupils[0], pupils[1], pupils[2]
    _user(files, renamed["userSourcedId"])["familyName"] = "新氏"
    _user(files, bad["userSourcedId"])["metadata.jp.kanaGivenName"] = "ABC"  # not a reading
    _move(files, moved, other, free_number(other))
    ids = [renamed["userSourcedId"], bad["userSourcedId"], moved["userSourcedId"]]
    names, placements = _names(ids), _placements(ids)

    result = package_apply(
        actor=User.objects.get(username="office"),
        data=_zip_files(files),
        profile=JP_V121,
        schools=[school],
        school_year=_year(),
    )
    assert not result.committed
    refused = result.refused
    assert len(refused) == 1 and refused[0].sourced_id == bad["userSourcedId"]
    assert "ひらがな" in refused[0].detail
    assert {r.outcome for r in result.rows} <= {ROLLED_BACK, REFUSED, NOT_TRIED}
    assert _names(ids) == names and _placements(ids) == placements  # nothing written


def test_a_number_left_to_another_pupil_is_refused_after_the_writes(ward: Any) -> None:
    school = _office_school()
    files, homeroom, _other = _package(school)
    pupils = _homeroom_pupils(files, homeroom)
    mover, holder = pupils[0], pupils[1]
    mover[ROLL] = holder[ROLL]  # the package gives the number of a pupil it leaves unchanged
    ids = [mover["userSourcedId"], holder["userSourcedId"]]
    placements = _placements(ids)
    result = package_apply(
        actor=User.objects.get(username="office"),
        data=_zip_files(files),
        profile=JP_V121,
        schools=[school],
        school_year=_year(),
    )
    assert not result.committed and "2人" in result.refused[0].detail
    assert _placements(ids) == placements


def test_what_a_package_cannot_change_is_reported_as_not_applicable(ward: Any) -> None:
    school = _office_school()
    files, homeroom, _other = _package(school)
    pupils = _homeroom_pupils(files, homeroom)
    gone, older = pupils[0]["userSourcedId"], pupils[1]["userSourcedId"]
    files["users"] = [r for r in files["users"] if r["sourcedId"] != gone]
    files["roles"] = [r for r in files["roles"] if r["userSourcedId"] != gone]
    files["enrollments"] = [r for r in files["enrollments"] if r["userSourcedId"] != gone]
    _user(files, older)["grades"] = "P6" if _user(files, older)["grades"] != "P6" else "P5"
    teacher = next(r for r in files["users"] if not r["grades"])
    teacher["givenName"] = "別名"
    result = package_apply(
        actor=User.objects.get(username="office"),
        data=_zip_files(files),
        profile=JP_V121,
        schools=[school],
        school_year=_year(),
    )
    assert result.committed and result.applied == 0
    why = {r.sourced_id: r.detail for r in result.rows if r.outcome == NOT_APPLICABLE}
    assert "転学" in why[gone] and "年次更新" in why[older] and "教職員" in why[teacher["sourcedId"]]


def test_a_stale_comparison_writes_nothing_and_the_board_may_not_apply(client_as: Any) -> None:
    school = _office_school()
    files, homeroom, _other = _package(school)
    renamed = _homeroom_pupils(files, homeroom)[0]["userSourcedId"]
    _user(files, renamed)["givenName"] = "新名"
    data = _zip_files(files)
    names = _names([renamed])
    result = package_apply(
        actor=User.objects.get(username="office"),
        data=data,
        profile=JP_V121,
        schools=[school],
        school_year=_year(),
        expected_digest="0" * 16,
    )
    assert result.stale and not result.committed and _names([renamed]) == names
    import base64

    fields = {"data": base64.b64encode(data).decode(), "profile": "jp-1.2.1", "compare": str(school.uuid)}
    assert client_as("board").post("/oneroster/check/apply/", fields).status_code == 403
    assert _names([renamed]) == names
