"""Client credentials of the LRS: HTTP Basic key and secret.

The secret is 32 random bytes (URL-safe base64), shown to the board once and stored only as
HMAC-SHA256 under a key derived from ``SECRET_KEY``. A slow password hash (PBKDF2, Argon2) protects
low-entropy passwords against guessing; a 256-bit random secret cannot be guessed, and an LRS checks
the secret on every request (dozens a second from one app), so a keyed fast hash is the right tool:
a leaked table alone does not let anyone test secrets without ``SECRET_KEY`` either.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from django.conf import settings

from tsunagu.learning.models import LearningClient

KEY_PREFIX = "tsg_"


def _hmac_key() -> bytes:
    return hashlib.sha256(b"tsunagu.learning.client-secret:" + settings.SECRET_KEY.encode()).digest()


def hash_secret(secret: str) -> str:
    """The keyed hash stored for ``secret`` (hex)."""
    return hmac.new(_hmac_key(), secret.encode(), hashlib.sha256).hexdigest()


def new_key() -> str:
    """A fresh public key (the Basic user name)."""
    return KEY_PREFIX + secrets.token_hex(12)


def new_secret() -> str:
    """A fresh secret of 256 random bits."""
    return secrets.token_urlsafe(32)


def parse_basic(header: str) -> tuple[str, str] | None:
    """(key, secret) from an ``Authorization: Basic …`` header, or None when absent or malformed."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    key, sep, secret = decoded.partition(":")
    if not sep:
        return None
    return key, secret


def authenticate(header: str) -> LearningClient | None:
    """The active client whose key and secret the header carries, else None (constant-time compare)."""
    parsed = parse_basic(header)
    if parsed is None:
        return None
    key, secret = parsed
    client = LearningClient.objects.filter(key=key).first()
    if client is None:
        hash_secret(secret)  # same work whether or not the key exists
        return None
    if not hmac.compare_digest(client.secret_hash, hash_secret(secret)):
        return None
    if not client.active:
        return None
    return client
