"""The 保健日誌's events are class-I free text (decision 0020): the column holds a token, the page and the
PDF read the text, and migration 0005 encrypts rows written before and decrypts them for a rollback."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import FieldError
from django.db import connection
from django.urls import reverse

from tsunagu.accounts.models import User
from tsunagu.core import crypto
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.columns import store_plain, stored_value
from tsunagu.health import selectors, services
from tsunagu.health.models import NurseDailyLog
from tsunagu.students.tests import cast
from tsunagu.students.tests.cast import CastPlaces, ClientAs

pytestmark = pytest.mark.django_db

places = cast.places
as_user = cast.as_user

EVENTS = "3年2組で嘔吐3名、ノロウイルス疑いで消毒"


def test_the_service_stores_a_token_and_the_page_reads_the_events(
    as_user: ClientAs, places: CastPlaces, day: dt.date
) -> None:
    nurse = User.objects.get(username="nurse")
    log = services.daily_log_save(actor=nurse, school=places.school, day=day, weather="sunny", events=EVENTS)
    stored = stored_value(NurseDailyLog, "events", log.pk)
    assert stored.startswith("enc1:") and EVENTS not in stored
    with system_scope(reason="test reads the history row the save wrote"):
        history = log.history.latest()
    assert history.events == EVENTS and EVENTS not in stored_value(
        type(history), "events", history.history_id
    )
    entry = selectors.daily_log_get(actor=nurse, school=places.school, day=day).entry
    assert entry is not None and entry.events == EVENTS
    page = as_user("nurse").get(
        reverse("health:daily_log", args=[places.school.uuid]), {"date": day.isoformat()}
    )
    assert page.status_code == 200 and EVENTS in page.content.decode()


def test_events_cannot_be_searched_in_sql() -> None:
    with system_scope(reason="test"), pytest.raises(FieldError):
        list(NurseDailyLog.objects.filter(events__contains="嘔吐"))


def test_the_migration_step_encrypts_old_rows_and_decrypts_them_for_a_rollback(places: CastPlaces) -> None:
    """health 0005: a row written in plain form before 0004 becomes a token; backwards it is plain again
    (what 0004's reversal keeps in the column); a second forward run leaves tokens as they are."""
    step = importlib.import_module("tsunagu.health.migrations.0005_encrypt_existing_events")
    with system_scope(reason="test writes a log as it was before encryption"):
        log = NurseDailyLog.objects.create(school=places.school, date=dt.date(2001, 4, 10))
    store_plain(NurseDailyLog, "events", log.pk, EVENTS)
    assert stored_value(NurseDailyLog, "events", log.pk) == EVENTS
    editor = SimpleNamespace(connection=connection)
    step.encrypt_rows(django_apps, editor)
    token = stored_value(NurseDailyLog, "events", log.pk)
    assert crypto.is_token(token)
    with system_scope(reason="test reads the log"):
        assert NurseDailyLog.objects.get(pk=log.pk).events == EVENTS
    step.encrypt_rows(django_apps, editor)
    assert stored_value(NurseDailyLog, "events", log.pk) == token
    step.decrypt_rows(django_apps, editor)
    assert stored_value(NurseDailyLog, "events", log.pk) == EVENTS
