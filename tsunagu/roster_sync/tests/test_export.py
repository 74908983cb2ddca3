"""The OneRoster export: a conformant package (checked by our validator of the Japan profile rules)
holding exactly the pupils and teachers of the chosen schools, and nothing private."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.utils import timezone

from tsunagu.core.models import AuditEvent
from tsunagu.core.scope import system_scope
from tsunagu.org.models import School, SchoolYear
from tsunagu.roster_sync.export import package_build
from tsunagu.roster_sync.profiles import JP_K12_V10, JP_V121
from tsunagu.roster_sync.validate import validate_package
from tsunagu.students.models import Enrolment
from tsunagu.students.selectors import enrolled_on

pytestmark = pytest.mark.django_db


def _read(data: bytes) -> dict[str, list[dict[str, str]]]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {
        name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))
        for name in archive.namelist()
    }


def _this_year() -> SchoolYear:
    today = timezone.localdate()
    with system_scope(reason="test finds this school year"):
        return SchoolYear.objects.get(start_date__lte=today, end_date__gte=today)


def _schools() -> list[School]:
    with system_scope(reason="test lists the ward's schools"):
        return list(School.objects.order_by("mext_code"))


@pytest.mark.parametrize("profile", [JP_V121, JP_K12_V10], ids=lambda p: p.code)
@pytest.mark.parametrize("subject_classes", [False, True])
def test_the_ward_package_conforms_to_the_profile(ward: object, profile, subject_classes: bool) -> None:
    package = package_build(
        schools=_schools(), school_year=_this_year(), profile=profile, subject_classes=subject_classes
    )
    assert validate_package(package.to_zip(), profile) == []


def test_the_package_holds_exactly_the_enrolled_pupils_with_their_homerooms(ward: object) -> None:
    year = _this_year()
    data = _read(package_build(schools=_schools(), school_year=year, profile=JP_V121).to_zip())
    with system_scope(reason="test counts the enrolled pupils"):
        enrolled = {
            str(u): (str(h) if h else "", roll)
            for u, h, roll in Enrolment.objects.filter(
                enrolled_on(timezone.localdate()), school_year=year
            ).values_list("student__uuid", "homeroom__uuid", "roll_number")
        }
    pupils = {r["sourcedId"]: r for r in data["users"] if r["grades"]}
    assert set(pupils) == set(enrolled)
    for uuid, row in pupils.items():
        assert row["userMasterIdentifier"] == uuid  # the same ID the learning apps get (統合ID)
        assert row["metadata.jp.homeClass"] == enrolled[uuid][0]
    homeroom_rows = {
        (r["userSourcedId"], r["classSourcedId"]): r for r in data["enrollments"] if r["role"] == "student"
    }
    for uuid, (homeroom, roll) in enrolled.items():
        if homeroom:
            row = homeroom_rows[(uuid, homeroom)]
            assert row["metadata.jp.ShussekiNo"] == ("" if roll is None else str(roll))
            assert row["primary"] == "false"


def test_nothing_private_leaves_in_the_package(ward: object) -> None:
    data = package_build(schools=_schools(), school_year=_this_year(), profile=JP_V121).to_zip()
    text = data.decode("latin-1")
    with system_scope(reason="test looks for private fields"):
        addresses = [a for a in Enrolment.objects.values_list("student__address", flat=True) if a]
    assert addresses and not any(a.encode("utf-8").decode("latin-1") in text for a in addresses[:50])
    names = set(_read(data))
    assert "demographics" not in names  # birth dates and sex only with the demographics scope (not here)


def test_readings_are_full_width_katakana(ward: object) -> None:
    data = _read(package_build(schools=_schools(), school_year=_this_year(), profile=JP_V121).to_zip())
    reading = data["users"][0]["metadata.jp.kanaFamilyName"]
    assert reading and all("\u30a0" <= ch <= "\u30ff" or ch == "\u3000" for ch in reading)


def test_the_k12_profile_names_its_columns_its_own_way(ward: object) -> None:
    data = _read(package_build(schools=_schools()[:1], school_year=_this_year(), profile=JP_K12_V10).to_zip())
    assert "metadata.jp.shussekiNo" in data["enrollments"][0]
    manifest = {r["propertyName"]: r["value"] for r in data["manifest"]}
    assert manifest["oneroster.version"] == "1.2_JP"
    assert manifest["file.users"] == "bulk" and manifest["file.results"] == "absent"


def test_a_delta_holds_only_what_changed_with_status_and_time(ward: object) -> None:
    year, schools = _this_year(), _schools()
    future = timezone.now() + dt.timedelta(days=1)
    empty = package_build(schools=schools, school_year=year, profile=JP_V121, since=future)
    assert sum(len(rows) for rows in empty.files.values()) == 0
    assert empty.manifest()[2:][0][1] == "delta"
    past = timezone.now() - dt.timedelta(days=3650)
    delta = package_build(schools=schools, school_year=year, profile=JP_V121, since=past)
    assert delta.files["users"] and all(
        r["status"] in ("active", "tobedeleted") and r["dateLastModified"] for r in delta.files["users"]
    )  # tobedeleted: pupils who left since then (test_delta.py)
    assert validate_package(delta.to_zip(), JP_V121) == []


def test_the_principal_downloads_the_school_and_the_export_is_recorded(client_as) -> None:
    client = client_as("principal")
    page = client.get("/oneroster/")
    assert page.status_code == 200
    choices = [value for value, _ in page.context["form"].fields["scope"].choices]
    assert len(choices) == 1  # only the principal's own school, never the ward
    before = AuditEvent.objects.filter(kind="oneroster_export").count()
    response = client.get("/oneroster/", {"download": "1", "scope": choices[0], "profile": "jp-1.2.1"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert validate_package(response.content, JP_V121) == []
    assert AuditEvent.objects.filter(kind="oneroster_export").count() == before + 1


def test_a_principal_cannot_export_another_school(client_as) -> None:
    other = _schools()[-1]
    client = client_as("principal")
    response = client.get("/oneroster/", {"download": "1", "scope": str(other.uuid), "profile": "jp-1.2.1"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert response.context["form"].errors["scope"]


def test_the_board_exports_the_ward(client_as) -> None:
    response = client_as("board").get(
        "/oneroster/", {"download": "1", "scope": "ward", "profile": "jp-k12-1.0"}
    )
    assert response.status_code == 200
    orgs = _read(response.content)["orgs"]
    assert {r["type"] for r in orgs} == {"district", "school"} and len(orgs) == len(_schools()) + 1


def test_the_benchmark_measures_a_valid_export(ward: object) -> None:
    from tsunagu.bench.registry import BenchOptions
    from tsunagu.bench.scenarios.oneroster_export import oneroster_export

    result = oneroster_export(BenchOptions(current_database=True)).as_dict()
    assert result["problems"] == 0 and result["rows"]["users"] > 0 and result["unit"] == "s"


def test_our_export_reconciles_with_itself_without_differences(ward: object) -> None:
    from tsunagu.roster_sync.reconcile import package_reconcile

    schools, year = _schools(), _this_year()
    data = package_build(schools=schools, school_year=year, profile=JP_V121).to_zip()
    report = package_reconcile(data=data, profile=JP_V121, schools=schools, school_year=year)
    assert report.compared and report.differences == []


def test_reconciling_names_what_differs_and_who_is_missing(ward: object) -> None:
    from tsunagu.roster_sync.reconcile import package_reconcile

    schools, year = _schools(), _this_year()
    data = _read(package_build(schools=schools, school_year=year, profile=JP_V121).to_zip())
    pupils = [r for r in data["users"] if r["grades"]]
    renamed, dropped = pupils[0], pupils[1]
    renamed["metadata.jp.kanaGivenName"] = "チガウ"
    data["users"].remove(dropped)
    data["roles"] = [r for r in data["roles"] if r["userSourcedId"] != dropped["sourcedId"]]
    data["enrollments"] = [r for r in data["enrollments"] if r["userSourcedId"] != dropped["sourcedId"]]
    report = package_reconcile(data=_zip_files(data), profile=JP_V121, schools=schools, school_year=year)
    found = {(d.file, d.kind, d.sourced_id, d.column) for d in report.differences}
    assert ("users", "changed", renamed["sourcedId"], "metadata.jp.kanaGivenName") in found
    assert ("users", "only_ours", dropped["sourcedId"], "") in found
    assert all(
        d.sourced_id in {renamed["sourcedId"], dropped["sourcedId"]} or d.file == "enrollments"
        for d in report.differences
    )


def test_a_package_with_problems_is_not_compared(ward: object) -> None:
    from tsunagu.roster_sync.reconcile import package_reconcile

    report = package_reconcile(data=b"nope", profile=JP_V121, schools=_schools(), school_year=_this_year())
    assert not report.compared and report.problems and report.differences == []


def test_the_board_uploads_a_package_to_compare(client_as) -> None:
    schools, year = _schools(), _this_year()
    data = package_build(schools=schools, school_year=year, profile=JP_V121).to_zip()
    upload = io.BytesIO(data)
    upload.name = "or.zip"
    response = client_as("board").post(
        "/oneroster/check/", {"file": upload, "profile": "jp-1.2.1", "compare": "ward"}
    )
    assert response.status_code == 200
    assert response.context["report"].compared and response.context["report"].differences == []
    assert "名簿と一致しています" in response.content.decode()


def _zip_files(files: dict[str, list[dict[str, str]]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, rows in files.items():
            out = io.StringIO()
            header = ["propertyName", "value"] if name == "manifest" else JP_V121.columns(name)
            writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(rows)
            archive.writestr(f"{name}.csv", out.getvalue())
    return buffer.getvalue()
