"""PostgreSQL array literals built as one text parameter each (cast to the array type in the SQL).

psycopg adapts a Python list element by element in Python; for the few hundred values per column of
an ingest batch (the LRS's ids and links, the learning summaries' totals) that was the largest single
cost of the client side. One string is quoted once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def text_array(items: Iterable[str]) -> str:
    """``{"a","b"}``: every item double-quoted, its backslashes and quotes escaped."""
    return "{" + ",".join('"' + i.replace("\\", "\\\\").replace('"', '\\"') + '"' for i in items) + "}"


def literal_array(items: Iterable[Any]) -> str:
    """``{…}`` of values whose text has no quote, comma, brace, backslash or space — dates, numbers
    (cast in the SQL to their type)."""
    return "{" + ",".join(map(str, items)) + "}"


def int_array(items: Iterable[int]) -> str:
    """``{1,2,3}`` (:func:`literal_array` of integers)."""
    return literal_array(items)
