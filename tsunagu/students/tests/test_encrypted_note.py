"""The guardian-link note (why contact is restricted) is class I and stored encrypted (decision 0020):
the column and its history hold tokens, the pupil page shows the text, and the data migration
students 0004 encrypts a note written before and decrypts it again for a rollback."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import FieldError
from django.db import connection
from django.urls import reverse

from tsunagu.core import crypto
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.columns import stored_value
from tsunagu.students.models import GuardianLink
from tsunagu.students.tests import cast
from tsunagu.students.tests.cast import CastPlaces, ClientAs

pytestmark = pytest.mark.django_db

places = cast.places
as_user = cast.as_user

NOTE = "家庭裁判所の保護命令あり（父）"


def _restricted_link(places: CastPlaces) -> GuardianLink:
    """A link of a pupil of the teacher's class, restricted with ``NOTE`` through ``save()`` (which
    writes its history version too)."""
    with system_scope(reason="test restricts a guardian link with a note"):
        link = GuardianLink.objects.filter(student=places.pupil).order_by("pk").first()
        assert link is not None, "the cast pupil has a guardian"
        link.contact_restricted, link.note = True, NOTE
        link.save()
    return link


def test_the_note_is_stored_as_a_token_and_the_pupil_page_shows_it(
    as_user: ClientAs, places: CastPlaces
) -> None:
    link = _restricted_link(places)
    stored = stored_value(GuardianLink, "note", link.pk)
    assert stored.startswith("enc1:") and NOTE not in stored
    with system_scope(reason="test reads the link and its latest version"):
        assert GuardianLink.objects.get(pk=link.pk).note == NOTE
        version = link.history.latest()
    assert version.note == NOTE
    assert stored_value(type(version), "note", version.history_id).startswith("enc1:")
    page = as_user("principal").get(reverse("students:student_detail", args=[places.pupil.uuid]))
    assert NOTE in page.content.decode()


def test_the_demo_wards_restriction_notes_are_tokens(places: CastPlaces) -> None:
    with system_scope(reason="test reads the demo's restricted links"):
        restricted = GuardianLink.objects.filter(contact_restricted=True).exclude(note="")
        pks = list(restricted.values_list("pk", flat=True))
    assert pks, "the demo ward has restricted links with a note"
    assert all(crypto.is_token(stored_value(GuardianLink, "note", pk)) for pk in pks)


def test_the_note_cannot_be_searched_in_sql() -> None:
    with system_scope(reason="test"), pytest.raises(FieldError):
        list(GuardianLink.objects.filter(note__contains="保護命令"))


def test_the_migration_step_encrypts_a_plain_note_and_decrypts_it_for_a_rollback(places: CastPlaces) -> None:
    step = importlib.import_module("tsunagu.students.migrations.0004_encrypt_existing_rows")
    link = _restricted_link(places)
    table = connection.ops.quote_name(GuardianLink._meta.db_table)
    with connection.cursor() as cursor:  # as a row written before 0003
        cursor.execute(f"UPDATE {table} SET note = %s WHERE id = %s", [NOTE, link.pk])
    editor = SimpleNamespace(connection=connection)
    step.encrypt_rows(django_apps, editor)
    token = stored_value(GuardianLink, "note", link.pk)
    assert crypto.is_token(token) and NOTE not in token
    step.encrypt_rows(django_apps, editor)  # a second run leaves the token as it is
    assert stored_value(GuardianLink, "note", link.pk) == token
    with system_scope(reason="test reads the link"):
        assert GuardianLink.objects.get(pk=link.pk).note == NOTE
    step.decrypt_rows(django_apps, editor)
    assert stored_value(GuardianLink, "note", link.pk) == NOTE
