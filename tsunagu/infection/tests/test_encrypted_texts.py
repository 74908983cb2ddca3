"""The free texts of 学校感染症 are class I (decision 0020): the worked-out explanation, the reason for
adjusting or cancelling a period and the reason of the register mark a 出席停止 day replaced are stored
as tokens and read back as text by the page and the services; migration 0004 encrypts rows written
before and decrypts them for a rollback."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import FieldError
from django.db import connection
from django.test import Client
from django.urls import reverse

from tsunagu.accounts.testing import force_login
from tsunagu.attendance.models import AttendanceMark, Mark
from tsunagu.core import crypto
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.columns import store_plain, stored_value
from tsunagu.infection import services, views
from tsunagu.infection.models import SchoolInfection, SuspensionDay
from tsunagu.infection.tests.builders import TODAY, InfectionSchool

pytestmark = pytest.mark.django_db

ADJUSTMENT = "11/2は登校していた（保護者より）"
CANCEL = "医療機関から診断の訂正あり"
MARK_REASON = "発熱・嘔吐"


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "_today", lambda: dt.date(2026, 11, 16))
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def d(day: int) -> dt.date:
    return dt.date(2026, 11, day)


def _is_token_of(model: Any, column: str, pk: int, text: str) -> bool:
    stored = stored_value(model, column, pk)
    return stored.startswith("enc1:") and text not in stored


def _confirmed_flu(site: InfectionSchool) -> SchoolInfection:
    """Influenza from 11/2, the period confirmed from 11/4 with a reason; 11/4 held an absence mark."""
    with system_scope(reason="test enters an absence with its reason"):
        AttendanceMark.objects.create(
            student=site.pupils[0],
            school=site.school,
            homeroom=site.room,
            date=d(4),
            kind=Mark.ABSENT_ILLNESS,
            reason=MARK_REASON,
        )
    infection = services.infection_record(
        actor=site.nurse,
        student=site.pupils[0],
        disease="influenza",
        onset_date=d(2),
        fever_end_date=d(4),
        today=TODAY,
    )
    services.infection_confirm(actor=site.nurse, infection=infection, first_day=d(4), reason=ADJUSTMENT)
    infection.refresh_from_db()
    return infection


def test_the_services_store_tokens_and_the_page_reads_the_texts(site: InfectionSchool) -> None:
    infection = _confirmed_flu(site)
    assert "発症日（0日目）11/2（月）" in infection.explanation
    assert _is_token_of(SchoolInfection, "explanation", infection.pk, "発症日")
    assert _is_token_of(SchoolInfection, "adjustment_reason", infection.pk, ADJUSTMENT)
    with system_scope(reason="test reads the replaced day and the history"):
        day = SuspensionDay.objects.get(infection=infection, date=d(4))
        history = infection.history.latest()
    assert day.replaced_reason == MARK_REASON
    assert _is_token_of(SuspensionDay, "replaced_reason", day.pk, MARK_REASON)
    assert history.adjustment_reason == ADJUSTMENT
    assert _is_token_of(type(history), "adjustment_reason", history.history_id, ADJUSTMENT)

    client = force_login(Client(), site.nurse, mfa=True)
    page = client.get(reverse("infection:detail", args=[infection.uuid])).content.decode()
    assert "発症日（0日目）11/2（月）" in page and ADJUSTMENT in page

    # Cancelling gives the register back the reason read from the encrypted day, and keeps its own.
    services.infection_cancel(actor=site.nurse, infection=infection, reason=CANCEL)
    with system_scope(reason="test reads the register"):
        mark = AttendanceMark.objects.get(student=site.pupils[0], date=d(4))
    assert (mark.kind, mark.reason) == (Mark.ABSENT_ILLNESS, MARK_REASON)
    assert _is_token_of(SchoolInfection, "adjustment_reason", infection.pk, CANCEL)


def test_the_texts_cannot_be_searched_in_sql() -> None:
    with system_scope(reason="test"):
        for query in (
            lambda: SchoolInfection.objects.filter(explanation__icontains="解熱"),
            lambda: SchoolInfection.objects.filter(adjustment_reason="登校していた"),
            lambda: SuspensionDay.objects.filter(replaced_reason__startswith="発熱"),
        ):
            with pytest.raises(FieldError):
                list(query())


def test_the_migration_step_encrypts_old_rows_and_decrypts_them_for_a_rollback(site: InfectionSchool) -> None:
    """infection 0004: rows written in plain form before 0003 become tokens; backwards they are plain
    again (what 0003's reversal keeps in the columns); a second forward run leaves tokens as they are."""
    step = importlib.import_module("tsunagu.infection.migrations.0004_encrypt_existing_rows")
    infection = _confirmed_flu(site)
    with system_scope(reason="test finds the replaced day"):
        day = SuspensionDay.objects.get(infection=infection, date=d(4))
    explanation = infection.explanation
    columns = [
        (SchoolInfection, "explanation", infection.pk, explanation),
        (SchoolInfection, "adjustment_reason", infection.pk, ADJUSTMENT),
        (SuspensionDay, "replaced_reason", day.pk, MARK_REASON),
    ]
    for model, column, pk, text in columns:
        store_plain(model, column, pk, text)
    editor = SimpleNamespace(connection=connection)
    step.encrypt_rows(django_apps, editor)
    tokens = [stored_value(model, column, pk) for model, column, pk, _text in columns]
    assert all(crypto.is_token(token) for token in tokens)
    with system_scope(reason="test reads the rows"):
        again = SchoolInfection.objects.get(pk=infection.pk)
        assert (again.explanation, again.adjustment_reason) == (explanation, ADJUSTMENT)
        assert SuspensionDay.objects.get(pk=day.pk).replaced_reason == MARK_REASON
    step.encrypt_rows(django_apps, editor)
    assert [stored_value(model, column, pk) for model, column, pk, _text in columns] == tokens
    step.decrypt_rows(django_apps, editor)
    assert [stored_value(model, column, pk) for model, column, pk, _text in columns] == [
        explanation,
        ADJUSTMENT,
        MARK_REASON,
    ]
