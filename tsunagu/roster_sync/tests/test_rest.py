"""The OneRoster 1.2 REST provider (rostering, REST binding 1.0): envelopes, paging headers, the filter
grammar, field selection, sorting, scopes, the client's schools, the same records as the CSV export,
and a bounded number of queries per page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import pytest
from django.utils import timezone

from tsunagu.core.scope import system_scope
from tsunagu.org.models import School, SchoolYear
from tsunagu.roster_sync import oauth
from tsunagu.roster_sync.export import package_build
from tsunagu.roster_sync.profiles import JP_K12_V10
from tsunagu.roster_sync.tests.conftest import BASE, App

pytestmark = pytest.mark.django_db


def _minor(response: Any) -> str:
    return str(response.json()["imsx_CodeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"])


def _csv(schools: list[School] | None = None) -> dict[str, list[dict[str, str]]]:
    """Our CSV export's rows (K-12 profile, the one the REST metadata follows) of the schools."""
    today = timezone.localdate()
    with system_scope(reason="test reads the ward's schools"):
        year = SchoolYear.objects.get(start_date__lte=today, end_date__gte=today)
        chosen = schools or list(School.objects.order_by("mext_code"))
    return dict(package_build(schools=chosen, school_year=year, profile=JP_K12_V10, terms=True).files)


def _all(app: App, path: str, token: str, key: str) -> list[dict[str, Any]]:
    response = app.get(path, token, limit=10000)
    assert response.status_code == 200, response.content
    return list(response.json()[key])


# --- envelopes and round trip ------------------------------------------------------------------


def test_each_endpoint_returns_the_same_records_as_the_csv_export(portal: App) -> None:
    csv, token = _csv(), portal.token()
    ids = {file: {r["sourcedId"] for r in rows} for file, rows in csv.items()}
    assert {r["sourcedId"] for r in _all(portal, "/orgs", token, "orgs")} == ids["orgs"]
    schools = {r["sourcedId"] for r in csv["orgs"] if r["type"] == "school"}
    assert {r["sourcedId"] for r in _all(portal, "/schools", token, "orgs")} == schools
    assert {r["sourcedId"] for r in _all(portal, "/academicSessions", token, "academicSessions")} == (
        ids["academicSessions"]
    )
    assert {r["sourcedId"] for r in _all(portal, "/courses", token, "courses")} == ids["courses"]
    assert {r["sourcedId"] for r in _all(portal, "/classes", token, "classes")} == ids["classes"]
    assert {r["sourcedId"] for r in _all(portal, "/enrollments", token, "enrollments")} == ids["enrollments"]
    users = _all(portal, "/users", token, "users")
    assert {r["sourcedId"] for r in users} == ids["users"]
    pupils = {r["userSourcedId"] for r in csv["roles"] if r["role"] == "student"}
    teachers = {r["userSourcedId"] for r in csv["roles"] if r["role"] == "teacher"}
    assert {r["sourcedId"] for r in _all(portal, "/students", token, "users")} == pupils
    assert {r["sourcedId"] for r in _all(portal, "/teachers", token, "users")} == teachers
    assert {r["sourcedId"] for r in _all(portal, "/demographics", token, "demographics")} == pupils
    # Field by field, the Japan profile's columns come back under the REST names.
    rows = {r["sourcedId"]: r for r in csv["users"]}
    for user in users:
        row = rows[user["sourcedId"]]
        assert user["familyName"] == row["familyName"] and user["givenName"] == row["givenName"]
        assert user["preferredLastName"] == row["preferredFamilyName"]
        assert user["metadata"]["jp.kanaFamilyName"] == row["metadata.jp.kanaFamilyName"]
        assert user["metadata"].get("jp.homeClass", "") == row.get("metadata.jp.homeClass", "")
        assert ",".join(user["grades"]) == row.get("grades", "")
        assert user["primaryOrg"]["sourcedId"] == row["primaryOrgSourcedId"]
        assert user["userMasterIdentifier"] == row["userMasterIdentifier"]
        assert user["status"] == "active" and user["dateLastModified"]
        assert "password" not in user
    enrollments = {r["sourcedId"]: r for r in csv["enrollments"]}
    for record in _all(portal, "/enrollments", token, "enrollments"):
        row = enrollments[record["sourcedId"]]
        assert record["class"]["sourcedId"] == row["classSourcedId"]
        assert record["user"]["sourcedId"] == row["userSourcedId"]
        assert record["primary"] is (row["primary"] == "true")
        assert record["metadata"].get("jp.shussekiNo", "") == row.get("metadata.jp.shussekiNo", "")


def test_get_one_record_in_its_singular_envelope_and_404_for_unknown(portal: App) -> None:
    csv, token = _csv(), portal.token()
    pupil = next(r for r in csv["users"] if r.get("grades"))
    response = portal.get(f"/students/{pupil['sourcedId']}", token)
    assert response.status_code == 200 and response.json()["user"]["sourcedId"] == pupil["sourcedId"]
    school = next(r for r in csv["orgs"] if r["type"] == "school")
    assert portal.get(f"/schools/{school['sourcedId']}", token).json()["org"]["name"] == school["name"]
    klass = csv["classes"][0]
    assert portal.get(f"/classes/{klass['sourcedId']}", token).json()["class"]["title"] == klass["title"]
    assert portal.get(f"/demographics/{pupil['sourcedId']}", token).json()["demographics"]["sex"] in (
        "male",
        "female",
    )
    missing = portal.get("/users/00000000-0000-0000-0000-000000000000", token)
    assert missing.status_code == 404 and _minor(missing) == "unknownobject"
    assert missing.json()["imsx_codeMajor"] == "failure" and missing.json()["imsx_severity"] == "error"
    # A pupil is not a teacher: the teacher endpoint does not know them.
    assert portal.get(f"/teachers/{pupil['sourcedId']}", token).status_code == 404


def test_nested_operations_narrow_to_the_parent(portal: App) -> None:
    csv, token = _csv(), portal.token()
    school = next(r for r in csv["orgs"] if r["type"] == "school")
    sid = school["sourcedId"]
    classes = {r["sourcedId"] for r in csv["classes"] if r["schoolSourcedId"] == sid}
    got = _all(portal, f"/schools/{sid}/classes", token, "classes")
    assert {r["sourcedId"] for r in got} == classes and classes
    homeroom = next(iter(sorted(classes)))
    in_class = {
        r["userSourcedId"]
        for r in csv["enrollments"]
        if r["classSourcedId"] == homeroom and r["role"] == "student"
    }
    assert {r["sourcedId"] for r in _all(portal, f"/classes/{homeroom}/students", token, "users")} == in_class
    nested = _all(portal, f"/schools/{sid}/classes/{homeroom}/students", token, "users")
    assert {r["sourcedId"] for r in nested} == in_class
    teachers = _all(portal, f"/classes/{homeroom}/teachers", token, "users")
    assert all(any(role["role"] == "teacher" for role in t["roles"]) for t in teachers)
    enrolled = {r["sourcedId"] for r in csv["enrollments"] if r["schoolSourcedId"] == sid}
    assert {
        r["sourcedId"] for r in _all(portal, f"/schools/{sid}/enrollments", token, "enrollments")
    } == enrolled
    pupils_at = {
        r["userSourcedId"] for r in csv["roles"] if r["orgSourcedId"] == sid and r["role"] == "student"
    }
    assert {r["sourcedId"] for r in _all(portal, f"/schools/{sid}/students", token, "users")} == pupils_at
    pupil = next(iter(in_class))
    assert homeroom in {r["sourcedId"] for r in _all(portal, f"/students/{pupil}/classes", token, "classes")}
    # A class of another school is not found under this school.
    other = next(r["sourcedId"] for r in csv["classes"] if r["schoolSourcedId"] != sid)
    assert portal.get(f"/schools/{sid}/classes/{other}/students", token).status_code == 404
    assert portal.get("/schools/00000000-0000-0000-0000-000000000000/classes", token).status_code == 404


# --- the client's schools and scopes -----------------------------------------------------------


def test_schools_outside_the_clients_are_not_visible(register: Callable[..., App], ward: Any) -> None:
    sakura, kaede = ward.schools["sakura"], ward.schools["kaede"]
    app = register(schools=[sakura])
    token = app.token()
    orgs = _all(app, "/schools", token, "orgs")
    assert [r["sourcedId"] for r in orgs] == [str(sakura.uuid)]
    assert app.get(f"/schools/{kaede.uuid}", token).status_code == 404
    assert app.get(f"/schools/{kaede.uuid}/students", token).status_code == 404
    theirs = {r["sourcedId"] for r in _csv([kaede])["users"]} - {
        r["sourcedId"] for r in _csv([sakura])["users"]
    }
    users = {r["sourcedId"] for r in _all(app, "/users", token, "users")}
    assert users == {r["sourcedId"] for r in _csv([sakura])["users"]} and not (users & theirs)
    assert app.get(f"/users/{next(iter(theirs))}", token).status_code == 404


def test_a_missing_scope_is_403_forbidden(register: Callable[..., App]) -> None:
    app = register(kind="app")  # roster-core only
    token = app.token()
    assert app.get("/users", token).status_code == 200
    demographics = app.get("/demographics", token)
    assert demographics.status_code == 403 and _minor(demographics) == "forbidden"
    school = _all(app, "/schools", token, "orgs")[0]["sourcedId"]
    assert app.get(f"/schools/{school}/classes", token).status_code == 403  # nested: roster.readonly
    portal_core = register(scopes=list(oauth.SCOPES))
    core_only = portal_core.token(scope=oauth.ROSTER_CORE)
    assert portal_core.get("/demographics", core_only).status_code == 403


# --- query parameters --------------------------------------------------------------------------


def test_paging_headers_total_count_and_link(portal: App) -> None:
    token = portal.token()
    total = len(_all(portal, "/users", token, "users"))
    first = portal.get("/users", token, limit=5)
    assert len(first.json()["users"]) == 5 and first["X-Total-Count"] == str(total)
    links = {part.split("; ")[1]: part.split("; ")[0].strip("<>") for part in first["Link"].split(", ")}
    assert 'rel="next"' in links and 'rel="last"' in links and 'rel="prev"' not in links
    assert "offset=5" in links['rel="next"'] and "limit=5" in links['rel="next"']
    second = portal.get("/users", token, limit=5, offset=5)
    assert 'rel="prev"' in second["Link"]
    assert not {u["sourcedId"] for u in first.json()["users"]} & {
        u["sourcedId"] for u in second.json()["users"]
    }
    default = portal.get("/users", token)
    assert len(default.json()["users"]) == min(100, total)
    last = portal.get("/users", token, limit=5, offset=total - 1)
    assert len(last.json()["users"]) == 1 and 'rel="next"' not in last["Link"]
    bad = portal.get("/users", token, limit="-1")
    assert bad.status_code == 400 and _minor(bad) == "invaliddata"


@pytest.mark.parametrize(
    ("expression", "check"),
    [
        ("status='active'", lambda r: r["status"] == "active"),
        ("enabledUser='true'", lambda r: r["enabledUser"] is True),
        ("grades='P4'", lambda r: "P4" in r["grades"]),
        ("grades!='P4'", lambda r: "P4" not in r["grades"]),
        ("familyName~'田'", lambda r: "田" in r["familyName"]),
        ("dateLastModified>'2000-01-01'", lambda r: True),
        ("dateLastModified<='2000-01-01'", lambda r: False),
        ("grades='P1' OR grades='P2'", lambda r: bool({"P1", "P2"} & set(r["grades"]))),
        ("grades='P1' AND familyName~'田'", lambda r: "P1" in r["grades"] and "田" in r["familyName"]),
        ("metadata.jp.kanaFamilyName~'タ'", lambda r: "タ" in r["metadata"]["jp.kanaFamilyName"]),
        ("primaryOrg.sourcedId!='x'", lambda r: True),
    ],
)
def test_filter_grammar_selects_exactly_the_matching_records(
    portal: App, expression: str, check: Callable[[dict[str, Any]], bool]
) -> None:
    token = portal.token()
    everyone = _all(portal, "/users", token, "users")
    response = portal.get("/users", token, filter=expression, limit=10000)
    assert response.status_code == 200, response.content
    got = {r["sourcedId"] for r in response.json()["users"]}
    assert got == {r["sourcedId"] for r in everyone if check(r)}
    assert response["X-Total-Count"] == str(len(got))


@pytest.mark.parametrize(
    "expression",
    [
        "nosuchfield='x'",
        "familyName='unterminated",
        "familyName=x",
        "familyName=='x'",
        "a='1' AND b='2' AND c='3'",
        "familyName='x' XOR givenName='y'",
    ],
)
def test_a_bad_filter_is_400_invalid_filter_field(portal: App, expression: str) -> None:
    response = portal.get("/users", portal.token(), filter=expression)
    assert response.status_code == 400
    body = response.json()
    assert body["imsx_codeMajor"] == "failure" and body["imsx_severity"] == "error"
    assert _minor(response) == "invalid_filter_field" and body["imsx_description"]


def test_fields_selection_returns_only_those_fields(portal: App) -> None:
    token = portal.token()
    response = portal.get("/users", token, fields="sourcedId,familyName", limit=3)
    assert [set(u) for u in response.json()["users"]] == [{"sourcedId", "familyName"}] * 3
    one = response.json()["users"][0]["sourcedId"]
    assert set(portal.get(f"/users/{one}", token, fields="givenName").json()["user"]) == {"givenName"}
    bad = portal.get("/users", token, fields="sourcedId,nope")
    assert bad.status_code == 400 and _minor(bad) == "invalid_selection_field"


def test_sort_and_order_by(portal: App) -> None:
    token = portal.token()
    up = [
        r["familyName"] for r in portal.get("/users", token, sort="familyName", limit=10000).json()["users"]
    ]
    down = [
        r["familyName"]
        for r in portal.get("/users", token, sort="familyName", orderBy="desc", limit=10000).json()["users"]
    ]
    assert up == sorted(up) and down == sorted(up, reverse=True) and len(up) > 1
    bad = portal.get("/users", token, sort="nope")
    assert bad.status_code == 400 and _minor(bad) == "invalid_sort_field"


def test_query_counts_are_bounded_per_page(portal: App, django_assert_max_num_queries: Any) -> None:
    token = portal.token()
    for path in ("/users", "/students", "/classes", "/enrollments", "/orgs"):
        with django_assert_max_num_queries(16):
            assert portal.get(path, token, limit=1000).status_code == 200
    with django_assert_max_num_queries(16):
        assert portal.get("/users", token, limit=5).status_code == 200


def test_the_openapi_document_lists_every_operation(portal: App) -> None:
    response = portal.http.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    for path in ("/users", "/users/{sourcedId}", "/schools/{schoolsSourcedId}/classes", "/demographics"):
        assert path in doc["paths"]
    assert "/schools/{schoolSourcedId}/classes/{classSourcedId}/students" in doc["paths"]
    flows = doc["components"]["securitySchemes"]["OAuth2"]["flows"]["clientCredentials"]
    assert unquote(flows["tokenUrl"]) == "/ims/oneroster/oauth/token" and oauth.ROSTER in flows["scopes"]


def test_the_benchmark_measures_the_rest_pages(ward: object) -> None:
    from tsunagu.bench.registry import BenchOptions
    from tsunagu.bench.scenarios.oneroster_rest import oneroster_rest

    result = oneroster_rest(BenchOptions(current_database=True, samples=2, warmup=1)).as_dict()
    assert (
        result["unit"] == "ms"
        and result["school_pupils"] > 0
        and result["ward_users"] >= result["school_pupils"]
    )
    assert result["school_queries"] <= 16 and result["ward_queries"] <= 16
