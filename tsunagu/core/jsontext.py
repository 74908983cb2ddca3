"""JSON text at the speed of orjson, with the standard library's answers wherever the two differ.

The LRS parses every posted batch, writes every statement's exact text and parses it again for the
learning summaries: with the standard ``json`` module that was a fifth of the ingest's CPU
(docs/bench.md). orjson is stricter — no ``NaN``, no lone surrogates — so whatever it refuses goes to
``json`` as before, and so does any text with a run of 19 or more digits (orjson reads an integer
beyond 64 bits as a float; ``json`` keeps it exact): what is accepted, refused and stored does not
change, only how fast the common case runs. Its text is compact and UTF-8, as ours was; floats may
be written differently (``1e16`` for ``1e+16``), the same number either way.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

#: Digits to ``0``: a run of 19 zeros in the translated text is a run of 19 digits in the text, long
#: enough to be an integer orjson cannot hold (the limits of 64 bits have 19 and 20 digits). Faster
#: than a regular expression, which tried every position of every UUID and code.
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_DIGITS = b"0" * 19


def loads(text: str | bytes) -> Any:
    """Parse JSON text (``str``, or UTF-8 ``bytes``); raises :class:`json.JSONDecodeError` (or
    :class:`UnicodeDecodeError` for bytes that are not UTF-8) exactly as ``json.loads`` would."""
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
    except UnicodeEncodeError:  # a lone surrogate: only json reads it
        return json.loads(text)
    if _LONG_DIGITS not in data.translate(_DIGITS_TO_ZERO):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text.decode("utf-8") if isinstance(text, bytes) else text)


def dumps(value: Any) -> str:
    """Compact JSON text of ``value`` (non-ASCII characters as themselves, no spaces)."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
