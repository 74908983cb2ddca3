"""学期 as OneRoster academicSessions of type ``term`` under the school year: in the CSV package when
asked (both profiles' validators accept them, the round trip has no differences), always in the REST
provider's ``/terms`` and ``/schools/{id}/terms``; ``/gradingPeriods`` has no source and is empty."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest
from django.utils import timezone

from tsunagu.core.scope import system_scope
from tsunagu.org.models import School, SchoolYear, Term
from tsunagu.roster_sync.export import package_build
from tsunagu.roster_sync.profiles import JP_K12_V10, JP_V121, Profile
from tsunagu.roster_sync.reconcile import package_reconcile
from tsunagu.roster_sync.tests.conftest import App
from tsunagu.roster_sync.validate import validate_package

pytestmark = pytest.mark.django_db


def _year() -> SchoolYear:
    today = timezone.localdate()
    with system_scope(reason="test finds this school year"):
        return SchoolYear.objects.get(start_date__lte=today, end_date__gte=today)


def _schools() -> list[School]:
    with system_scope(reason="test lists the ward's schools"):
        return list(School.objects.order_by("mext_code"))


def _terms(year: SchoolYear) -> dict[str, Term]:
    with system_scope(reason="test lists the terms"):
        terms = {str(t.uuid): t for t in Term.objects.filter(school_year=year).select_related("school")}
    if not terms:
        pytest.skip("the demo ward has no terms this year")
    return terms


def _sessions(data: bytes) -> list[dict[str, str]]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return list(csv.DictReader(io.StringIO(archive.read("academicSessions.csv").decode("utf-8"))))


@pytest.mark.parametrize("profile", [JP_V121, JP_K12_V10], ids=lambda p: p.code)
def test_each_schools_terms_are_term_sessions_under_the_year_and_the_package_conforms(
    ward: Any, profile: Profile
) -> None:
    year, schools = _year(), _schools()
    terms = _terms(year)
    data = package_build(schools=schools, school_year=year, profile=profile, terms=True).to_zip()
    assert validate_package(data, profile) == []
    rows = {r["sourcedId"]: r for r in _sessions(data)}
    assert rows[str(year.uuid)]["type"] == "schoolYear"
    exported = {sid: r for sid, r in rows.items() if r["type"] == "term"}
    assert set(exported) == set(terms)
    for sid, row in exported.items():
        term = terms[sid]
        assert row["parentSourcedId"] == str(year.uuid) and row["schoolYear"] == str(year.year)
        assert row["title"] == f"{year.year}年度 {term.name}"
        assert (row["startDate"], row["endDate"]) == (term.start_date.isoformat(), term.end_date.isoformat())
    # The round trip still finds no difference.
    report = package_reconcile(data=data, profile=profile, schools=schools, school_year=year)
    assert report.compared and report.differences == []


def test_the_csv_carries_only_the_school_year_unless_asked(ward: Any) -> None:
    data = package_build(schools=_schools(), school_year=_year(), profile=JP_V121).to_zip()
    assert [r["type"] for r in _sessions(data)] == ["schoolYear"]


def test_a_term_outside_its_year_or_without_one_is_reported(ward: Any) -> None:
    year = _year()
    _terms(year)
    package = package_build(schools=_schools()[:1], school_year=year, profile=JP_V121, terms=True)
    rows = package.files["academicSessions"]
    term_line = next(i for i, r in enumerate(rows, start=2) if r["type"] == "term")
    term = rows[term_line - 2]
    term["endDate"] = f"{year.year + 1}-04-30"  # past the year's end
    found = {(p.file, p.line, p.column) for p in validate_package(package.to_zip(), JP_V121)}
    assert ("academicSessions", term_line, "startDate") in found
    term["endDate"], term["parentSourcedId"] = term["startDate"], ""
    messages = [p.message for p in validate_package(package.to_zip(), JP_V121)]
    assert any("年度" in m for m in messages)


def test_the_rest_provider_lists_terms_per_school_and_under_the_year(portal: App) -> None:
    year = _year()
    terms = _terms(year)
    token = portal.token()
    listed = portal.get("/terms", token, limit=1000)
    assert listed.status_code == 200
    assert {r["sourcedId"] for r in listed.json()["academicSessions"]} == set(terms)
    assert all(r["type"] == "term" for r in listed.json()["academicSessions"])
    school = next(iter(terms.values())).school
    own = portal.get(f"/schools/{school.uuid}/terms", token, limit=1000)
    assert own.status_code == 200
    assert {r["sourcedId"] for r in own.json()["academicSessions"]} == {
        sid for sid, t in terms.items() if t.school_id == school.pk
    }
    session = portal.get(f"/academicSessions/{year.uuid}", token).json()["academicSession"]
    assert {c["sourcedId"] for c in session["children"]} == set(terms)
    one = portal.get(f"/terms/{next(iter(terms))}", token).json()["academicSession"]
    assert one["parent"]["sourcedId"] == str(year.uuid)
    graded = portal.get("/gradingPeriods", token)
    assert graded.status_code == 200 and graded.json()["academicSessions"] == []
