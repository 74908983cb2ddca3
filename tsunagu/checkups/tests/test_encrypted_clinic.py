"""The clinic of a returned 受診勧告 slip is class I (a clinic's name can say what the child is treated
for; decision 0020): the column holds a token, the class's follow-up page reads the name and logs the
read, and migration 0004 encrypts rows written before and decrypts them for a rollback."""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import FieldError
from django.db import connection
from django.urls import reverse

from tsunagu.accounts.models import User
from tsunagu.checkups import services
from tsunagu.checkups.models import ExamFollowUp
from tsunagu.core import crypto
from tsunagu.core.models import AccessLog
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import Places
from tsunagu.core.tests.columns import store_plain, stored_value

pytestmark = pytest.mark.django_db

CLINIC = "こころの発達クリニック"


@pytest.fixture
def follow_up(places: Places) -> ExamFollowUp:
    """A follow-up of the cast's class whose letter went out."""
    with system_scope(reason="test picks a follow-up of the class"):
        found = (
            ExamFollowUp.objects.filter(exam__homeroom=places.homeroom, letter_date__isnull=False)
            .order_by("pk")
            .first()
        )
    assert found is not None, "the demo gives 4年1組 issued follow-ups"
    return found


def test_the_service_stores_a_token_and_the_page_reads_the_clinic(
    places: Places, follow_up: ExamFollowUp, client_as: Any
) -> None:
    nurse = User.objects.get(username="nurse")
    assert follow_up.letter_date is not None
    saved = services.followup_return(
        actor=nurse, follow_up=follow_up, returned_on=follow_up.letter_date, result="経過観察", clinic=CLINIC
    )
    stored = stored_value(ExamFollowUp, "clinic", saved.pk)
    assert stored.startswith("enc1:") and CLINIC not in stored
    with system_scope(reason="test reads the history row the save wrote"):
        history = saved.history.latest()
        assert ExamFollowUp.objects.get(pk=saved.pk).clinic == CLINIC
    assert history.clinic == CLINIC and CLINIC not in stored_value(
        type(history), "clinic", history.history_id
    )

    response = client_as("nurse").get(reverse("checkups:class_followups", args=[places.homeroom.uuid]))
    assert response.status_code == 200 and f"（{CLINIC}）" in response.content.decode()
    with system_scope(reason="test reads the access log"):
        logged = AccessLog.objects.filter(actor=nurse, object_uuid=saved.uuid).latest("pk")
    assert "clinic" in logged.fields


def test_the_clinic_cannot_be_searched_in_sql() -> None:
    with system_scope(reason="test"), pytest.raises(FieldError):
        list(ExamFollowUp.objects.filter(clinic__icontains="眼科"))


def test_the_migration_step_encrypts_old_rows_and_decrypts_them_for_a_rollback(
    follow_up: ExamFollowUp,
) -> None:
    """checkups 0004: a clinic written in plain form before 0003 becomes a token; backwards it is plain
    again (what 0003's reversal keeps in the column); a second forward run leaves tokens as they are."""
    step = importlib.import_module("tsunagu.checkups.migrations.0004_encrypt_existing_rows")
    store_plain(ExamFollowUp, "clinic", follow_up.pk, CLINIC)
    editor = SimpleNamespace(connection=connection)
    step.encrypt_rows(django_apps, editor)
    token = stored_value(ExamFollowUp, "clinic", follow_up.pk)
    assert crypto.is_token(token)
    with system_scope(reason="test reads the follow-up"):
        assert ExamFollowUp.objects.get(pk=follow_up.pk).clinic == CLINIC
    step.encrypt_rows(django_apps, editor)
    assert stored_value(ExamFollowUp, "clinic", follow_up.pk) == token
    step.decrypt_rows(django_apps, editor)
    assert stored_value(ExamFollowUp, "clinic", follow_up.pk) == CLINIC
