"""Encrypt the care-note summary text written before decision 0020 reached it (0003 made the columns
text and the fields ``EncryptedTextField``): other allergens, what teachers must do, where the EpiPen
is kept.

Forward: every non-empty value becomes a token; a value already encrypted stays as it is. Backward:
the tokens become plain text again, so that 0003's reversal can turn the columns back into
``varchar``. Raw SQL on the columns, so the step does not depend on what the field class does later.
A separate migration from 0003 so that PostgreSQL never alters and updates the table in one
transaction. The history table is left alone: it is append-only in the database (decision 0003), so
versions written before 0003 keep their plain text and later versions hold tokens.
"""

from django.db import migrations

from tsunagu.core.migration_ops import encrypting_steps

#: (model, column) of every column 0003 encrypted on a main table.
COLUMNS = [
    ("carenote", "other_allergens"),
    ("carenote", "essentials"),
    ("carenote", "epipen_location"),
]


encrypt_rows, decrypt_rows = encrypting_steps("care", COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0003_encrypted_class_i"),
    ]

    operations = [migrations.RunPython(encrypt_rows, decrypt_rows)]
