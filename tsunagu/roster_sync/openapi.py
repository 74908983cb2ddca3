"""The OpenAPI 3 document of the OneRoster REST provider, generated from the operations table.

Served at ``/ims/oneroster/rostering/v1p2/openapi.json`` (no UI: a schema browser would need assets
from a CDN, which 校務 networks do not reach; any OpenAPI tool can read the document).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from tsunagu.roster_sync import oauth
from tsunagu.roster_sync.rest import BASE_PATH, IN_SCHOOL_CLASS, NESTED, ROOTS, Collection, Root

GUID_REF = {
    "type": "object",
    "properties": {
        "href": {"type": "string", "format": "uri"},
        "sourcedId": {"type": "string"},
        "type": {"type": "string"},
    },
    "required": ["href", "sourcedId", "type"],
}
REFS = {"parent", "schoolYear", "org", "course", "school", "primaryOrg", "user", "class"}
REF_LISTS = {"children", "terms", "agents", "resources", "userProfiles"}
STRING_LISTS = {"grades", "subjects", "subjectCodes", "periods", "userIds"}
BOOLEANS = {"enabledUser", "primary"}


def _property(name: str) -> dict[str, Any]:
    if name in REFS:
        return {"allOf": [{"$ref": "#/components/schemas/GUIDRef"}], "nullable": True}
    if name in REF_LISTS:
        return {"type": "array", "items": {"$ref": "#/components/schemas/GUIDRef"}}
    if name in STRING_LISTS:
        return {"type": "array", "items": {"type": "string"}}
    if name in BOOLEANS:
        return {"type": "boolean"}
    if name == "metadata":
        return {"type": "object", "additionalProperties": {"type": "string"}}
    if name == "roles":
        return {"type": "array", "items": {"$ref": "#/components/schemas/Role"}}
    if name == "status":
        return {"type": "string", "enum": ["active", "tobedeleted"]}
    if name == "dateLastModified":
        return {"type": "string", "format": "date-time"}
    return {"type": "string"}


def _schema(collection: Collection) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {name: _property(name) for name in collection.fields},
        "required": ["sourcedId", "status", "dateLastModified"],
    }


def _name(collection: Collection) -> str:
    return collection.one[0].upper() + collection.one[1:]


def _security(root: Root, nested: bool) -> list[dict[str, list[str]]]:
    if root.scope == "demographics":
        return [{"OAuth2": [oauth.DEMOGRAPHICS]}]
    if nested:
        return [{"OAuth2": [oauth.ROSTER]}]
    return [{"OAuth2": [oauth.ROSTER_CORE]}, {"OAuth2": [oauth.ROSTER]}]


QUERY = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 100}},
    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
    {"name": "sort", "in": "query", "schema": {"type": "string"}},
    {"name": "orderBy", "in": "query", "schema": {"type": "string", "enum": ["asc", "desc"]}},
    {"name": "filter", "in": "query", "schema": {"type": "string"}, "example": "status='active'"},
    {"name": "fields", "in": "query", "schema": {"type": "string"}},
]
ERRORS = {
    str(code): {
        "description": text,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/imsx_StatusInfo"}}},
    }
    for code, text in [
        (
            400,
            "Bad query parameter (invalid_filter_field, invalid_selection_field, "
            "invalid_sort_field, invaliddata)",
        ),
        (401, "No valid access token (unauthorisedrequest)"),
        (403, "The token lacks the scope (forbidden)"),
        (404, "Unknown or not visible (unknownobject)"),
    ]
}


def _id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _list_op(op_id: str, root: Root, params: list[dict[str, Any]], nested: bool) -> dict[str, Any]:
    collection = root.collection
    return {
        "get": {
            "operationId": op_id,
            "parameters": params + QUERY,
            "security": _security(root, nested),
            "responses": {
                "200": {
                    "description": "A page of records (X-Total-Count and Link headers).",
                    "headers": {
                        "X-Total-Count": {"schema": {"type": "integer"}},
                        "Link": {"schema": {"type": "string"}},
                    },
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    collection.many: {
                                        "type": "array",
                                        "items": {"$ref": f"#/components/schemas/{_name(collection)}"},
                                    }
                                },
                            }
                        }
                    },
                },
                **ERRORS,
            },
        }
    }


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    """The whole document (built once per process)."""
    paths: dict[str, Any] = {}
    for root in ROOTS.values():
        paths[f"/{root.name}"] = _list_op(f"getAll{_cap(root.name)}", root, [], False)
        one = root.collection
        paths[f"/{root.name}/{{sourcedId}}"] = {
            "get": {
                "operationId": f"get{_cap(root.name).removesuffix('s')}",
                "parameters": [_id("sourcedId"), QUERY[-1]],
                "security": _security(root, False),
                "responses": {
                    "200": {
                        "description": "One record.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {one.one: {"$ref": f"#/components/schemas/{_name(one)}"}},
                                }
                            }
                        },
                    },
                    **ERRORS,
                },
            }
        }
    for (parent, name), operation in NESTED.items():
        paths[f"/{parent}/{{{parent}SourcedId}}/{name}"] = _list_op(
            f"get{_cap(name)}For{_cap(parent).removesuffix('es' if parent == 'classes' else 's')}",
            ROOTS[operation.target],
            [_id(f"{parent}SourcedId")],
            True,
        )
    for name in IN_SCHOOL_CLASS:
        paths[f"/schools/{{schoolSourcedId}}/classes/{{classSourcedId}}/{name}"] = _list_op(
            f"get{_cap(name)}ForClassInSchool",
            ROOTS[name],
            [_id("schoolSourcedId"), _id("classSourcedId")],
            True,
        )
    schemas: dict[str, Any] = {"GUIDRef": GUID_REF}
    for root in ROOTS.values():
        schemas[_name(root.collection)] = _schema(root.collection)
    schemas["Role"] = {
        "type": "object",
        "properties": {
            "roleType": {"type": "string", "enum": ["primary", "secondary"]},
            "role": {"type": "string"},
            "org": {"$ref": "#/components/schemas/GUIDRef"},
            "beginDate": {"type": "string"},
            "endDate": {"type": "string"},
        },
    }
    schemas["imsx_StatusInfo"] = {
        "type": "object",
        "properties": {
            "imsx_codeMajor": {"type": "string", "enum": ["success", "processing", "failure", "unsupported"]},
            "imsx_severity": {"type": "string", "enum": ["status", "warning", "error"]},
            "imsx_description": {"type": "string"},
            "imsx_CodeMinor": {
                "type": "object",
                "properties": {
                    "imsx_codeMinorField": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "imsx_codeMinorFieldName": {"type": "string"},
                                "imsx_codeMinorFieldValue": {"type": "string"},
                            },
                        },
                    }
                },
            },
        },
        "required": ["imsx_codeMajor", "imsx_severity"],
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Tsunagu OneRoster 1.2 Rostering Service (REST binding 1.0, Japan profile metadata)",
            "version": "1.2",
        },
        "servers": [{"url": BASE_PATH}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "OAuth2": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": "/ims/oneroster/oauth/token",
                            "scopes": {
                                oauth.ROSTER_CORE: "getAll and get of every resource but demographics",
                                oauth.ROSTER: "Every rostering read but demographics, nested ones too",
                                oauth.DEMOGRAPHICS: "Demographics (birth date, sex)",
                            },
                        }
                    },
                }
            },
        },
    }
