"""An insight's finding, evidence, follow-up note and reason for dismissal are class I (built from health
data, quoting complaints) and stored encrypted (decision 0020): the refresh, taking one on and dismissing
write tokens, the karte shows the text, nothing is queried on them in SQL, and the data migration
karte 0003 encrypts rows written before and decrypts them again for a rollback."""

from __future__ import annotations

import datetime as dt
import importlib
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import FieldError
from django.db import connection
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.core import crypto
from tsunagu.core.fields import canonical_json
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.columns import stored_value
from tsunagu.karte.models import Insight, InsightStatus
from tsunagu.karte.services import insight_assign, insight_dismiss, insights_refresh
from tsunagu.org.models import Homeroom
from tsunagu.students.models import Enrolment
from tsunagu.students.selectors import enrolled_on

pytestmark = pytest.mark.django_db

NOTE = "母親と面談予定（腹痛の件）"
REASON = "小児科で過敏性腸症候群と診断済み"
COLUMNS = ("sentence", "evidence", "note", "dismissed_reason")


@pytest.fixture
def found(ward: object) -> Insight:
    """The open morning-visits insight of a pupil of the demo's 4年1組 (its evidence names the
    complaint the pupil brings to the nurse's office)."""
    today = timezone.localdate()
    with system_scope(reason="test finds a demo insight of 4年1組"):
        room = Homeroom.objects.get(
            school__name__contains="さくら",
            grade_level__code="P4",
            name="1組",
            school_year__start_date__lte=today,
            school_year__end_date__gte=today,
        )
        pupils = Enrolment.objects.filter(enrolled_on(today), homeroom=room).values("student_id")
        insight = (
            Insight.objects.filter(student_id__in=pupils, rule="morning_visits", status=InsightStatus.OPEN)
            .select_related("student", "school")
            .first()
        )
    assert insight is not None, "the demo's 4年1組 has a morning-visits insight"
    return insight


def _current(insight: Insight) -> Insight:
    with system_scope(reason="test reads the insight again"):
        return Insight.objects.get(
            student=insight.student, school_year=insight.school_year, rule=insight.rule
        )


def test_the_refresh_writes_tokens_and_the_karte_shows_the_finding(found: Insight, client_as: Any) -> None:
    complaint = found.evidence["complaint"]
    assert complaint and complaint in found.sentence
    for column in ("sentence", "evidence"):  # the demo's refresh stored them encrypted
        assert crypto.is_token(stored_value(Insight, column, found.pk)), column
    with system_scope(reason="test removes the insight so that the refresh creates it again"):
        Insight.objects.filter(pk=found.pk).delete()
    today = timezone.localdate()
    insights_refresh(school=found.school, day=today, student_ids=[found.student_id])  # bulk_create
    created = _current(found)
    assert (created.sentence, created.evidence) == (found.sentence, found.evidence)
    insights_refresh(school=found.school, day=today, student_ids=[found.student_id])  # bulk_update
    updated = _current(found)
    assert updated.pk == created.pk
    assert (updated.sentence, updated.evidence) == (found.sentence, found.evidence)
    for column in ("sentence", "evidence"):
        stored = stored_value(Insight, column, updated.pk)
        assert stored.startswith("enc1:") and complaint not in stored, column
    page = client_as("teacher").get(f"/karte/pupils/{found.student.uuid}/").content.decode()
    assert found.sentence in page


def test_taking_on_and_dismissing_write_tokens(found: Insight, client_as: Any) -> None:
    teacher = User.objects.get(username="teacher")
    follow = timezone.localdate() + dt.timedelta(days=3)
    insight_assign(actor=teacher, insight=found, follow_up_on=follow, note=NOTE)
    assert _current(found).note == NOTE
    stored = stored_value(Insight, "note", found.pk)
    assert stored.startswith("enc1:") and NOTE not in stored
    page = client_as("teacher").get(f"/karte/pupils/{found.student.uuid}/").content.decode()
    assert NOTE in page
    insight_dismiss(actor=teacher, insight=found, reason=REASON)
    assert _current(found).dismissed_reason == REASON
    stored = stored_value(Insight, "dismissed_reason", found.pk)
    assert stored.startswith("enc1:") and REASON not in stored


def test_the_insight_text_cannot_be_queried_in_sql() -> None:
    with system_scope(reason="test"):
        for lookup in ("sentence", "note__contains", "dismissed_reason__icontains", "evidence"):
            with pytest.raises(FieldError):
                list(Insight.objects.filter(**{lookup: "腹痛"}))
        with pytest.raises(FieldError):
            list(Insight.objects.filter(evidence__complaint="腹痛"))


def test_the_migration_step_encrypts_plain_rows_and_decrypts_them_for_a_rollback(found: Insight) -> None:
    step = importlib.import_module("tsunagu.karte.migrations.0003_encrypt_existing_rows")
    plain = {
        "sentence": found.sentence,
        # As PostgreSQL's jsonb::text writes it (0002's cast): spaces, not the canonical form.
        "evidence": json.dumps(found.evidence, ensure_ascii=False),
        "note": NOTE,
        "dismissed_reason": REASON,
    }
    with connection.cursor() as cursor:  # as a row written before 0002
        cursor.execute(
            "UPDATE karte_insight SET sentence = %s, evidence = %s, note = %s, dismissed_reason = %s"
            " WHERE id = %s",
            [*plain.values(), found.pk],
        )
    editor = SimpleNamespace(connection=connection)
    step.encrypt_rows(django_apps, editor)
    tokens = {column: stored_value(Insight, column, found.pk) for column in COLUMNS}
    assert all(crypto.is_token(token) for token in tokens.values())
    assert found.evidence["complaint"] not in tokens["evidence"]
    step.encrypt_rows(django_apps, editor)  # a second run leaves tokens as they are
    assert {column: stored_value(Insight, column, found.pk) for column in COLUMNS} == tokens
    again = _current(found)
    assert (again.sentence, again.evidence, again.note, again.dismissed_reason) == (
        found.sentence,
        found.evidence,
        NOTE,
        REASON,
    )
    step.decrypt_rows(django_apps, editor)
    assert {column: stored_value(Insight, column, found.pk) for column in COLUMNS} == {
        **plain,
        "evidence": canonical_json(found.evidence),
    }
