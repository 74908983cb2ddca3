"""``jsontext`` answers as the standard library does, including where orjson alone would differ."""

from __future__ import annotations

import json

import pytest

from tsunagu.core import jsontext


@pytest.mark.parametrize(
    "text",
    [
        '{"a":[1,2.5,"三"],"b":{"c":null,"d":true}}',
        '{"big":123456789012345678901234567890}',  # beyond 64 bits: orjson refuses, json reads it
        '{"x":NaN,"y":Infinity}',  # json's extension, refused by orjson
        '{"s":"\\ud800"}',  # a lone surrogate escape
        '{"k":1,"k":2}',  # the last key wins in both
        '{"f":1e400}',
    ],
)
def test_loads_equals_the_standard_library(text: str) -> None:
    expected = json.loads(text)
    got = jsontext.loads(text)
    assert repr(got) == repr(expected)  # repr: NaN != NaN
    assert repr(jsontext.loads(text.encode())) == repr(expected)


@pytest.mark.parametrize("text", ["", "{", '{"a":}', "[1,]", "{'a':1}"])
def test_loads_refuses_what_the_standard_library_refuses(text: str) -> None:
    with pytest.raises(json.JSONDecodeError):
        jsontext.loads(text)


def test_bytes_that_are_not_utf8_raise_a_unicode_error() -> None:
    with pytest.raises(UnicodeDecodeError):
        jsontext.loads(b'{"a":"\xff"}')


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, 2.5, "三"], "b": {"c": None, "d": True}, "e": '"quoted" \\ back\nline\u2028'},
        {"big": 123456789012345678901234567890},
        {"ctl": "\x00\x1f"},
    ],
)
def test_dumps_is_compact_utf8_text_that_reads_back_the_same(value: object) -> None:
    text = jsontext.dumps(value)
    assert ", " not in text and ": " not in text
    assert json.loads(text) == value
    assert "三" not in json.dumps(value) or "三" in text  # non-ASCII written as itself


def test_dumps_matches_the_standard_library_for_statement_shaped_values() -> None:
    statement = {
        "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
        "actor": {"account": {"homePage": "https://tsunagu.example.jp", "name": "あ"}},
        "result": {"score": {"raw": 1, "min": 0, "max": 1, "scaled": 0.75}, "success": True},
    }
    assert jsontext.dumps(statement) == json.dumps(statement, ensure_ascii=False, separators=(",", ":"))
