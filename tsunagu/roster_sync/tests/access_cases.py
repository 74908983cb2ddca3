"""Access-matrix cases of the OneRoster pages: principal and office staff (their school) and the board
(the ward); every other role has no rule (403). An empty upload is a bad request for those who may.

The REST provider under ``/ims/oneroster/`` is a machine endpoint (API, no session role): a person's
session is no credential, so every cast role and anonymous visitors alike get 401 without a bearer
token of a registered learning app (the token endpoint: 401 ``invalid_client`` without the app's
credentials). Only the OpenAPI document is open to everyone: it holds no data.
"""

from __future__ import annotations

from typing import Any

from tsunagu.core.tests.access_matrix import Case, Places, expect

EXPORTERS = {"principal": 200, "office": 200, "board": 200}
MACHINE_ONLY = expect(401, anonymous=401)


def _school(places: Places) -> dict[str, Any]:
    return {"resource": "schools", "sourced_id": str(places.school.uuid)}


def _pupil(places: Places) -> dict[str, Any]:
    return {"resource": "students", "sourced_id": str(places.classmate.uuid)}


def _class_students(places: Places) -> dict[str, Any]:
    return {"resource": "classes", "sourced_id": str(places.homeroom.uuid), "sub": "students"}


def _school_class(places: Places) -> dict[str, Any]:
    return {"school_id": str(places.school.uuid), "class_id": str(places.homeroom.uuid), "sub": "students"}


CASES: list[Case] = [
    Case("roster_sync:export", "the page", expect(403, **EXPORTERS)),
    Case("roster_sync:check", "no file", expect(403, principal=400, office=400, board=400), method="post"),
    # Applying differences: the school's principal and office only (the board compares, never applies).
    Case("roster_sync:apply", "no package", expect(403, principal=400, office=400), method="post"),
    # The REST provider: API, no session role.
    Case("oneroster:token", "post without client credentials", MACHINE_ONLY, method="post"),
    Case("oneroster:openapi", "open", expect(200, anonymous=200)),
    Case("oneroster:collection", "users, no token", MACHINE_ONLY, lambda p: {"resource": "users"}),
    Case("oneroster:item", "a school, no token", MACHINE_ONLY, _school),
    Case("oneroster:item", "a pupil, no token", MACHINE_ONLY, _pupil),
    Case("oneroster:nested", "a class's students, no token", MACHINE_ONLY, _class_students),
    Case("oneroster:school_class", "a class's students in its school, no token", MACHINE_ONLY, _school_class),
]
