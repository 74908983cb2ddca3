"""Encrypt the clinics of returned 受診勧告 slips written before the field was encrypted (0003 made the
column text).

Forward: every non-empty value becomes a token; values already encrypted stay as they are, so the
step can run twice. Backward: the tokens become plain text again, so that 0003's reversal leaves
readable text in the column. Raw SQL on the main table only, so the step does not depend on what the
field class does later; history tables are append-only (docs/decisions/0003) and keep what they were
written with. A separate migration from 0003 so that PostgreSQL never alters and updates the table in
one transaction.
"""

from django.db import migrations

from tsunagu.core.migration_ops import encrypting_steps

#: (model, column) of every column 0003 encrypted.
COLUMNS = [("examfollowup", "clinic")]


encrypt_rows, decrypt_rows = encrypting_steps("checkups", COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("checkups", "0003_encrypted_clinic"),
    ]

    operations = [migrations.RunPython(encrypt_rows, decrypt_rows)]
