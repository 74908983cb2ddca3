"""Application-level encryption of class-I free text (SECURITY.md §1).

APPI exempts a leak of strongly encrypted 要配慮個人情報 from the duty to report it, and a database
dump or backup should not carry a nurse's notes in plain form. Free-text fields of class I are
therefore stored as AES-256-GCM tokens ``enc1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>``; the
keys live outside the database, in ``TSUNAGU_FIELD_KEYS`` (``id:base64url-key`` entries, comma
separated, the first one encrypts, every one decrypts — rotation adds a new first key, then
``manage.py field_keys rotate`` re-encrypts the rows and the old key can go).

Without ``TSUNAGU_FIELD_KEYS`` (development, tests, the demo) the key is derived from
``SECRET_KEY``, so a fresh checkout works; production refuses to start without real keys
(settings). The empty string stays empty, so "has a note" queries (``exclude(note="")``) still work;
nothing else about the text can be queried in SQL, by design.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1"
NONCE_BYTES = 12
#: The id of the key derived from SECRET_KEY when no keys are configured.
DERIVED_KEY_ID = "dev"


class DecryptionError(ValueError):
    """A stored token that no configured key opens (wrong or missing key, or a damaged value)."""


@dataclass(frozen=True)
class Keyring:
    """The configured keys: ``current`` encrypts, every key in ``keys`` decrypts."""

    current: str
    keys: dict[str, AESGCM]


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse_keys(entries: list[str]) -> Keyring:
    """``["id:base64url-32-bytes", …]`` → a keyring; ImproperlyConfigured for a malformed entry."""
    keys: dict[str, AESGCM] = {}
    order: list[str] = []
    for entry in entries:
        key_id, _, encoded = entry.strip().partition(":")
        if not key_id.isalnum() or not encoded:
            raise ImproperlyConfigured(
                "TSUNAGU_FIELD_KEYS entries are 'id:base64url-key' (id letters/digits)"
            )
        try:
            raw = _b64decode(encoded)
        except (binascii.Error, ValueError) as error:
            raise ImproperlyConfigured(f"TSUNAGU_FIELD_KEYS key {key_id!r} is not base64url") from error
        if len(raw) != 32:
            raise ImproperlyConfigured(f"TSUNAGU_FIELD_KEYS key {key_id!r} must be 32 bytes (AES-256)")
        if key_id in keys:
            raise ImproperlyConfigured(f"TSUNAGU_FIELD_KEYS names key {key_id!r} twice")
        keys[key_id] = AESGCM(raw)
        order.append(key_id)
    if not order:
        raise ImproperlyConfigured("TSUNAGU_FIELD_KEYS is empty")
    return Keyring(current=order[0], keys=keys)


def derived_entry() -> str:
    """The development key derived from SECRET_KEY, as a ``TSUNAGU_FIELD_KEYS`` entry: list it after a
    new key to move a development database's values to that key (``field_keys rotate``)."""
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"tsunagu field encryption (development)"
    ).derive(settings.SECRET_KEY.encode())
    return f"{DERIVED_KEY_ID}:{base64.urlsafe_b64encode(derived).decode().rstrip('=')}"


@cache
def keyring() -> Keyring:
    """The process's keyring: the configured keys, else the one derived from SECRET_KEY (development)."""
    entries = [e for e in getattr(settings, "TSUNAGU_FIELD_KEYS", []) if e.strip()]
    return parse_keys(entries or [derived_entry()])


def generate_key() -> str:
    """A new random key, base64url without padding (for ``TSUNAGU_FIELD_KEYS``)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def new_entry(key_id: str) -> str:
    """A new ``TSUNAGU_FIELD_KEYS`` entry ``id:key``; ValueError unless the id is letters and digits."""
    if not key_id.isalnum():
        raise ValueError(f"key id {key_id!r} must be letters and digits")
    return f"{key_id}:{generate_key()}"


def _split(value: str) -> tuple[str, bytes] | None:
    """(key id, nonce ‖ ciphertext) of a token of ours, or None for anything else."""
    prefix, _, rest = value.partition(":")
    key_id, _, body = rest.partition(":")
    if prefix != PREFIX or not key_id or not body:
        return None
    try:
        blob = _b64decode(body)
    except (binascii.Error, ValueError):
        return None
    return (key_id, blob) if len(blob) > NONCE_BYTES + 16 else None


def is_token(value: str) -> bool:
    """Whether ``value`` is already an encrypted token (so it is stored as it is, never twice)."""
    return _split(value) is not None


def key_id_of(value: str) -> str | None:
    """The id of the key that encrypted ``value`` (None for plain or empty text)."""
    parts = _split(value)
    return parts[0] if parts else None


def encrypt(text: str) -> str:
    """The token for ``text`` with the current key ('' stays '', a token stays as it is)."""
    if text == "" or is_token(text):
        return text
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    aad = f"{PREFIX}:{ring.current}".encode()
    sealed = ring.keys[ring.current].encrypt(nonce, text.encode(), aad)
    body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
    return f"{PREFIX}:{ring.current}:{body}"


def decrypt(value: str) -> str:
    """The text of a token; text that is not a token (written before encryption) comes back as is."""
    parts = _split(value)
    if parts is None:
        return value
    key_id, blob = parts
    key = keyring().keys.get(key_id)
    if key is None:
        raise DecryptionError(f"no key {key_id!r} in TSUNAGU_FIELD_KEYS to read an encrypted field")
    try:
        plain = key.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], f"{PREFIX}:{key_id}".encode())
    except Exception as error:  # cryptography raises InvalidTag
        raise DecryptionError(f"an encrypted field does not open with key {key_id!r}") from error
    return plain.decode()


def main(argv: list[str] | None = None) -> int:
    """``python -m tsunagu.core.crypto generate [--id k2027]``: print a new key entry.

    The same as ``manage.py field_keys generate``, but without Django's settings: production's
    settings refuse to load before ``TSUNAGU_FIELD_KEYS`` exists, so the first key is made this way
    (docs/deployment.md §4). It reads no environment and touches no database.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tsunagu.core.crypto", description=main.__doc__)
    parser.add_argument("action", choices=["generate"])
    parser.add_argument("--id", default="k1", help="id of the generated key (letters and digits)")
    args = parser.parse_args(argv)
    try:
        print(new_entry(args.id))
    except ValueError as error:
        parser.error(str(error))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
