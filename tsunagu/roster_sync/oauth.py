"""OAuth 2.0 client credentials (RFC 6749 §4.4) for the OneRoster REST provider.

Clients are the learning registry's :class:`LearningClient` rows: ``client_id`` is the client's key and
``client_secret`` its secret, checked with the registry's own keyed hash (``credentials.hash_secret``).
Tokens are stateless: ``django.core.signing`` signs the client's public id, the moment its credentials
were issued (``rotated_at``) and the granted scopes, under a salt of their own, valid one hour. Every
call re-reads the client, so a revoked client (``active`` false) or rotated credentials (a newer
``rotated_at``) stop its tokens at once, with no token table and no migration in the registry.

What a client may obtain: the OneRoster scopes the board granted it in the registry (the three scopes are
``learning.Permission`` values, ticked one by one on the app's page). An app granted none of them (one
registered before the registry offered them) keeps the default of its kind, so it is not cut off: a
学習eポータル the full rostering read scope, a learning app the core one. Demographics (birth date, sex)
only when granted explicitly.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from urllib.parse import unquote_plus

from django.core import signing

from tsunagu.learning import credentials
from tsunagu.learning.models import ClientKind, LearningClient, Permission

SCOPE_PREFIX = "https://purl.imsglobal.org/spec/or/v1p2/scope/"
#: The scopes are the registry's permissions, so the board grants them app by app.
ROSTER_CORE = Permission.ONEROSTER_CORE.value
ROSTER = Permission.ONEROSTER.value
DEMOGRAPHICS = Permission.ONEROSTER_DEMOGRAPHICS.value
SCOPES: tuple[str, ...] = (ROSTER_CORE, ROSTER, DEMOGRAPHICS)

#: Short codes of the scopes inside a token (keeps tokens short).
_CODES = {ROSTER_CORE: "c", ROSTER: "r", DEMOGRAPHICS: "d"}
_SCOPES_BY_CODE = {code: scope for scope, code in _CODES.items()}

SALT = "tsunagu.roster_sync.oauth.access-token"
LIFETIME = dt.timedelta(hours=1)


class OAuthError(Exception):
    """A refused token request: ``error`` is RFC 6749 §5.2's code, ``status`` the HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


@dataclass(frozen=True)
class Grant:
    """A verified access token: the client (re-read on this call) and the scopes it carries."""

    client: LearningClient
    scopes: frozenset[str]


def allowed_scopes(client: LearningClient) -> frozenset[str]:
    """The OneRoster scopes ``client`` may be given (see the module docstring)."""
    listed = frozenset(p for p in client.permissions if p in SCOPES)
    if listed:
        return listed
    if client.kind == ClientKind.PORTAL:
        return frozenset({ROSTER_CORE, ROSTER})
    return frozenset({ROSTER_CORE})


def client_authenticate(*, authorization: str, form: dict[str, str]) -> LearningClient:
    """The client a token request authenticates as: HTTP Basic (RFC 6749 §2.3.1, the id and secret
    form-encoded inside) or ``client_id``/``client_secret`` form fields, not both. Unknown, wrong or
    revoked → ``invalid_client`` (401); the work is the same whether or not the key exists."""
    basic = credentials.parse_basic(authorization) if authorization else None
    in_form = "client_id" in form or "client_secret" in form
    if basic is not None and in_form:
        raise OAuthError("invalid_request", "Use one client authentication method, not two.")
    if authorization and basic is None:
        raise OAuthError("invalid_client", "Malformed Authorization header.", 401)
    if basic is not None:
        key, secret = unquote_plus(basic[0]), unquote_plus(basic[1])
    elif in_form:
        key, secret = form.get("client_id", ""), form.get("client_secret", "")
    else:
        raise OAuthError("invalid_client", "Client authentication is required.", 401)
    client = LearningClient.objects.filter(key=key).first()
    given = credentials.hash_secret(secret)
    if client is None or not hmac.compare_digest(client.secret_hash, given) or not client.active:
        raise OAuthError("invalid_client", "Unknown client or wrong secret.", 401)
    return client


def token_issue(*, client: LearningClient, grant_type: str, scope: str | None) -> dict[str, object]:
    """The token response (RFC 6749 §5.1) for an authenticated client. No ``scope`` asks for every
    scope the client may have; a scope it may not have (or an unknown one) is ``invalid_scope``."""
    if not grant_type:
        raise OAuthError("invalid_request", "grant_type is required.")
    if grant_type != "client_credentials":
        raise OAuthError("unsupported_grant_type", "Only the client_credentials grant is supported.")
    allowed = allowed_scopes(client)
    wanted = frozenset(scope.split()) if scope is not None and scope.strip() else allowed
    refused = wanted - allowed
    if refused:
        raise OAuthError("invalid_scope", "Scope not allowed for this client: " + " ".join(sorted(refused)))
    payload = {
        "c": str(client.uuid),
        "r": client.rotated_at.isoformat() if client.rotated_at else "",
        "s": "".join(sorted(_CODES[s] for s in wanted)),
    }
    token = signing.dumps(payload, salt=SALT, compress=False)
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": int(LIFETIME.total_seconds()),
        "scope": " ".join(s for s in SCOPES if s in wanted),
    }


def token_verify(token: str) -> Grant | None:
    """The grant of a bearer token, or None when it is forged, expired (one hour), or its client has
    been revoked or has had its credentials rotated since the token was issued."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=LIFETIME)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    client = LearningClient.objects.filter(uuid=payload.get("c")).first()
    if client is None or not client.active:
        return None
    issued = client.rotated_at.isoformat() if client.rotated_at else ""
    if payload.get("r") != issued:
        return None
    scopes = frozenset(_SCOPES_BY_CODE[c] for c in str(payload.get("s", "")) if c in _SCOPES_BY_CODE)
    return Grant(client=client, scopes=scopes)


def bearer(authorization: str) -> str | None:
    """The token of an ``Authorization: Bearer …`` header (RFC 6750 §2.1), else None."""
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
