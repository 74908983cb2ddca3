"""The free text of a care note's summary — other allergens, what teachers must do, where the EpiPen is
kept — is class I and stored encrypted (decision 0020): the columns and their history hold tokens, the
teachers' pages show the text, and the data migration care 0004 encrypts text written before and
decrypts it again for a rollback."""

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
from tsunagu.care import services
from tsunagu.care.models import CareKind, CareNote
from tsunagu.care.services import CareInput
from tsunagu.core import crypto
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import Places, find_places
from tsunagu.core.tests.columns import stored_value

pytestmark = pytest.mark.django_db

TEXT = {
    "other_allergens": "キャッサバ",
    "essentials": "給食はキャッサバ除去。調理実習は保護者と事前確認",
    "epipen_location": "職員室の救急棚（上段）",
}
COLUMNS = tuple(TEXT)


@pytest.fixture
def places(ward: Any) -> Places:
    return find_places(ward)


def _new_note(places: Places) -> CareNote:
    """A food-allergy note with an EpiPen for a pupil of the teacher's class, entered by the nurse."""
    return services.care_note_create(
        actor=User.objects.get(username="nurse"),
        student=places.classmate,
        data=CareInput(
            kind=CareKind.FOOD_ALLERGY,
            severity="severe",
            epipen=True,
            other_allergens=TEXT["other_allergens"],
            essentials=TEXT["essentials"],
            epipen_location=TEXT["epipen_location"],
        ),
    )


def test_the_summary_text_is_stored_as_tokens_and_teachers_read_it(places: Places, client_as: Any) -> None:
    note = _new_note(places)
    for column in COLUMNS:
        stored = stored_value(CareNote, column, note.pk)
        assert stored.startswith("enc1:") and TEXT[column] not in stored, column
    with system_scope(reason="test reads the note and its version"):
        again = CareNote.objects.get(pk=note.pk)
        version = note.history.latest()
    for column in COLUMNS:
        assert getattr(again, column) == getattr(version, column) == TEXT[column]
        assert stored_value(type(version), column, version.history_id).startswith("enc1:"), column
    assert again.summary.endswith(f"キャッサバ — {TEXT['essentials']}")
    teacher = client_as("teacher")
    page = teacher.get(reverse("care:pupil", args=[places.classmate.uuid])).content.decode()
    assert again.summary in page and TEXT["epipen_location"] in page
    listing = teacher.get(reverse("care:class_list", args=[places.homeroom.uuid])).content.decode()
    assert again.summary in listing and TEXT["epipen_location"] in listing


def test_the_summary_text_cannot_be_searched_in_sql() -> None:
    with system_scope(reason="test"):
        for column in COLUMNS:
            with pytest.raises(FieldError):
                list(CareNote.objects.filter(**{f"{column}__contains": "キャッサバ"}))


def test_the_migration_step_encrypts_plain_text_and_decrypts_it_for_a_rollback(places: Places) -> None:
    step = importlib.import_module("tsunagu.care.migrations.0004_encrypt_existing_rows")
    note = _new_note(places)
    quote = connection.ops.quote_name
    table = quote(CareNote._meta.db_table)
    with connection.cursor() as cursor:  # as a row written before 0003
        for column in COLUMNS:
            cursor.execute(f"UPDATE {table} SET {quote(column)} = %s WHERE id = %s", [TEXT[column], note.pk])
    editor = SimpleNamespace(connection=connection)
    step.encrypt_rows(django_apps, editor)
    tokens = {column: stored_value(CareNote, column, note.pk) for column in COLUMNS}
    assert all(crypto.is_token(t) and TEXT[c] not in t for c, t in tokens.items())
    step.encrypt_rows(django_apps, editor)  # a second run leaves tokens as they are
    assert {column: stored_value(CareNote, column, note.pk) for column in COLUMNS} == tokens
    with system_scope(reason="test reads the note"):
        again = CareNote.objects.get(pk=note.pk)
    assert {column: getattr(again, column) for column in COLUMNS} == TEXT
    step.decrypt_rows(django_apps, editor)
    assert {column: stored_value(CareNote, column, note.pk) for column in COLUMNS} == TEXT
