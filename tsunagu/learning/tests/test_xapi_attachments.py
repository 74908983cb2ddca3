"""Attachments in multipart requests, signed statements and the alternate request syntax (1.0.3 Data
§2.4.11 and §2.6, Communication §1.3 and §1.5.2; 9274.1.1 §4.1.2.3, §4.2.7)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from typing import Any
from urllib.parse import urlencode

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from tsunagu.learning.models import Statement
from tsunagu.learning.tests.conftest import Lrs, new_id, statement

pytestmark = pytest.mark.django_db

TEXT = "がんばりました".encode()
SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


def attachment(
    content: bytes, usage: str = "https://example.jp/attachments/note", ctype: str = "text/plain"
) -> dict[str, Any]:
    return {
        "usageType": usage,
        "display": {"ja": "添付"},
        "contentType": ctype,
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
    }


def multipart(
    body: Any, parts: list[tuple[str, bytes]], *, encoding: str = "binary", hash_override: str | None = None
) -> tuple[bytes, str]:
    boundary = "xyzzy-boundary"
    chunks = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
        json.dumps(body).encode(),
        b"\r\n",
    ]
    for ctype, content in parts:
        sha2 = hash_override or hashlib.sha256(content).hexdigest()
        chunks += [
            f"--{boundary}\r\nContent-Type: {ctype}\r\nContent-Transfer-Encoding: {encoding}\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode(),
            content,
            b"\r\n",
        ]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/mixed; boundary={boundary}"


def post_multipart(lrs: Lrs, data: bytes, content_type: str) -> Any:
    return lrs.http.post("/xapi/statements", data, content_type=content_type, **lrs.headers())


def test_multipart_statement_with_attachment_is_stored_and_returned(lrs: Lrs) -> None:
    data, ctype = multipart(statement(attachments=[attachment(TEXT)]), [("text/plain", TEXT)])
    response = post_multipart(lrs, data, ctype)
    assert response.status_code == 200, response.content
    statement_id = response.json()[0]
    got = lrs.get("/xapi/statements", {"statementId": statement_id, "attachments": "true"})
    assert got["Content-Type"].startswith("multipart/mixed")
    assert TEXT in got.content and hashlib.sha256(TEXT).hexdigest().encode() in got.content


def test_attachment_part_with_wrong_hash_is_400(lrs: Lrs) -> None:
    data, ctype = multipart(
        statement(attachments=[attachment(TEXT)]), [("text/plain", TEXT)], hash_override="0" * 64
    )
    assert post_multipart(lrs, data, ctype).status_code == 400
    assert Statement.objects.filter(client=lrs.app).count() == 0


def test_attachment_part_needs_binary_transfer_encoding(lrs: Lrs) -> None:
    data, ctype = multipart(
        statement(attachments=[attachment(TEXT)]), [("text/plain", TEXT)], encoding="base64"
    )
    assert post_multipart(lrs, data, ctype).status_code == 400


def test_declared_attachment_without_part_is_400(lrs: Lrs) -> None:
    data, ctype = multipart(statement(attachments=[attachment(TEXT)]), [])
    assert post_multipart(lrs, data, ctype).status_code == 400


def test_undeclared_part_is_400(lrs: Lrs) -> None:
    data, ctype = multipart(statement(), [("text/plain", TEXT)])
    assert post_multipart(lrs, data, ctype).status_code == 400


def test_first_part_must_be_json(lrs: Lrs) -> None:
    data, ctype = multipart(statement(), [])
    data = data.replace(b"application/json", b"text/plain", 1)
    assert post_multipart(lrs, data, ctype).status_code == 400


# --- signed statements ------------------------------------------------------------------------------


def _key_and_cert() -> tuple[rsa.RSAPrivateKey, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "drill.example.jp")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return key, base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed(body: dict[str, Any], *, alg: str = "RS256", tamper: bool = False) -> tuple[bytes, str]:
    key, cert = _key_and_cert()
    header = _b64(json.dumps({"alg": alg, "x5c": [cert]}).encode())
    payload = _b64(json.dumps(body).encode())
    signature = key.sign(f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
    if tamper:
        signature = bytes([signature[0] ^ 1]) + signature[1:]
    jws = f"{header}.{payload}.{_b64(signature)}".encode()
    with_sig = dict(body, attachments=[attachment(jws, SIGNATURE, "application/octet-stream")])
    return multipart(with_sig, [("application/octet-stream", jws)])


def test_signed_statement_with_valid_jws_is_accepted(lrs: Lrs) -> None:
    data, ctype = signed(statement(id=new_id()))
    assert post_multipart(lrs, data, ctype).status_code == 200


def test_signed_statement_whose_signature_does_not_verify_is_400(lrs: Lrs) -> None:
    data, ctype = signed(statement(id=new_id()), tamper=True)
    assert post_multipart(lrs, data, ctype).status_code == 400


def test_signed_statement_with_other_algorithm_is_400(lrs: Lrs) -> None:
    data, ctype = signed(statement(id=new_id()), alg="HS256")
    assert post_multipart(lrs, data, ctype).status_code == 400


def test_signed_payload_differing_from_statement_is_400(lrs: Lrs) -> None:
    body = statement(id=new_id())
    data, ctype = signed(body)
    changed = data.replace(b"answered", b"attempted", 1)
    assert post_multipart(lrs, changed, ctype).status_code == 400


# --- alternate request syntax (1.0.3 only) ----------------------------------------------------------


def alternate(lrs: Lrs, method: str, form: dict[str, str]) -> Any:
    headers = lrs.headers()
    fields = {
        "Authorization": headers["HTTP_AUTHORIZATION"],
        "X-Experience-API-Version": lrs.version,
        **form,
    }
    return lrs.http.generic(
        "POST",
        f"/xapi/statements?method={method}",
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
    )


def test_alternate_syntax_put_stores_a_statement(lrs: Lrs) -> None:
    statement_id = new_id()
    response = alternate(
        lrs,
        "PUT",
        {"statementId": statement_id, "content": json.dumps(statement()), "Content-Type": "application/json"},
    )
    assert response.status_code == 204, response.content
    assert Statement.objects.filter(statement_id=statement_id).exists()


def test_alternate_syntax_get_reads(lrs: Lrs) -> None:
    statement_id = lrs.post(statement()).json()[0]
    response = alternate(lrs, "GET", {"statementId": statement_id})
    assert response.status_code == 200 and response.json()["id"] == statement_id


def test_alternate_syntax_with_other_url_parameters_is_400(lrs: Lrs) -> None:
    response = lrs.http.generic(
        "POST", "/xapi/statements?method=GET&limit=1", "", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


def test_alternate_syntax_is_not_part_of_2_0(lrs: Lrs) -> None:
    lrs.version = "2.0.0"
    assert alternate(lrs, "GET", {}).status_code == 400
