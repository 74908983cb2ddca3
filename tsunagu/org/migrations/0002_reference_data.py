"""Grade levels (P1–P6, J1–J3) and subjects shared by every school."""

from django.db import migrations


def forwards(apps, schema_editor):
    from tsunagu.org.reference import ensure_reference_data

    ensure_reference_data(apps.get_model("org", "GradeLevel"), apps.get_model("org", "Subject"))


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
