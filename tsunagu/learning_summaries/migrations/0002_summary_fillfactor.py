"""Leave room in each page of the summary table on PostgreSQL (fillfactor 70), so that the receiver's
increments of a pupil's row for today — dozens a day, no indexed column changed — can be HOT updates in
the same page instead of new index entries. Nothing to do on SQLite."""

from typing import Any

from django.db import migrations


def set_fillfactor(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE learning_summaries_learningsummary SET (fillfactor = 70)")


def reset_fillfactor(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE learning_summaries_learningsummary RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("learning_summaries", "0001_initial")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
