"""Encrypt the 保健日誌 events written before they became an encrypted field (0004 made the column text).

Forward: every non-empty value becomes a token; values already encrypted stay as they are, so the
step can run twice. Backward: the tokens become plain text again, so that 0004's reversal leaves
readable text in the column. Raw SQL on the main table only, so the step does not depend on what the
field class does later; history tables are append-only (docs/decisions/0003) and keep what they were
written with. A separate migration from 0004 so that PostgreSQL never alters and updates the table in
one transaction.
"""

from django.db import migrations

from tsunagu.core.migration_ops import encrypting_steps

#: (model, column) of every column 0004 encrypted.
COLUMNS = [("nursedailylog", "events")]


encrypt_rows, decrypt_rows = encrypting_steps("health", COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0004_encrypted_events"),
    ]

    operations = [migrations.RunPython(encrypt_rows, decrypt_rows)]
