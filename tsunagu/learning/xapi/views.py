"""The LRS endpoints under ``/xapi/`` (plain Django views: the protocol is not a JSON API we design).

Every view goes through :func:`lrs_view` (Basic authentication, version header, errors); the work is
in ``store.py`` (writes), ``query.py`` (statement reads) and ``documents.py``.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse

from tsunagu.learning.models import DocumentKind, Permission
from tsunagu.learning.xapi import documents, query
from tsunagu.learning.xapi.attachments import Part, check_parts, check_signatures, parse_multipart
from tsunagu.learning.xapi.errors import XapiError
from tsunagu.learning.xapi.http import VERSIONS, LrsRequest, json_response, lrs_view, read_json, require
from tsunagu.learning.xapi.store import store_statements


@lrs_view(("GET",), authenticate=False, version_required=False)
def about(request: HttpRequest, lrs: LrsRequest) -> HttpResponse:
    """``GET /xapi/about``: the versions this LRS speaks (no credentials, no version header needed)."""
    return json_response({"version": VERSIONS, "extensions": {}})


def _statements_body(request: HttpRequest) -> tuple[Any, list[Part]]:
    """The statement(s) of a POST or PUT and the attachment parts of a multipart request."""
    content_type = request.META.get("CONTENT_TYPE", "")
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "multipart/mixed":
        body, parts = parse_multipart(content_type, request.body)
        items = body if isinstance(body, list) else [body]
        check_parts(items, parts)
        check_signatures(items, parts)
        return body, parts
    if media_type != "application/json":
        # Communication §1.5 (XAPI-00127): statements come as JSON, or multipart/mixed with attachments.
        raise XapiError(400, "statements must be sent as application/json or multipart/mixed")
    body = read_json(request)
    _reject_unsent_attachments(body if isinstance(body, list) else [body])
    return body, []


def _reject_unsent_attachments(items: list[Any]) -> None:
    """Attachments without ``fileUrl`` must come in a multipart request (Communication §1.5.2)."""
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("attachments"), list):
            for attachment in item["attachments"]:
                if isinstance(attachment, dict) and "fileUrl" not in attachment:
                    raise XapiError(400, "an attachment without fileUrl needs a multipart/mixed request")


@lrs_view(("GET", "POST", "PUT"))
def statements(request: HttpRequest, lrs: LrsRequest) -> HttpResponse:
    """``/xapi/statements``: POST one or many (200, the ids), PUT one with ``statementId`` (204), GET."""
    if request.method in ("GET", "HEAD"):
        require(lrs, Permission.STATEMENTS_READ, Permission.STATEMENTS_READ_MINE)
        return query.get_statements(request, lrs)
    require(lrs, Permission.STATEMENTS_WRITE)
    body, parts = _statements_body(request)
    if request.method == "PUT":
        params = set(request.GET)
        if params != {"statementId"}:
            raise XapiError(400, "PUT needs the statementId parameter (and nothing else)")
        if not isinstance(body, dict):
            raise XapiError(400, "PUT takes one statement (a JSON object)")
        from tsunagu.learning.xapi.validate import check_uuid

        statement_id = check_uuid(request.GET["statementId"], "statementId")
        store_statements(
            raw=[body], client=lrs.client, version=lrs.version, statement_id=statement_id, parts=parts
        )
        return HttpResponse(status=204)
    if request.GET:
        raise XapiError(400, "POST takes no parameters")
    items = body if isinstance(body, list) else [body]
    if not items:
        raise XapiError(400, "the batch is empty")
    result = store_statements(raw=items, client=lrs.client, version=lrs.version, parts=parts)
    return json_response(None, text=json.dumps(result.ids))


@lrs_view(("GET", "PUT", "POST", "DELETE"))
def state(request: HttpRequest, lrs: LrsRequest) -> HttpResponse:
    """``/xapi/activities/state``."""
    require(lrs, Permission.STATE)
    return documents.document_view(request, lrs, DocumentKind.STATE)


@lrs_view(("GET", "PUT", "POST", "DELETE"))
def activity_profile(request: HttpRequest, lrs: LrsRequest) -> HttpResponse:
    """``/xapi/activities/profile``."""
    require(lrs, Permission.PROFILE)
    return documents.document_view(request, lrs, DocumentKind.ACTIVITY_PROFILE)


@lrs_view(("GET", "PUT", "POST", "DELETE"))
def agent_profile(request: HttpRequest, lrs: LrsRequest) -> HttpResponse:
    """``/xapi/agents/profile``."""
    require(lrs, Permission.PROFILE)
    return documents.document_view(request, lrs, DocumentKind.AGENT_PROFILE)


@lrs_view(("GET",))
def activities(request: HttpRequest, lrs: LrsRequest) -> HttpResponse:
    """``/xapi/activities``: one Activity's canonical definition."""
    require(lrs, Permission.PROFILE, Permission.STATEMENTS_READ, Permission.STATEMENTS_READ_MINE)
    return documents.activity_view(request, lrs)


@lrs_view(("GET",))
def agents(request: HttpRequest, lrs: LrsRequest) -> HttpResponse:
    """``/xapi/agents``: the Person object of an agent."""
    require(lrs, Permission.PROFILE, Permission.STATEMENTS_READ, Permission.STATEMENTS_READ_MINE)
    return documents.person_view(request, lrs)
