"""Statements with attachments in ``multipart/mixed`` requests and answers, and signed statements
(1.0.3 Data §2.4.11 and §2.6, Communication §1.5.2; 9274.1.1 §4.1.2.3 and §4.2.7).

A multipart request's first part is the statement JSON; every other part is one attachment's raw
content with ``X-Experience-API-Hash`` (its SHA-2 hex digest) and ``Content-Transfer-Encoding:
binary``. Every attachment a statement declares without ``fileUrl`` must come in a part with its hash;
every part must be declared by a statement and its content must hash to its header. A signature
attachment (usage type ``…/signature``, ``application/octet-stream``) holds a JWS of the statement: it
must be a compact JWS with RS256, RS384 or RS512, its payload the same statement, and when the JWS
header carries a certificate chain (``x5c``) the signature must verify with the first certificate.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from tsunagu.learning.xapi.errors import XapiError

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
JWS_ALGORITHMS = {"RS256": "sha256", "RS384": "sha384", "RS512": "sha512"}
HASHES = {56: hashlib.sha224, 64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}


@dataclass
class Part:
    """One attachment part: its declared hash, content type and raw bytes."""

    sha2: str
    content_type: str
    content: bytes


def parse_multipart(content_type: str, body: bytes) -> tuple[Any, list[Part]]:
    """The statement JSON and the attachment parts of a ``multipart/mixed`` body (400 when malformed)."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise XapiError(400, "the multipart body has no parts (is the boundary right?)")
    parts = list(message.iter_parts())
    if not parts:
        raise XapiError(400, "the multipart body has no parts")
    first = parts[0]
    if first.get_content_type() != "application/json":
        raise XapiError(400, "the first part of a multipart request must be application/json")
    try:
        statements = json.loads(_payload(first))
    except ValueError as exc:
        raise XapiError(400, "the first part is not valid JSON") from exc
    out = []
    for part in parts[1:]:
        sha2 = (part.get("X-Experience-API-Hash") or "").strip().lower()
        if not sha2:
            raise XapiError(400, "every attachment part needs an X-Experience-API-Hash header")
        encoding = (part.get("Content-Transfer-Encoding") or "").strip().lower()
        if encoding != "binary":
            raise XapiError(400, "attachment parts need Content-Transfer-Encoding: binary")
        content = _payload(part)
        hasher = HASHES.get(len(sha2))
        if hasher is None or hasher(content).hexdigest() != sha2:
            raise XapiError(400, "an attachment part does not hash to its X-Experience-API-Hash")
        out.append(Part(sha2=sha2, content_type=part.get_content_type(), content=content))
    return statements, out


def _payload(part: Any) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def declared(statements: list[Any]) -> list[dict[str, Any]]:
    """Every attachment the statements (and their sub-statements) declare."""
    found: list[dict[str, Any]] = []
    for statement in statements:
        if not isinstance(statement, dict):
            continue
        for holder in (statement, statement.get("object")):
            if isinstance(holder, dict) and isinstance(holder.get("attachments"), list):
                found += [a for a in holder["attachments"] if isinstance(a, dict)]
    return found


def check_parts(statements: list[Any], parts: list[Part]) -> None:
    """Each declared attachment without fileUrl has its part; each part is declared (else 400)."""
    declared_hashes = {str(a.get("sha2", "")).lower() for a in declared(statements)}
    needed = {str(a.get("sha2", "")).lower() for a in declared(statements) if "fileUrl" not in a}
    sent = {p.sha2 for p in parts}
    if needed - sent:
        raise XapiError(400, "an attachment without fileUrl has no part in the request")
    if sent - declared_hashes:
        raise XapiError(400, "an attachment part is not declared by any statement")


def _b64url(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise XapiError(400, "the signature is not a JWS (bad base64url)") from exc


def check_signatures(statements: list[Any], parts: list[Part]) -> None:
    """Validate the JWS of every signed statement (module docstring); 400 on any fault."""
    from tsunagu.learning.xapi.store import statements_match

    by_hash = {p.sha2: p for p in parts}
    for statement in statements:
        if not isinstance(statement, dict):
            continue
        for attachment in statement.get("attachments") or []:
            if not isinstance(attachment, dict) or attachment.get("usageType") != SIGNATURE_USAGE:
                continue
            if attachment.get("contentType") != "application/octet-stream":
                raise XapiError(400, "a signature attachment must be application/octet-stream")
            part = by_hash.get(str(attachment.get("sha2", "")).lower())
            if part is None:
                raise XapiError(400, "the signature attachment has no part")
            _verify_jws(part.content, statement, statements_match)


def _verify_jws(raw: bytes, statement: dict[str, Any], statements_match: Any) -> None:
    pieces = raw.decode("ascii", errors="replace").strip().split(".")
    if len(pieces) != 3:
        raise XapiError(400, "the signature is not a compact JWS")
    try:
        header = json.loads(_b64url(pieces[0]))
        payload = json.loads(_b64url(pieces[1]))
    except ValueError as exc:
        raise XapiError(400, "the signature's header or payload is not JSON") from exc
    if not isinstance(header, dict) or header.get("alg") not in JWS_ALGORITHMS:
        raise XapiError(400, "the signature's algorithm must be RS256, RS384 or RS512")
    unsigned = {k: v for k, v in statement.items() if k != "attachments"}
    signed = {k: v for k, v in payload.items() if k != "attachments"} if isinstance(payload, dict) else None
    if signed is None or not statements_match(unsigned, signed) or not statements_match(signed, unsigned):
        raise XapiError(400, "the signed payload differs from the statement")
    chain = header.get("x5c")
    if chain:
        _verify_with_certificate(
            chain, header["alg"], f"{pieces[0]}.{pieces[1]}".encode(), _b64url(pieces[2])
        )


def _verify_with_certificate(chain: Any, alg: str, signing_input: bytes, signature: bytes) -> None:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
    except (ValueError, TypeError, IndexError, binascii.Error) as exc:
        raise XapiError(400, "the signature's x5c certificate cannot be read") from exc
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise XapiError(400, "the signature's certificate is not an RSA key")
    algorithm = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}[
        JWS_ALGORITHMS[alg]
    ]
    try:
        key.verify(signature, signing_input, padding.PKCS1v15(), algorithm)
    except InvalidSignature as exc:
        raise XapiError(400, "the signature does not verify with its certificate") from exc


def multipart_response(json_text: str, attachments: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A ``multipart/mixed`` answer: the statements' JSON, then each (sha2, content type, content)."""
    boundary = "tsunagu-" + hashlib.sha256(json_text.encode()).hexdigest()[:24]
    chunks = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json_text.encode(),
        b"\r\n",
    ]
    for sha2, content_type, content in attachments:
        chunks += [
            f"--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode(),
            content,
            b"\r\n",
        ]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f'multipart/mixed; boundary="{boundary}"'
