"""Views of the OneRoster REST provider: the OAuth 2.0 token endpoint and the rostering operations.

Plain Django views rather than django-ninja (decision 0016): the binding fixes its own envelopes,
``imsx`` error payloads, a filter grammar and a ``fields`` selection that changes the response's shape,
so a typed response schema would be bypassed on every call; the operations are a table (``rest.py``)
that also generates the URL alternatives and the OpenAPI document.

A person's session is no credential here: every operation needs a bearer token from ``oauth/token``
(learning-app credentials of the registry). Every call, answered or refused, is logged with its client
(``ApiCall``); refusals also go to the registry's log of rejected requests (monitoring page).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from tsunagu.learning.services import rejection_log
from tsunagu.roster_sync import oauth
from tsunagu.roster_sync.models import ApiCall
from tsunagu.roster_sync.openapi import openapi_document
from tsunagu.roster_sync.query import (
    QueryError,
    fields_parse,
    filter_parse,
    known_field,
    paging_parse,
    records_sort,
    select,
)
from tsunagu.roster_sync.rest import (
    NESTED,
    ROOTS,
    SCHOOL_LOCAL,
    Dataset,
    Record,
    Target,
    client_schools,
    this_year,
)

JSON_PARAMS = {"ensure_ascii": False}


def imsx_error(status: int, code_minor: str, description: str) -> JsonResponse:
    """The binding's status payload for a failure (``imsx_codeMajor`` … ``imsx_CodeMinor``)."""
    return JsonResponse(
        {
            "imsx_codeMajor": "failure",
            "imsx_severity": "error",
            "imsx_description": description,
            "imsx_CodeMinor": {
                "imsx_codeMinorField": [
                    {"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": code_minor}
                ]
            },
        },
        status=status,
        json_dumps_params=JSON_PARAMS,
    )


def _logged(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Log the call (client, path, status, records, time); refusals also to the registry's log."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        started = time.perf_counter()
        request.oneroster_client = None  # type: ignore[attr-defined]
        response = view(request, *args, **kwargs)
        client = request.oneroster_client  # type: ignore[attr-defined]
        ApiCall.objects.create(
            client=client,
            method=request.method or "",
            path=request.path[:300],
            status=response.status_code,
            count=getattr(response, "oneroster_count", 0),
            duration_ms=int((time.perf_counter() - started) * 1000),
        )
        if 400 <= response.status_code < 500:
            rejection_log(
                client=client,
                method=request.method or "",
                path=request.path,
                status=response.status_code,
                reason=getattr(response, "oneroster_reason", ""),
            )
        return response

    return wrapper


def _refuse(response: HttpResponse, reason: str) -> HttpResponse:
    response.oneroster_reason = reason  # type: ignore[attr-defined]
    return response


@csrf_exempt
@_logged
def token(request: HttpRequest) -> HttpResponse:
    """``POST /ims/oneroster/oauth/token``: OAuth 2.0 client credentials (RFC 6749 §4.4, §5)."""
    if request.method != "POST":
        response = _oauth_error(oauth.OAuthError("invalid_request", "Use POST.", 405))
        response["Allow"] = "POST"
        return response
    form = {k: request.POST.get(k, "") for k in request.POST}
    try:
        client = oauth.client_authenticate(authorization=request.headers.get("Authorization", ""), form=form)
        request.oneroster_client = client  # type: ignore[attr-defined]
        body = oauth.token_issue(
            client=client, grant_type=form.get("grant_type", ""), scope=request.POST.get("scope")
        )
    except oauth.OAuthError as error:
        return _oauth_error(error)
    response = JsonResponse(body)
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def _oauth_error(error: oauth.OAuthError) -> HttpResponse:
    response = JsonResponse(
        {"error": error.error, "error_description": error.description}, status=error.status
    )
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    if error.status == 401:
        response["WWW-Authenticate"] = 'Basic realm="oneroster"'
    return _refuse(response, f"{error.error}: {error.description}")


def openapi(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3 document of the provider (public: it holds no data)."""
    return JsonResponse(openapi_document(), json_dumps_params=JSON_PARAMS)


def _authorise(request: HttpRequest, target: Target) -> HttpResponse | oauth.Grant:
    if request.method != "GET":
        return _refuse(imsx_error(405, "unsupported", "Only GET is supported."), "method")
    token_text = oauth.bearer(request.headers.get("Authorization", ""))
    grant = oauth.token_verify(token_text) if token_text else None
    if grant is None:
        response = imsx_error(401, "unauthorisedrequest", "A valid bearer access token is required.")
        response["WWW-Authenticate"] = 'Bearer realm="oneroster"'
        return _refuse(response, "no valid access token")
    request.oneroster_client = grant.client  # type: ignore[attr-defined]
    if not (grant.scopes & target.scopes):
        needed = " or ".join(sorted(target.scopes))
        return _refuse(imsx_error(403, "forbidden", f"The token lacks the scope {needed}."), "scope")
    return grant


def _not_found(what: str) -> HttpResponse:
    return _refuse(imsx_error(404, "unknownobject", f"Not found: {what}"), "unknown object")


def _serve(request: HttpRequest, target: Target, sourced_id: str | None = None) -> HttpResponse:
    """Answer one operation: authorise, build the client's records, narrow, then one record or a page."""
    grant = _authorise(request, target)
    if isinstance(grant, HttpResponse):
        return grant
    collection = target.root.collection
    fields = collection.fields
    try:
        selected = (
            fields_parse(request.GET["fields"], lambda f: f in fields) if "fields" in request.GET else None
        )
        if sourced_id is None:
            limit, offset = paging_parse(request.GET)
            known = known_field(fields)
            where = filter_parse(request.GET["filter"], known) if request.GET.get("filter") else None
            sort = request.GET.get("sort", "")
            if sort and not known(sort):
                raise QueryError("invalid_sort_field", f"Unknown sort field: {sort}")
            order = request.GET.get("orderBy", "asc")
            if order not in ("asc", "desc"):
                raise QueryError("invaliddata", "orderBy must be asc or desc.")
    except QueryError as error:
        return _refuse(imsx_error(400, error.code_minor, error.description), error.code_minor)
    year = this_year()
    if year is None:
        return _not_found("no school year includes today")
    schools = client_schools(grant.client)
    if target.parents and target.parents[0][0].name == "schools" and target.root.name in SCHOOL_LOCAL:
        schools = [s for s in schools if str(s.uuid) == target.parents[0][1]]
        if not schools:
            return _not_found(request.path)
    data = Dataset(
        schools=schools,
        year=year,
        files=target.files,
        base_url=f"{request.scheme}://{request.get_host()}",
    )
    records = _narrowed(data, target)
    if records is None:
        return _not_found(request.path)
    if sourced_id is not None:
        found = next((r for r in records if r["sourcedId"] == sourced_id), None)
        if found is None:
            return _not_found(f"{target.root.name}/{sourced_id}")
        response = JsonResponse(
            {collection.one: select(found, selected) if selected else found}, json_dumps_params=JSON_PARAMS
        )
        response.oneroster_count = 1  # type: ignore[attr-defined]
        return response
    if where is not None:
        records = [r for r in records if where.matches(r)]
    if sort:
        records = records_sort(records, sort, order == "desc")
    total = len(records)
    page = records[offset : offset + limit]
    response = JsonResponse(
        {collection.many: [select(r, selected) for r in page] if selected else page},
        json_dumps_params=JSON_PARAMS,
    )
    response["X-Total-Count"] = str(total)
    response["Link"] = _links(request, offset, limit, total)
    response.oneroster_count = len(page)  # type: ignore[attr-defined]
    return response


def _narrowed(data: Dataset, target: Target) -> list[Record] | None:
    """The target's records, narrowed to the innermost parent's (None when a parent is not visible or
    the guard refuses, e.g. a class that is not the school's)."""
    for parent, pid in target.parents:
        parents = data.records(parent.collection.file)
        if not any(r["sourcedId"] == pid and (parent.where is None or parent.where(r)) for r in parents):
            return None
    if target.guard is not None and not target.guard(data):
        return None
    root = target.root
    records = [r for r in data.records(root.collection.file) if root.where is None or root.where(r)]
    if target.related is not None:
        keep = target.related(data, target.parents[-1][1])
        records = [r for r in records if r["sourcedId"] in keep]
    return records


def _links(request: HttpRequest, offset: int, limit: int, total: int) -> str:
    """The ``Link`` header (RFC 8288): first, last, and prev/next where they exist."""

    def url(start: int) -> str:
        query = request.GET.copy()
        query["offset"], query["limit"] = str(start), str(limit)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    last = ((total - 1) // limit) * limit if total else 0
    links = [f'<{url(0)}>; rel="first"']
    if offset > 0:
        links.append(f'<{url(max(0, offset - limit))}>; rel="prev"')
    if offset + limit < total:
        links.append(f'<{url(offset + limit)}>; rel="next"')
    links.append(f'<{url(last)}>; rel="last"')
    return ", ".join(links)


@_logged
def collection(request: HttpRequest, resource: str) -> HttpResponse:
    """getAll<Resource>: ``/orgs``, ``/schools``, ``/users``, ``/students`` …"""
    return _serve(request, Target(ROOTS[resource]))


@_logged
def item(request: HttpRequest, resource: str, sourced_id: str) -> HttpResponse:
    """get<Resource>: one record by sourcedId."""
    return _serve(request, Target(ROOTS[resource]), sourced_id)


@_logged
def nested(request: HttpRequest, resource: str, sourced_id: str, sub: str) -> HttpResponse:
    """get<Sub>For<Resource>: ``/schools/{id}/classes``, ``/classes/{id}/students`` …"""
    operation = NESTED.get((resource, sub))
    if operation is None:
        return _not_found(request.path)
    target = Target(
        ROOTS[operation.target],
        parents=[(ROOTS[resource], sourced_id)],
        related=operation.related,
        needs=operation.needs,
    )
    return _serve(request, target)


@_logged
def school_class(request: HttpRequest, school_id: str, class_id: str, sub: str) -> HttpResponse:
    """``/schools/{id}/classes/{id}/{enrollments|students|teachers}``: the class must be the school's."""
    in_class = NESTED[("classes", sub)]
    target = Target(
        ROOTS[sub],
        parents=[(ROOTS["schools"], school_id), (ROOTS["classes"], class_id)],
        related=in_class.related,
        needs=in_class.needs | {"classes"},
        guard=lambda data: class_id in NESTED[("schools", "classes")].related(data, school_id),
    )
    return _serve(request, target)
