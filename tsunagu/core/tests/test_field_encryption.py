"""Application-level encryption of class-I free text and JSON (SECURITY.md §1; core.crypto, core.fields).

The stored column must never hold the text, on the main table or in its history; the application
reads the text back; a wrong key fails loudly; rotation moves values to the current key. The JSON
field (frozen 指導要録 versions) keeps a token of the canonical JSON and gives back the value.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import serializers
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from tsunagu.core import crypto
from tsunagu.core.fields import EncryptedJSONField, EncryptedTextField, canonical_json
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.columns import stored_value
from tsunagu.health.models import HealthCheckIn, NurseVisit
from tsunagu.records.models import GuidanceSectionVersion, content_digest

pytestmark = pytest.mark.django_db

SECRET_TEXT = "母親の入院で夜眠れていない様子"


@pytest.fixture
def visit() -> NurseVisit:
    with system_scope(reason="test picks a nurse visit of the demo ward"):
        found = NurseVisit.objects.order_by("pk").first()
    assert found is not None, "the demo ward has nurse visits"
    return found


@pytest.fixture
def version() -> GuidanceSectionVersion:
    """A signed 様式2 version of the demo ward (the cast's class has last year signed off)."""
    with system_scope(reason="test picks a signed 指導要録 version of the demo ward"):
        found = GuidanceSectionVersion.objects.filter(signed_at__isnull=False).order_by("pk").first()
    assert found is not None, "the demo ward has signed 指導要録 versions"
    return found


@pytest.fixture
def fresh_keyring() -> object:
    """Keys are read once per process; tests that change them start and end with a clean cache."""
    crypto.keyring.cache_clear()
    yield None
    crypto.keyring.cache_clear()


def test_the_database_holds_a_token_and_the_application_reads_the_text(visit: NurseVisit) -> None:
    with system_scope(reason="test writes a note"):
        NurseVisit.objects.filter(pk=visit.pk).update(note=SECRET_TEXT)
        assert NurseVisit.objects.get(pk=visit.pk).note == SECRET_TEXT
    stored = stored_value(NurseVisit, "note", visit.pk)
    assert stored.startswith("enc1:") and SECRET_TEXT not in stored


def test_history_rows_are_encrypted_too(visit: NurseVisit) -> None:
    with system_scope(reason="test changes a note through save(), which writes history"):
        visit.note = SECRET_TEXT
        visit.save()
        history = visit.history.latest()
        assert history.note == SECRET_TEXT
    assert SECRET_TEXT not in stored_value(type(history), "note", history.history_id)


def test_empty_text_stays_empty_so_has_a_note_queries_work(visit: NurseVisit) -> None:
    with system_scope(reason="test"):
        NurseVisit.objects.filter(pk=visit.pk).update(note="")
        assert stored_value(NurseVisit, "note", visit.pk) == ""
        assert NurseVisit.objects.filter(pk=visit.pk, note="").exists()


def test_text_lookups_on_ciphertext_are_refused() -> None:
    with system_scope(reason="test"):
        with pytest.raises(FieldError):
            list(HealthCheckIn.objects.filter(comment__icontains="眠"))
        with pytest.raises(FieldError):  # would compare with ciphertext and match nothing
            list(HealthCheckIn.objects.filter(comment="眠い"))


def test_the_same_text_encrypts_differently_each_time() -> None:
    assert crypto.encrypt(SECRET_TEXT) != crypto.encrypt(SECRET_TEXT)
    assert crypto.decrypt(crypto.encrypt(SECRET_TEXT)) == SECRET_TEXT
    assert crypto.encrypt(crypto.encrypt("x")).count("enc1:") == 1  # never twice


def test_a_token_under_an_unknown_key_fails_loudly(fresh_keyring: object) -> None:
    token = crypto.encrypt(SECRET_TEXT)
    other = f"k9:{crypto.generate_key()}"
    with override_settings(TSUNAGU_FIELD_KEYS=[other]):
        crypto.keyring.cache_clear()
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(token)


def test_a_tampered_token_fails_loudly() -> None:
    token = crypto.encrypt(SECRET_TEXT)
    head, body = token.rsplit(":", 1)
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{head}:{flipped}")


def test_malformed_key_settings_are_refused() -> None:
    for entries in (["nokey"], ["k1:short"], [f"k1:{crypto.generate_key()}", f"k1:{crypto.generate_key()}"]):
        with pytest.raises(ImproperlyConfigured):
            crypto.parse_keys(entries)


def test_the_length_limit_applies_to_the_text_not_the_token() -> None:
    field = EncryptedTextField(max_length=5)
    field.clean("あいうえお", None)
    with pytest.raises(ValidationError):
        field.clean("あいうえおか", None)


def test_rotation_re_encrypts_with_the_current_key(
    visit: NurseVisit, version: GuidanceSectionVersion, fresh_keyring: object
) -> None:
    # The ward was seeded under the development key: it stays readable by listing it last.
    first, second, seeded = (
        f"a1:{crypto.generate_key()}",
        f"b2:{crypto.generate_key()}",
        crypto.derived_entry(),
    )
    with override_settings(TSUNAGU_FIELD_KEYS=[first, seeded]):
        crypto.keyring.cache_clear()
        with system_scope(reason="test"):
            NurseVisit.objects.filter(pk=visit.pk).update(note=SECRET_TEXT)
        assert crypto.key_id_of(stored_value(NurseVisit, "note", visit.pk)) == "a1"
        assert crypto.key_id_of(stored_value(GuidanceSectionVersion, "content", version.pk)) == "dev"
    with override_settings(TSUNAGU_FIELD_KEYS=[second, first, seeded]):
        crypto.keyring.cache_clear()
        out = StringIO()
        call_command("field_keys", "rotate", stdout=out)
        assert crypto.key_id_of(stored_value(NurseVisit, "note", visit.pk)) == "b2"
        # The JSON field too: a signed 指導要録 version moves to the new key and still verifies.
        assert crypto.key_id_of(stored_value(GuidanceSectionVersion, "content", version.pk)) == "b2"
        with system_scope(reason="test"):
            assert NurseVisit.objects.get(pk=visit.pk).note == SECRET_TEXT
            rotated = GuidanceSectionVersion.objects.get(pk=version.pk)
        assert rotated.content == version.content and rotated.intact
        assert rotated.content_sha256 == version.content_sha256
        status = StringIO()
        call_command("field_keys", "status", stdout=status)
        assert "health.NurseVisit.note" in status.getvalue()
        assert "records.GuidanceSectionVersion.content: b2=" in status.getvalue()


def test_generate_prints_a_usable_key() -> None:
    out = StringIO()
    call_command("field_keys", "generate", "--id", "k7", stdout=out)
    assert crypto.parse_keys([out.getvalue().strip()]).current == "k7"


# --- JSON (frozen 指導要録 versions) ----------------------------------------------------------------

SECRET_JSON = {"remark": SECRET_TEXT, "subjects": [{"name": "国語", "rating": 3}], "note": None, "ok": True}


def test_a_json_value_is_stored_as_a_token_of_its_canonical_json(version: GuidanceSectionVersion) -> None:
    with system_scope(reason="test writes a version's content"):
        GuidanceSectionVersion.objects.filter(pk=version.pk).update(content=SECRET_JSON)
        assert GuidanceSectionVersion.objects.get(pk=version.pk).content == SECRET_JSON
    stored = stored_value(GuidanceSectionVersion, "content", version.pk)
    assert stored.startswith("enc1:") and SECRET_TEXT not in stored and "国語" not in stored
    # The token opens to the canonical JSON: the same value built in another key order is the same text.
    reordered = dict(reversed(list(SECRET_JSON.items())))
    assert crypto.decrypt(stored) == canonical_json(reordered)


def test_signed_versions_of_the_demo_ward_are_stored_encrypted_and_still_verify(
    version: GuidanceSectionVersion,
) -> None:
    stored = stored_value(GuidanceSectionVersion, "content", version.pk)
    assert crypto.is_token(stored)
    assert version.content and version.intact
    assert version.content_sha256 == content_digest(version.content)


def test_plain_json_written_before_encryption_reads_and_rotation_encrypts_it(
    version: GuidanceSectionVersion,
) -> None:
    table = connection.ops.quote_name(GuidanceSectionVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET content = %s WHERE id = %s", ['{"remark": "plain"}', version.pk])
    with system_scope(reason="test"):
        assert GuidanceSectionVersion.objects.get(pk=version.pk).content == {"remark": "plain"}
    status = StringIO()
    call_command("field_keys", "status", stdout=status)
    (line,) = [
        x for x in status.getvalue().splitlines() if x.startswith("records.GuidanceSectionVersion.content:")
    ]
    assert "plain=1" in line
    call_command("field_keys", "rotate", stdout=StringIO())
    assert crypto.is_token(stored_value(GuidanceSectionVersion, "content", version.pk))
    with system_scope(reason="test"):
        assert GuidanceSectionVersion.objects.get(pk=version.pk).content == {"remark": "plain"}


def test_json_lookups_and_key_transforms_are_refused() -> None:
    with system_scope(reason="test"):
        for query in ({"content__remark": "x"}, {"content": {"remark": "x"}}, {"content__contains": "x"}):
            with pytest.raises(FieldError):
                list(GuidanceSectionVersion.objects.filter(**query))
        assert GuidanceSectionVersion.objects.filter(content__isnull=False).exists()


def test_a_dump_carries_the_token_and_loads_back_to_the_value(version: GuidanceSectionVersion) -> None:
    with system_scope(reason="test dumps a version"):
        GuidanceSectionVersion.objects.filter(pk=version.pk).update(content=SECRET_JSON)
        dumped = serializers.serialize("json", GuidanceSectionVersion.objects.filter(pk=version.pk))
    assert SECRET_TEXT not in dumped and "国語" not in dumped and "enc1:" in dumped
    (loaded,) = serializers.deserialize("json", dumped)
    assert isinstance(loaded.object, GuidanceSectionVersion) and loaded.object.content == SECRET_JSON


def test_a_json_value_that_is_not_json_is_refused_by_full_clean() -> None:
    field = EncryptedJSONField()
    assert field.clean({"a": [1, "二"]}, None) == {"a": [1, "二"]}
    with pytest.raises(ValidationError):
        field.clean({"when": object()}, None)
    with pytest.raises(ValidationError):  # not blank: an empty dict is no content
        field.clean({}, None)
