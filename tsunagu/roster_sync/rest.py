"""The OneRoster 1.2 rostering resources as JSON, built from the CSV export's own rows.

The REST provider serves exactly what the CSV package holds for the client's schools: ``package_build``
builds the files an operation needs (stamped with ``status`` and ``dateLastModified``, profile: Japan
K-12/Schools v1.0), and each CSV row becomes the JSON object of the REST binding here — references as
``GUIDRef`` objects (``href``, ``sourcedId``, ``type``), lists as arrays, booleans as booleans, the
Japan profile's ``metadata.jp.*`` columns as keys ``jp.*`` of ``metadata``, a user's roles from the
roles file. So the two bindings cannot drift apart (the round-trip test compares them).

Operations (``OPERATIONS``) are data: a collection, an optional nested parent and a predicate that
narrows the records; the views, the URL patterns' alternatives and the OpenAPI document all read it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from tsunagu.org.models import Board, School, SchoolYear
from tsunagu.org.selectors import school_year_on
from tsunagu.roster_sync import oauth
from tsunagu.roster_sync.export import package_build
from tsunagu.roster_sync.profiles import JP_K12_V10, Profile

BASE_PATH = "/ims/oneroster/rostering/v1p2"
#: The profile whose column names the REST metadata keys follow (1EdTech's final Japan profile).
PROFILE: Profile = JP_K12_V10

Record = dict[str, Any]


@dataclass(frozen=True)
class Collection:
    """A kind of record: the CSV file it comes from, its envelope keys and its properties."""

    file: str
    many: str  # envelope of a list: {"users": [...]}
    one: str  # envelope of one record: {"user": {...}}
    fields: tuple[str, ...]
    ref_type: str = ""  # the GUIDRef type naming it

    @property
    def files(self) -> frozenset[str]:
        return frozenset({self.file, "roles"} if self.file == "users" else {self.file})


COMMON = ("sourcedId", "status", "dateLastModified", "metadata")
ORGS = Collection("orgs", "orgs", "org", (*COMMON, "name", "type", "identifier", "parent", "children"), "org")
SESSIONS = Collection(
    "academicSessions",
    "academicSessions",
    "academicSession",
    (*COMMON, "title", "startDate", "endDate", "type", "parent", "children", "schoolYear"),
    "academicSession",
)
COURSES = Collection(
    "courses",
    "courses",
    "course",
    (*COMMON, "title", "schoolYear", "courseCode", "grades", "subjects", "org", "subjectCodes", "resources"),
    "course",
)
CLASSES = Collection(
    "classes",
    "classes",
    "class",
    (
        *COMMON,
        "title",
        "classCode",
        "classType",
        "location",
        "grades",
        "subjects",
        "course",
        "school",
        "terms",
        "subjectCodes",
        "periods",
        "resources",
    ),
    "class",
)
USERS = Collection(
    "users",
    "users",
    "user",
    (
        *COMMON,
        "userMasterIdentifier",
        "username",
        "userIds",
        "enabledUser",
        "givenName",
        "familyName",
        "middleName",
        "preferredFirstName",
        "preferredMiddleName",
        "preferredLastName",
        "pronouns",
        "roles",
        "userProfiles",
        "identifier",
        "email",
        "sms",
        "phone",
        "agents",
        "grades",
        "primaryOrg",
        "resources",
    ),
    "user",
)
ENROLLMENTS = Collection(
    "enrollments",
    "enrollments",
    "enrollment",
    (*COMMON, "user", "class", "school", "role", "primary", "beginDate", "endDate"),
    "enrollment",
)
DEMOGRAPHICS = Collection(
    "demographics",
    "demographics",
    "demographics",
    (
        *COMMON,
        "birthDate",
        "sex",
        "americanIndianOrAlaskaNative",
        "asian",
        "blackOrAfricanAmerican",
        "nativeHawaiianOrOtherPacificIslander",
        "white",
        "demographicRaceTwoOrMoreRaces",
        "hispanicOrLatinoEthnicity",
        "countryOfBirthCode",
        "stateOfBirthAbbreviation",
        "cityOfBirth",
        "publicSchoolResidenceStatus",
    ),
)


def _is_school(r: Record) -> bool:
    return r["type"] == "school"


def _has_role(role: str) -> Callable[[Record], bool]:
    return lambda r: any(x["role"] == role for x in r["roles"])


@dataclass(frozen=True)
class Root:
    """A top-level collection of the URL space: ``/users``, ``/students`` (users who are students) …"""

    name: str
    collection: Collection
    where: Callable[[Record], bool] | None = None
    scope: str = "core"  # "core": roster-core or roster; "demographics": the demographics scope


ROOTS: dict[str, Root] = {
    r.name: r
    for r in (
        Root("orgs", ORGS),
        Root("schools", ORGS, _is_school),
        Root("academicSessions", SESSIONS),
        Root("terms", SESSIONS, lambda r: r["type"] == "term"),
        Root("gradingPeriods", SESSIONS, lambda r: r["type"] == "gradingPeriod"),
        Root("courses", COURSES),
        Root("classes", CLASSES),
        Root("users", USERS),
        Root("students", USERS, _has_role("student")),
        Root("teachers", USERS, _has_role("teacher")),
        Root("enrollments", ENROLLMENTS),
        Root("demographics", DEMOGRAPHICS, scope="demographics"),
    )
}


@dataclass(frozen=True)
class Nested:
    """``/<parent>/{id}/<name>``: records of ``target`` related to the parent record ``pid``.

    ``related(data, pid)`` gives the sourcedIds of the target records that belong to the parent; it
    reads the dataset's files (``needs``) besides the target's own."""

    parent: str
    name: str
    target: str  # a Root name
    related: Callable[[Dataset, str], set[str]]
    needs: frozenset[str] = frozenset()


def _ref_is(key: str) -> Callable[[Dataset, str, str], set[str]]:
    """Target records whose reference ``key`` names the parent."""

    def related(data: Dataset, target_file: str, pid: str) -> set[str]:
        return {r["sourcedId"] for r in data.records(target_file) if _ref_id(r.get(key)) == pid}

    return related


def _ref_id(value: Any) -> str:
    return str(value.get("sourcedId", "")) if isinstance(value, dict) else ""


def _classes_of_school(data: Dataset, pid: str) -> set[str]:
    return _ref_is("school")(data, "classes", pid)


def _courses_of_school(data: Dataset, pid: str) -> set[str]:
    return _ref_is("org")(data, "courses", pid)


def _enrollments_of_school(data: Dataset, pid: str) -> set[str]:
    return _ref_is("school")(data, "enrollments", pid)


def _enrollments_of_class(data: Dataset, pid: str) -> set[str]:
    return _ref_is("class")(data, "enrollments", pid)


def _users_at_school(data: Dataset, pid: str) -> set[str]:
    return {
        u["sourcedId"] for u in data.records("users") if any(_ref_id(r["org"]) == pid for r in u["roles"])
    }


def _users_in_class(data: Dataset, pid: str) -> set[str]:
    return {_ref_id(e["user"]) for e in data.records("enrollments") if _ref_id(e["class"]) == pid}


def _classes_of_user(data: Dataset, pid: str) -> set[str]:
    return {_ref_id(e["class"]) for e in data.records("enrollments") if _ref_id(e["user"]) == pid}


def _classes_of_course(data: Dataset, pid: str) -> set[str]:
    return _ref_is("course")(data, "classes", pid)


def _classes_of_term(data: Dataset, pid: str) -> set[str]:
    return {c["sourcedId"] for c in data.records("classes") if any(_ref_id(t) == pid for t in c["terms"])}


def _sessions_under(data: Dataset, pid: str) -> set[str]:
    return _ref_is("parent")(data, "academicSessions", pid)


def _terms_of_school(data: Dataset, pid: str) -> set[str]:
    """The school's 学期 (each school sets its own terms under the ward's school year)."""
    return {term for term, school in data.session_schools.items() if school == pid}


ENR = frozenset({"enrollments"})
NESTED: dict[tuple[str, str], Nested] = {
    (n.parent, n.name): n
    for n in (
        Nested("schools", "classes", "classes", _classes_of_school),
        Nested("schools", "courses", "courses", _courses_of_school),
        Nested("schools", "enrollments", "enrollments", _enrollments_of_school),
        Nested("schools", "students", "students", _users_at_school),
        Nested("schools", "teachers", "teachers", _users_at_school),
        Nested("schools", "terms", "terms", _terms_of_school),
        Nested("classes", "students", "students", _users_in_class, ENR),
        Nested("classes", "teachers", "teachers", _users_in_class, ENR),
        Nested("classes", "enrollments", "enrollments", _enrollments_of_class),
        Nested("courses", "classes", "classes", _classes_of_course),
        Nested("students", "classes", "classes", _classes_of_user, ENR),
        Nested("teachers", "classes", "classes", _classes_of_user, ENR),
        Nested("users", "classes", "classes", _classes_of_user, ENR),
        Nested("terms", "classes", "classes", _classes_of_term),
        Nested("terms", "gradingPeriods", "gradingPeriods", _sessions_under),
    )
}
#: Collections whose records of one school do not depend on the other schools of the package, so an
#: operation under ``/schools/{id}`` builds that school only (a teacher at two schools is the exception:
#: their roles' ``roleType`` and their ``primaryOrg`` depend on which schools are built, so teachers and
#: users are always built for all the client's schools). The most frequent portal call,
#: ``/schools/{id}/students``, then costs one school, not the ward.
SCHOOL_LOCAL = frozenset({"students", "classes", "courses", "enrollments", "terms"})

#: ``/schools/{id}/classes/{id}/<name>``: enrollments, students, teachers of a class of a school.
IN_SCHOOL_CLASS: tuple[str, ...] = ("enrollments", "students", "teachers")


def ref(type_: str, sourced_id: str, base_url: str) -> dict[str, str] | None:
    """A GUIDRef (None when there is nothing to refer to)."""
    if not sourced_id:
        return None
    path = {
        "org": "orgs",
        "academicSession": "academicSessions",
        "course": "courses",
        "class": "classes",
        "user": "users",
    }[type_]
    return {"href": f"{base_url}{BASE_PATH}/{path}/{sourced_id}", "sourcedId": sourced_id, "type": type_}


def _list(text: str) -> list[str]:
    return [part for part in text.split(",") if part] if text else []


def _metadata(row: dict[str, str]) -> dict[str, str]:
    return {k.removeprefix("metadata."): v for k, v in row.items() if k.startswith("metadata.") and v != ""}


def _common(row: dict[str, str]) -> Record:
    return {
        "sourcedId": row["sourcedId"],
        "status": row.get("status") or "active",
        "dateLastModified": row.get("dateLastModified", ""),
        "metadata": _metadata(row),
    }


class Dataset:
    """The records of one client's schools, built once per request from the CSV rows it needs."""

    def __init__(
        self, *, schools: list[School], year: SchoolYear, files: frozenset[str], base_url: str
    ) -> None:
        self.base_url = base_url
        package = package_build(
            schools=schools, school_year=year, profile=PROFILE, files=files, stamp=True, terms=True
        )
        self.rows: dict[str, list[dict[str, str]]] = {f: package.files.get(f, []) for f in files}
        self.session_schools = package.session_schools
        self._records: dict[str, list[Record]] = {}

    def records(self, file: str) -> list[Record]:
        """The JSON records of ``file`` (converted once)."""
        if file not in self._records:
            self._records[file] = [self._convert(file, row) for row in self.rows.get(file, [])]
            if file == "orgs":
                self._children()
            if file == "academicSessions":
                self._session_children()
            if file == "users":
                self._roles()
        return self._records[file]

    def _convert(self, file: str, row: dict[str, str]) -> Record:
        r, b = _common(row), self.base_url
        if file == "orgs":
            r |= {
                "name": row["name"],
                "type": row["type"],
                "identifier": row.get("identifier", ""),
                "parent": ref("org", row.get("parentSourcedId", ""), b),
                "children": [],
            }
        elif file == "academicSessions":
            r |= {
                "title": row["title"],
                "startDate": row["startDate"],
                "endDate": row["endDate"],
                "type": row["type"],
                "parent": ref("academicSession", row.get("parentSourcedId", ""), b),
                "children": [],
                "schoolYear": row["schoolYear"],
            }
        elif file == "courses":
            r |= {
                "title": row["title"],
                "schoolYear": ref("academicSession", row.get("schoolYearSourcedId", ""), b),
                "courseCode": row.get("courseCode", ""),
                "grades": _list(row.get("grades", "")),
                "subjects": _list(row.get("subjects", "")),
                "org": ref("org", row["orgSourcedId"], b),
                "subjectCodes": _list(row.get("subjectCodes", "")),
                "resources": [],
            }
        elif file == "classes":
            r |= {
                "title": row["title"],
                "classCode": row.get("classCode", ""),
                "classType": row["classType"],
                "location": row.get("location", ""),
                "grades": _list(row.get("grades", "")),
                "subjects": _list(row.get("subjects", "")),
                "course": ref("course", row["courseSourcedId"], b),
                "school": ref("org", row["schoolSourcedId"], b),
                "terms": [ref("academicSession", t, b) for t in _list(row["termSourcedIds"])],
                "subjectCodes": _list(row.get("subjectCodes", "")),
                "periods": _list(row.get("periods", "")),
                "resources": [],
            }
        elif file == "users":
            r |= {
                "userMasterIdentifier": row.get("userMasterIdentifier", ""),
                "username": row["username"],
                "userIds": [],
                "enabledUser": row["enabledUser"] == "true",
                "givenName": row["givenName"],
                "familyName": row["familyName"],
                "middleName": row.get("middleName", ""),
                "preferredFirstName": row.get("preferredGivenName", ""),
                "preferredMiddleName": row.get("preferredMiddleName", ""),
                "preferredLastName": row.get("preferredFamilyName", ""),
                "pronouns": row.get("pronouns", ""),
                "roles": [],
                "userProfiles": [],
                "identifier": row.get("identifier", ""),
                "email": row.get("email", ""),
                "sms": row.get("sms", ""),
                "phone": row.get("phone", ""),
                "agents": [],
                "grades": _list(row.get("grades", "")),
                "primaryOrg": ref("org", row.get("primaryOrgSourcedId", ""), b),
                "resources": [],
            }
        elif file == "enrollments":
            r |= {
                "user": ref("user", row["userSourcedId"], b),
                "class": ref("class", row["classSourcedId"], b),
                "school": ref("org", row["schoolSourcedId"], b),
                "role": row["role"],
                "primary": row["primary"] == "true",
                "beginDate": row.get("beginDate", ""),
                "endDate": row.get("endDate", ""),
            }
        elif file == "demographics":
            r |= {k: row.get(k, "") for k in DEMOGRAPHICS.fields if k not in r}
        return r

    def _children(self) -> None:
        by_id = {r["sourcedId"]: r for r in self._records["orgs"]}
        for org in self._records["orgs"]:
            parent = by_id.get(_ref_id(org["parent"]))
            if parent is not None:
                parent["children"].append(ref("org", org["sourcedId"], self.base_url))

    def _session_children(self) -> None:
        """A school year lists its terms as children (and each term names the year as its parent)."""
        by_id = {r["sourcedId"]: r for r in self._records["academicSessions"]}
        for session in self._records["academicSessions"]:
            parent = by_id.get(_ref_id(session["parent"]))
            if parent is not None:
                parent["children"].append(ref("academicSession", session["sourcedId"], self.base_url))

    def _roles(self) -> None:
        roles: dict[str, list[Record]] = defaultdict(list)
        for row in self.rows.get("roles", []):
            roles[row["userSourcedId"]].append(
                {
                    "roleType": row["roleType"],
                    "role": row["role"],
                    "org": ref("org", row["orgSourcedId"], self.base_url),
                    "beginDate": row.get("beginDate", ""),
                    "endDate": row.get("endDate", ""),
                }
            )
        for user in self._records["users"]:
            user["roles"] = roles.get(user["sourcedId"], [])


@dataclass
class Target:
    """What a request asks for: the root collection and, for a nested operation, its parents."""

    root: Root
    parents: list[tuple[Root, str]] = field(default_factory=list)  # (root, sourcedId) outermost first
    #: The target records' sourcedIds that belong to the innermost parent.
    related: Callable[[Dataset, str], set[str]] | None = None
    needs: frozenset[str] = frozenset()
    guard: Callable[[Dataset], bool] | None = None

    @property
    def files(self) -> frozenset[str]:
        files = set(self.root.collection.files) | set(self.needs)
        for parent, _ in self.parents:
            files |= parent.collection.files
        return frozenset(files)

    @property
    def scopes(self) -> set[str]:
        """Scopes that each allow the operation (any one suffices)."""
        if self.root.scope == "demographics":
            return {oauth.DEMOGRAPHICS}
        if self.parents:
            return {oauth.ROSTER}
        return {oauth.ROSTER_CORE, oauth.ROSTER}


def client_schools(client: Any) -> list[School]:
    """The schools a client serves: every school of its board, or those the registry lists."""
    board = Board.objects.get(pk=client.board_id)
    schools = School.objects.filter(board=board)
    if not client.all_schools:
        schools = schools.filter(pk__in=client.schools.values("pk"))
    return list(schools.order_by("mext_code"))


def this_year() -> SchoolYear | None:
    """The school year the provider serves: the one containing today."""
    return school_year_on(timezone.localdate())
