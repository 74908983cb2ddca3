"""Encrypt the guardian-link notes written before decision 0020 reached students (0003 made the column
text and the field ``EncryptedTextField``).

Forward: every non-empty ``note`` becomes a token; a value already encrypted stays as it is. Backward:
the tokens become plain text again, so that 0003's reversal can turn the column back into
``varchar(200)``. Raw SQL on the column, so the step does not depend on what the field class does later.
A separate migration from 0003 so that PostgreSQL never alters and updates the table in one
transaction. The history table is left alone: it is append-only in the database (decision 0003), so
versions written before 0003 keep their plain note and later versions hold tokens.
"""

from django.db import migrations

from tsunagu.core.migration_ops import encrypting_steps

#: (model, column) of every column 0003 encrypted on a main table.
COLUMNS = [("guardianlink", "note")]


encrypt_rows, decrypt_rows = encrypting_steps("students", COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("students", "0003_encrypted_class_i"),
    ]

    operations = [migrations.RunPython(encrypt_rows, decrypt_rows)]
