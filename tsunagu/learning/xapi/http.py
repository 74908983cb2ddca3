"""What every LRS endpoint does around its handler (Communication §1–§3 of xAPI 1.0.3, 9274.1.1 §4.1):
client authentication with HTTP Basic or an OAuth 2.0 bearer token (never a session), the
``X-Experience-API-Version`` header (required on every request but to ``/about``, echoed on every
response), the permission check, and turning a refused request into its status and a JSON reason,
logged for the board's monitoring page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt

from tsunagu.core import jsontext
from tsunagu.learning import credentials
from tsunagu.learning.models import LearningClient
from tsunagu.learning.xapi.errors import XapiError

VERSION_HEADER = "X-Experience-API-Version"
#: The versions this LRS speaks, newest first (the About resource lists them).
VERSIONS = ["2.0.0", "1.0.3"]
_V1 = re.compile(r"^1\.0(\.\d+)?$")
_V2 = re.compile(r"^2\.0(\.\d+)?$")
#: Largest request body accepted (413 above it).
MAX_BODY = 20 * 1024 * 1024


@dataclass
class LrsRequest:
    """The authenticated client and the version the request speaks (``1.0.3`` or ``2.0.0``)."""

    client: LearningClient
    version: str


def negotiate_version(header: str | None) -> str:
    """The version to answer in: 1.0.x → ``1.0.3``, 2.0.x → ``2.0.0``; else 400 (Communication §3.3)."""
    if not header:
        raise XapiError(400, f"the {VERSION_HEADER} header is required")
    value = header.strip()
    if _V1.match(value):
        return "1.0.3"
    if _V2.match(value):
        return "2.0.0"
    raise XapiError(
        400, f"{VERSION_HEADER} {value!r} is not a version this LRS accepts ({', '.join(VERSIONS)})"
    )


def json_response(data: Any, status: int = 200, *, text: str | None = None) -> HttpResponse:
    """A JSON response (``text`` when the JSON is already serialised)."""
    body = text if text is not None else jsontext.dumps(data)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


def error_response(error: XapiError) -> HttpResponse:
    response = json_response({"error": {"code": error.status, "message": error.message}}, status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Basic realm="xAPI", Bearer realm="xAPI"'
    return response


def _bearer_verifier() -> Callable[[str], Any] | None:
    """The OAuth 2.0 token verification of the roster_sync app (client credentials, stateless signed
    tokens), or None where that app is not installed."""
    try:
        from tsunagu.roster_sync.oauth import token_verify
    except ImportError:
        return None
    return token_verify


def authenticate_client(authorization: str) -> LearningClient | None:
    """The client an ``Authorization`` header authenticates: HTTP Basic key and secret, or an OAuth 2.0
    bearer token from the client-credentials endpoint (``/ims/oneroster/.../token``, decision 0019).

    A token authenticates the client only: what it may do through the LRS is still its registry
    permissions (the token's scopes are OneRoster's). A revoked client or rotated credentials stop
    its tokens at once (the verification re-reads the client)."""
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return credentials.authenticate(authorization)
    verify = _bearer_verifier()
    token = value.strip()
    if verify is None or not token:
        return None
    grant = verify(token)
    client: LearningClient | None = getattr(grant, "client", None)
    return client if client is not None and client.active else None


Handler = Callable[..., HttpResponse]

#: Form fields of the alternate request syntax that carry headers (Communication §1.3 of 1.0.3).
ALTERNATE_HEADERS = {
    "authorization": "HTTP_AUTHORIZATION",
    "x-experience-api-version": "HTTP_X_EXPERIENCE_API_VERSION",
    "content-type": "CONTENT_TYPE",
    "content-length": "CONTENT_LENGTH",
    "if-match": "HTTP_IF_MATCH",
    "if-none-match": "HTTP_IF_NONE_MATCH",
}


def unwrap_alternate_syntax(request: HttpRequest) -> None:
    """Turn an alternate-syntax request (``POST ?method=X`` with a form carrying the headers, the
    ``content`` and the parameters) into the request it stands for (xAPI 1.0.3 only; 2.0 dropped it)."""
    if set(request.GET) != {"method"}:
        raise XapiError(400, "the alternate request syntax takes only the method parameter in the URL")
    method = request.GET["method"].upper()
    if method not in ("GET", "PUT", "POST", "DELETE"):
        raise XapiError(400, f"method={method} is not an HTTP method of the LRS")
    if not request.META.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        raise XapiError(415, "the alternate request syntax needs an application/x-www-form-urlencoded body")
    form = QueryDict(request.body, encoding="utf-8")
    params = QueryDict(mutable=True)
    content = b""
    for name in form:
        value = form[name]
        lowered = name.lower()
        if lowered in ALTERNATE_HEADERS:
            request.META[ALTERNATE_HEADERS[lowered]] = value
        elif name == "content":
            content = value.encode("utf-8")
        else:
            params.setlist(name, form.getlist(name))
    if content and "content-type" not in {name.lower() for name in form}:
        # The form names no Content-Type for its content: the content of a statement or a
        # document sent this way is JSON (the LRS's own type), not the form's encoding.
        request.META["CONTENT_TYPE"] = "application/json"
    request.method = method
    request.GET = params  # type: ignore[assignment]
    request._body = content
    request.META["CONTENT_LENGTH"] = str(len(content))
    request.META["QUERY_STRING"] = params.urlencode()
    request.content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip()


def lrs_view(
    methods: tuple[str, ...], *, authenticate: bool = True, version_required: bool = True
) -> Callable[[Handler], Handler]:
    """Wrap an LRS handler ``handler(request, lrs)``: CSRF exempt (machines, Basic auth), method check,
    authentication, version negotiation, errors to JSON, version header on every answer."""

    def decorator(handler: Handler) -> Handler:
        @csrf_exempt
        @wraps(handler)
        def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            client: LearningClient | None = None
            version = "2.0.0"
            try:
                if request.method == "POST" and "method" in request.GET:
                    unwrap_alternate_syntax(request)
                    if request.headers.get(VERSION_HEADER, "").startswith("2."):
                        raise XapiError(400, "xAPI 2.0 has no alternate request syntax")
                if authenticate:
                    client = authenticate_client(request.META.get("HTTP_AUTHORIZATION", ""))
                    if client is None:
                        raise XapiError(
                            401,
                            "HTTP Basic credentials or an OAuth 2.0 bearer token of a registered, "
                            "active learning app are required",
                        )
                header = request.headers.get(VERSION_HEADER)
                if version_required or header:
                    version = negotiate_version(header)
                method = "GET" if request.method == "HEAD" else request.method
                if method not in methods:
                    raise XapiError(405, f"{request.method} is not allowed here")
                if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY:
                    raise XapiError(413, "the request body is too large")
                response = handler(request, LrsRequest(client=client, version=version), *args, **kwargs)  # type: ignore[arg-type]
            except XapiError as error:
                response = error_response(error)
                if error.status != 404:
                    from tsunagu.learning.services import rejection_log

                    rejection_log(
                        client=client,
                        method=request.method or "",
                        path=request.path,
                        status=error.status,
                        reason=error.message,
                    )
            if request.method == "HEAD":
                response.content = b""
            response[VERSION_HEADER] = version
            return response

        view.tsunagu_lrs = True  # type: ignore[attr-defined]
        return view

    return decorator


def require(lrs: LrsRequest, *permissions: str) -> None:
    """403 unless the client holds one of ``permissions``."""
    if not any(lrs.client.may(p) for p in permissions):
        raise XapiError(403, f"this learning app may not do this (needs {' or '.join(permissions)})")


def read_json(request: HttpRequest) -> Any:
    """The request body as JSON, else 400."""
    try:
        return jsontext.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise XapiError(400, f"the body is not valid JSON: {exc}") from exc
