"""The query parameters of OneRoster collections: ``filter``, ``sort``/``orderBy``, ``fields``,
``limit``/``offset`` (OneRoster 1.2 REST binding, §3 "Query parameters").

Filter grammar: one predicate ``field op 'value'`` or two joined by `` AND `` or `` OR ``; ``op`` is one
of ``=``, ``!=``, ``>``, ``>=``, ``<``, ``<=``, ``~`` (contains); the value is always in single quotes.
A field is a top-level property of the resource (``status``, ``dateLastModified``, ``familyName`` …),
a property of a reference (``school.sourcedId``) or a metadata key (``metadata.jp.kanaFamilyName``).
A reference compares by its sourcedId; a list matches when any element does (``!=``: when none is
equal). ``>``/``<`` compare timestamps and dates as instants when both sides are ISO 8601 (so
``dateLastModified>'2026-04-01'`` is the delta sync it is meant for), numbers as numbers, else text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

_PREDICATE = r"([A-Za-z][A-Za-z0-9_.]*)\s*(!=|>=|<=|=|>|<|~)\s*'([^']*)'"
_EXPRESSION = re.compile(rf"^\s*{_PREDICATE}(?:\s+(AND|OR)\s+{_PREDICATE})?\s*$")

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000


class QueryError(ValueError):
    """A bad query parameter: ``code_minor`` is the OneRoster status code to answer with (400)."""

    def __init__(self, code_minor: str, description: str) -> None:
        super().__init__(description)
        self.code_minor, self.description = code_minor, description


@dataclass(frozen=True)
class Predicate:
    """``field op value``."""

    field: str
    op: str
    value: str


@dataclass(frozen=True)
class Filter:
    """One predicate, or two joined by ``AND``/``OR``."""

    left: Predicate
    joiner: str = ""
    right: Predicate | None = None

    def fields(self) -> list[str]:
        return [self.left.field] + ([self.right.field] if self.right else [])

    def matches(self, record: dict[str, Any]) -> bool:
        first = _holds(self.left, record)
        if self.right is None:
            return first
        second = _holds(self.right, record)
        return (first and second) if self.joiner == "AND" else (first or second)


def filter_parse(text: str, known: Callable[[str], bool]) -> Filter:
    """The filter ``text`` (already URL-decoded); a syntax error or an unknown field → QueryError."""
    match = _EXPRESSION.match(text)
    if match is None:
        raise QueryError(
            "invalid_filter_field",
            "The filter must be field<op>'value', optionally AND/OR a second one "
            "(op: = != > >= < <= ~; the value in single quotes).",
        )
    f1, op1, v1, joiner, f2, op2, v2 = match.groups()
    result = Filter(Predicate(f1, op1, v1), joiner or "", Predicate(f2, op2, v2) if f2 else None)
    for field in result.fields():
        if not known(field):
            raise QueryError("invalid_filter_field", f"Unknown filter field: {field}")
    return result


def value_at(record: dict[str, Any], field: str) -> Any:
    """The value of ``field`` in ``record`` (see the module docstring for the dotted forms)."""
    if field in record:
        return record[field]
    head, _, rest = field.partition(".")
    inner = record.get(head)
    if head == "metadata" and isinstance(inner, dict):
        return inner.get(rest)
    if isinstance(inner, dict):
        return inner.get(rest)
    if isinstance(inner, list):
        return [item.get(rest) for item in inner if isinstance(item, dict)]
    return None


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return str(value.get("sourcedId", ""))
    if value is None:
        return ""
    return str(value)


def _values(value: Any) -> list[str]:
    if isinstance(value, list):
        return [_scalar(v) for v in value]
    return [_scalar(value)]


def _instant(text: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _compare(ours: str, theirs: str) -> int:
    """-1, 0 or 1 comparing our value with the filter's (instants, then numbers, then text)."""
    a_time, b_time = _instant(ours), _instant(theirs)
    if a_time is not None and b_time is not None:
        return (a_time > b_time) - (a_time < b_time)
    a_num, b_num = _number(ours), _number(theirs)
    if a_num is not None and b_num is not None:
        return (a_num > b_num) - (a_num < b_num)
    return (ours > theirs) - (ours < theirs)


def _holds(predicate: Predicate, record: dict[str, Any]) -> bool:
    values = _values(value_at(record, predicate.field))
    op, wanted = predicate.op, predicate.value
    if op == "=":
        return any(v == wanted for v in values)
    if op == "!=":
        return all(v != wanted for v in values)
    if op == "~":
        return any(wanted.casefold() in v.casefold() for v in values)
    checks = {
        ">": lambda c: c > 0,
        ">=": lambda c: c >= 0,
        "<": lambda c: c < 0,
        "<=": lambda c: c <= 0,
    }[op]
    return any(v != "" and checks(_compare(v, wanted)) for v in values)


def records_sort(records: list[dict[str, Any]], field: str, descending: bool) -> list[dict[str, Any]]:
    """``records`` ordered by ``field`` (then by sourcedId, so pages are stable)."""

    def key(record: dict[str, Any]) -> tuple[str, str]:
        return (",".join(_values(value_at(record, field))), str(record.get("sourcedId", "")))

    return sorted(records, key=key, reverse=descending)


def fields_parse(text: str, known: Callable[[str], bool]) -> list[str]:
    """The ``fields`` selection (comma-separated); an unknown field → QueryError."""
    fields = [f.strip() for f in text.split(",") if f.strip()]
    if not fields:
        raise QueryError("invalid_selection_field", "fields must name at least one field.")
    unknown = [f for f in fields if not known(f)]
    if unknown:
        raise QueryError("invalid_selection_field", "Unknown field(s): " + ", ".join(unknown))
    return fields


def select(record: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """Only ``fields`` of ``record`` (in the resource's own order)."""
    return {k: v for k, v in record.items() if k in fields}


def paging_parse(params: Any) -> tuple[int, int]:
    """``limit`` (default 100, at most 10,000) and ``offset`` (default 0) as non-negative integers."""

    def number(name: str, default: int) -> int:
        raw = params.get(name)
        if raw is None or raw == "":
            return default
        if not str(raw).isdigit():
            raise QueryError("invaliddata", f"{name} must be a non-negative integer.")
        return int(raw)

    limit, offset = number("limit", DEFAULT_LIMIT), number("offset", 0)
    if limit < 1:
        raise QueryError("invaliddata", "limit must be at least 1.")
    return min(limit, MAX_LIMIT), offset


def known_field(fields: Iterable[str]) -> Callable[[str], bool]:
    """A test for field names: a property of the resource, a sub-property of one, or metadata.*."""
    names = set(fields)

    def known(field: str) -> bool:
        if field in names:
            return True
        head, sep, _ = field.partition(".")
        return bool(sep) and head in names

    return known
