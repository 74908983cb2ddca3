"""Encrypt the insights written before decision 0020 reached the karte (0002 made the columns text and
the fields ``EncryptedTextField``/``EncryptedJSONField``).

Forward: every evidence becomes a token of its canonical JSON, every non-empty finding, note and reason
for dismissal a token; values already encrypted stay as they are. Backward: the tokens become plain
JSON and plain text again, so that 0002's reversal can turn the columns back into ``json``/``varchar``.
Raw SQL on the columns, so the step does not depend on what the field classes do later. A separate
migration from 0002 so that PostgreSQL never alters and updates the table in one transaction.
"""

from django.db import migrations

from tsunagu.core.migration_ops import encrypting_steps

#: (model, column, is JSON) of every column 0002 encrypted.
COLUMNS = [
    ("insight", "evidence", True),
    ("insight", "sentence", False),
    ("insight", "note", False),
    ("insight", "dismissed_reason", False),
]


encrypt_rows, decrypt_rows = encrypting_steps("karte", COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("karte", "0002_encrypted_class_i"),
    ]

    operations = [migrations.RunPython(encrypt_rows, decrypt_rows)]
