"""``__in_ids`` matches exactly what ``__in`` matches, as one parameter on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tsunagu.core.pgarray import int_array
from tsunagu.core.scope import system_scope
from tsunagu.students.models import Enrolment

pytestmark = pytest.mark.django_db


def test_in_ids_matches_what_in_matches(ward: Any) -> None:
    with system_scope(reason="test compares two lookups"):
        ids = list(Enrolment.objects.order_by("pk").values_list("student_id", flat=True)[:40:3])
        expected = set(Enrolment.objects.filter(student_id__in=ids).values_list("pk", flat=True))
        got = Enrolment.objects.filter(student_id__in_ids=ids)
        assert set(got.values_list("pk", flat=True)) == expected and expected
        sql, params = got.query.sql_with_params()
    if connection.vendor == "postgresql":
        assert "ANY(" in sql and int_array(ids) in params and len(params) < len(ids)


def test_in_ids_of_nothing_matches_nothing(ward: Any) -> None:
    with system_scope(reason="test an empty list"):
        assert not Enrolment.objects.filter(student_id__in_ids=[]).exists()
        assert Enrolment.objects.exclude(student_id__in_ids=[]).exists()
