"""Give every existing board the common code list (病, 事, 停, 忌 …); boards created later fall back to
the same defaults until they save their own (``services.attendance_codes_seed``)."""

from django.db import migrations

DEFAULTS = [
    ("present", "", "出席", "0"),
    ("absent_illness", "病", "病欠", "1"),
    ("absent_other", "事", "事故欠", "2"),
    ("late", "チ", "遅刻", "3"),
    ("early_leave", "早", "早退", "4"),
    ("suspended_infection", "停", "出席停止（感染症）", "5"),
    ("suspended_other", "停", "出席停止（その他）", "6"),
    ("mourning", "忌", "忌引", "7"),
    ("disaster", "災", "非常変災", "8"),
    ("excused_other", "他", "その他（校長が認める日）", ""),
    ("deemed_present", "扱", "出席扱い", "9"),
]


def seed(apps, schema_editor):
    Board = apps.get_model("org", "Board")
    AttendanceCode = apps.get_model("attendance", "AttendanceCode")
    for board in Board.objects.all():
        for order, (kind, symbol, label, key) in enumerate(DEFAULTS):
            AttendanceCode.objects.get_or_create(
                board=board, kind=kind, defaults={"symbol": symbol, "label": label, "key": key, "order": order}
            )


class Migration(migrations.Migration):
    dependencies = [("attendance", "0001_initial"), ("org", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
