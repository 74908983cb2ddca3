"""The document resources: State, Activity Profile and Agent Profile (Communication §2.3–§2.6 of 1.0.3;
9274.1.1 §4.1.6.2–§4.1.6.6), plus the Activities and Agents (Person) resources.

A document is any content with its content type; PUT replaces it, POST merges JSON objects (both
must be JSON objects, else 400), GET returns one document with its ``ETag`` or, without an id, the
list of ids (``since`` filters on the last change), DELETE removes one (or, for State, all of an
activity and agent). Concurrency (Communication §3.1): ``If-Match`` with another ETag → 412,
``If-None-Match: *`` on an existing document → 412; a PUT to an existing Activity or Agent Profile
without either header → 409.

A client registered for some schools only reaches the documents ``schools.py`` allows: those of
pupils of its schools (403 for a pupil of another school) and, for agents that stand for no pupil
and for the Activity Profile, the documents it created (decision 0019 §4).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tsunagu.learning.models import DocumentKind, Statement, XapiActivity, XapiAgent, XapiDocument
from tsunagu.learning.xapi.errors import XapiError
from tsunagu.learning.xapi.http import LrsRequest, json_response
from tsunagu.learning.xapi.schools import check_agent, documents_scope
from tsunagu.learning.xapi.store import agent_ifi
from tsunagu.learning.xapi.validate import (
    check_actor,
    check_iri,
    check_uuid,
    format_timestamp,
    parse_timestamp,
)

#: The id parameter, and which key parts each kind takes.
SPEC = {
    DocumentKind.STATE: ("stateId", {"activityId", "agent", "registration"}),
    DocumentKind.ACTIVITY_PROFILE: ("profileId", {"activityId"}),
    DocumentKind.AGENT_PROFILE: ("profileId", {"agent"}),
}


def _params(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "") for k in request.GET}


def _agent_param(value: str, name: str = "agent") -> dict[str, Any]:
    try:
        agent = json.loads(value)
    except json.JSONDecodeError as exc:
        raise XapiError(400, f"{name} must be a JSON Agent") from exc
    check_actor(agent, name)
    if agent_ifi(agent) is None:
        raise XapiError(400, f"{name} must be an Agent or an identified Group")
    return agent


def _key(kind: str, params: dict[str, str], *, id_required: bool, list_allowed: bool) -> dict[str, str]:
    """The document's key fields from the parameters, checked (400 on a missing or malformed one)."""
    id_name, parts = SPEC[DocumentKind(kind)]
    allowed = parts | {id_name} | ({"since"} if list_allowed else set())
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise XapiError(400, f"unknown parameter {unknown[0]!r}")
    key: dict[str, str] = {"kind": kind, "activity_iri": "", "agent_ifi": "", "registration": ""}
    if "activityId" in parts:
        if "activityId" not in params:
            raise XapiError(400, "activityId is required")
        key["activity_iri"] = check_iri(params["activityId"], "activityId")
    if "agent" in parts:
        if "agent" not in params:
            raise XapiError(400, "agent is required")
        key["agent_ifi"] = agent_ifi(_agent_param(params["agent"])) or ""
    if "registration" in params:
        key["registration"] = str(uuid.UUID(check_uuid(params["registration"], "registration")))
    if id_name in params:
        key["document_id"] = params[id_name]
    elif id_required:
        raise XapiError(400, f"{id_name} is required")
    if "since" in params:
        if id_name in params:
            raise XapiError(400, f"since cannot be combined with {id_name}")
        parse_timestamp(params["since"], "since")
    return key


def _etag(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def _check_preconditions(
    request: HttpRequest, kind: str, existing: XapiDocument | None, *, put: bool
) -> None:
    if_match = request.headers.get("If-Match")
    if_none_match = request.headers.get("If-None-Match")
    if if_match is not None:
        tags = {t.strip().strip('"') for t in if_match.split(",")}
        if existing is None or ("*" not in tags and existing.etag not in tags):
            raise XapiError(412, "If-Match does not match the document's ETag")
    if if_none_match is not None:
        tags = {t.strip().strip('"') for t in if_none_match.split(",")}
        if existing is not None and ("*" in tags or existing.etag in tags):
            raise XapiError(412, "If-None-Match: the document exists")
    if (
        put
        and existing is not None
        and if_match is None
        and if_none_match is None
        and kind != DocumentKind.STATE
    ):
        raise XapiError(409, "the document exists: send If-Match or If-None-Match to change it")


def _document_response(document: XapiDocument) -> HttpResponse:
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["ETag"] = f'"{document.etag}"'
    response["Last-Modified"] = document.updated.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response


def _is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "application/json"


def document_view(request: HttpRequest, lrs: LrsRequest, kind: str) -> HttpResponse:
    """GET, PUT, POST or DELETE one document (or GET the list of ids, DELETE all states)."""
    params = _params(request)
    method = "GET" if request.method == "HEAD" else request.method
    _id_name, _parts = SPEC[DocumentKind(kind)]
    if method in ("PUT", "POST"):
        key = _key(kind, params, id_required=True, list_allowed=False)
        return _write(request, lrs, key, merge=(method == "POST"))
    if method == "GET":
        key = _key(kind, params, id_required=False, list_allowed=True)
        documents = XapiDocument.objects.filter(**key, **documents_scope(lrs.client, key["agent_ifi"]))
        if "document_id" in key:
            document = documents.first()
            if document is None:
                raise XapiError(404, "no such document")
            return _document_response(document)
        if "since" in params:
            documents = documents.filter(updated__gt=parse_timestamp(params["since"], "since"))
        return json_response(list(documents.order_by("document_id").values_list("document_id", flat=True)))
    # DELETE
    key = _key(kind, params, id_required=(kind != DocumentKind.STATE), list_allowed=False)
    scope = documents_scope(lrs.client, key["agent_ifi"])
    with transaction.atomic():
        documents = XapiDocument.objects.select_for_update().filter(**key, **scope)
        if "document_id" in key:
            _check_preconditions(request, kind, documents.first(), put=False)
        documents.delete()
    return HttpResponse(status=204)


def _write(request: HttpRequest, lrs: LrsRequest, key: dict[str, str], *, merge: bool) -> HttpResponse:
    content = request.body
    content_type = request.content_type or "application/octet-stream"
    if request.META.get("CONTENT_TYPE", "").startswith("application/json"):
        content_type = "application/json"
    scope = documents_scope(lrs.client, key["agent_ifi"])
    with transaction.atomic():
        existing = XapiDocument.objects.select_for_update().filter(**key).first()
        if existing is not None and "client" in scope and existing.client_id != lrs.client.pk:
            raise XapiError(403, "another learning app keeps a document under this key")
        _check_preconditions(request, key["kind"], existing, put=not merge)
        if merge and existing is not None:
            if not (_is_json(existing.content_type) and _is_json(content_type)):
                raise XapiError(400, "POST merges JSON documents only: both must be application/json")
            try:
                old, new = json.loads(bytes(existing.content)), json.loads(content)
            except (ValueError, UnicodeDecodeError) as exc:
                raise XapiError(400, "POST merges JSON objects only") from exc
            if not isinstance(old, dict) or not isinstance(new, dict):
                raise XapiError(400, "POST merges JSON objects only")
            content = json.dumps(old | new, ensure_ascii=False).encode()
        elif (merge or _is_json(content_type)) and _is_json(content_type):
            try:
                parsed = json.loads(content)
            except (ValueError, UnicodeDecodeError) as exc:
                raise XapiError(400, "the document is declared JSON but is not") from exc
            if merge and not isinstance(parsed, dict):
                raise XapiError(400, "POST merges JSON objects only")
        now = timezone.now()
        if existing is None:
            XapiDocument.objects.create(
                **key,
                content=content,
                content_type=content_type,
                etag=_etag(content),
                updated=now,
                client=lrs.client,
            )
        else:
            # ``client`` stays the app that created the document (its owner, decision 0019 §4).
            existing.content, existing.content_type = content, content_type
            existing.etag, existing.updated = _etag(content), now
            existing.save(update_fields=["content", "content_type", "etag", "updated"])
    return HttpResponse(status=204)


def activity_view(request: HttpRequest, lrs: LrsRequest) -> HttpResponse:
    """``GET /xapi/activities?activityId=`` → the Activity with the LRS's canonical definition (to
    every client allowed the resource, whatever schools it serves: a definition describes a question
    or a unit, never a person)."""
    params = _params(request)
    if set(params) != {"activityId"}:
        raise XapiError(400, "activityId (and nothing else) is required")
    iri = check_iri(params["activityId"], "activityId")
    activity = XapiActivity.objects.filter(iri=iri).first()
    body: dict[str, Any] = {"objectType": "Activity", "id": iri}
    if activity is not None and activity.definition:
        body["definition"] = activity.definition
    return json_response(body)


def person_view(request: HttpRequest, lrs: LrsRequest) -> HttpResponse:
    """``GET /xapi/agents?agent=`` → a Person object: the agent's identifiers and names, with those of
    the other agents matched to the same pupil."""
    params = _params(request)
    if set(params) != {"agent"}:
        raise XapiError(400, "agent (and nothing else) is required")
    agent = _agent_param(params["agent"])
    # False only for a client serving some schools asking about an agent that stands for no pupil:
    # it gets the identifiers it asked with, not what other apps told the LRS (a quarantined actor's
    # name may be a pupil's of another school).
    known = check_agent(lrs.client, agent_ifi(agent) or "")
    person: dict[str, list[Any]] = {"name": [], "mbox": [], "mbox_sha1sum": [], "openid": [], "account": []}
    stored = XapiAgent.objects.filter(ifi=agent_ifi(agent)).first() if known else None
    others = [agent]
    if stored is not None and stored.name:
        others.append({"name": stored.name})
    if stored is not None and stored.student_id:
        for ifi, name in XapiAgent.objects.filter(student_id=stored.student_id).values_list("ifi", "name"):
            if ifi != stored.ifi:
                others.append(_agent_from_ifi(ifi, name))
    for item in others:
        if item.get("name") and item["name"] not in person["name"]:
            person["name"].append(item["name"])
        for key in ("mbox", "mbox_sha1sum", "openid", "account"):
            if key in item and item[key] not in person[key]:
                person[key].append(item[key])
    return json_response({"objectType": "Person"} | {k: v for k, v in person.items() if v})


def _agent_from_ifi(ifi: str, name: str) -> dict[str, Any]:
    kind, _, value = ifi.partition(":")
    agent: dict[str, Any] = {"name": name} if name else {}
    if kind == "mbox":
        agent["mbox"] = "mailto:" + value
    elif kind == "account":
        home, _, account_name = value.partition("|")
        agent["account"] = {"homePage": home, "name": account_name}
    else:
        agent[kind] = value
    return agent


def last_stored() -> str | None:
    """The ``stored`` of the newest statement (for the monitoring page)."""
    stored = Statement.objects.order_by("-pk").values_list("stored", flat=True).first()
    return format_timestamp(stored) if stored else None
