"""CSV import of scores: checked first with a Japanese row report, then all or nothing, idempotent,
Shift_JIS and UTF-8 with BOM; pupils by 組 + 出席番号 or by ID."""

from __future__ import annotations

import codecs
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import find_places
from tsunagu.grades import imports, selectors
from tsunagu.grades.models import Score
from tsunagu.grades.tests.access_cases import maths, plan_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(ward: Any) -> dict[str, Any]:
    from tsunagu.accounts.models import User

    places = find_places(ward)
    teacher = User.objects.get(username="subject_teacher")
    with system_scope(reason="test set-up"):
        group = maths(places)
        plan = plan_of(group)
        term = plan.term
    grid = selectors.grid_get(actor=teacher, group=group, term=term, plan=plan)
    return {"teacher": teacher, "group": group, "plan": plan, "term": term, "grid": grid}


def _csv(ctx: dict[str, Any], rows: list[list[str]], columns: int = 2) -> str:
    labels = [c.label for c in ctx["grid"].columns[:columns]]
    lines = [",".join(["組", "出席番号", "氏名", *labels])] + [",".join(r) for r in rows]
    return "\r\n".join(lines) + "\r\n"


def _stored(pupil: Any, part: Any) -> Any:
    with system_scope(reason="test reads back"):
        return Score.objects.filter(student=pupil, part=part).first()


def run(ctx: dict[str, Any], data: bytes, commit: bool) -> imports.ImportReport:
    return imports.score_import(
        actor=ctx["teacher"], group=ctx["group"], term=ctx["term"], plan=ctx["plan"], data=data, commit=commit
    )


def test_a_good_file_is_checked_then_written_and_a_second_run_changes_nothing(ctx: dict[str, Any]) -> None:
    first, second = ctx["grid"].rows[:2]
    part = ctx["grid"].columns[0].part
    rows = [
        [first.homeroom_name, str(first.roll_number), "", "１２．５", "欠"],
        ["1組", str(second.roll_number), "", "13", ""],
    ]
    data = _csv(ctx, rows).encode("cp932")
    report = run(ctx, data, commit=False)
    assert report.ok and report.pupils == 2 and report.cells == 3
    checked_only = _stored(first.student, part)
    assert checked_only is None or checked_only.points != Decimal("12.5")  # the check wrote nothing
    report = run(ctx, data, commit=True)
    assert report.ok and report.changed >= 1
    assert _stored(first.student, part).points == Decimal("12.5")
    assert _stored(first.student, ctx["grid"].columns[1].part).absent
    assert _stored(second.student, part).points == Decimal(13)
    again = run(ctx, data, commit=True)
    assert again.ok and again.changed == 0


def test_one_bad_cell_writes_nothing_and_reports_row_and_column(ctx: dict[str, Any]) -> None:
    first, second = ctx["grid"].rows[:2]
    part = ctx["grid"].columns[0].part
    before = _stored(first.student, part)
    label = ctx["grid"].columns[0].label
    rows = [
        [first.homeroom_name, str(first.roll_number), "", "1", ""],
        [second.homeroom_name, str(second.roll_number), "", "999", ""],
        [first.homeroom_name, "98", "", "1", ""],
    ]
    report = run(ctx, codecs.BOM_UTF8 + _csv(ctx, rows).encode("utf-8"), commit=True)
    assert not report.ok
    problems = {(p.row, p.column) for p in report.problems}
    assert (3, label) in problems and (4, "出席番号") in problems
    assert any("範囲外" in p.message or "outside" in p.message for p in report.problems)
    after = _stored(first.student, part)
    assert (after and (after.points, after.version)) == (before and (before.points, before.version))


def test_unknown_columns_and_missing_keys_are_reported(ctx: dict[str, Any]) -> None:
    report = run(ctx, "組,名前,謎のテスト\r\n1組,x,1\r\n".encode(), commit=False)
    columns = [p.column for p in report.problems]
    assert "謎のテスト" in columns and not report.ok


def test_pupils_may_be_named_by_id(ctx: dict[str, Any]) -> None:
    row = ctx["grid"].rows[0]
    label = ctx["grid"].columns[0].label
    report = run(ctx, f"ID,{label}\r\n{row.student.uuid},7\r\n".encode(), commit=True)
    assert report.ok
    assert _stored(row.student, ctx["grid"].columns[0].part).points == Decimal(7)


def test_the_import_page_two_phases(ctx: dict[str, Any], client_as: Any) -> None:
    row = ctx["grid"].rows[0]
    client = client_as("subject_teacher")
    url = reverse("grades:grid_import", args=[ctx["group"].uuid, 1])
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _csv(ctx, [[row.homeroom_name, str(row.roll_number), "", "5", ""]]).encode("utf-8")
    checked = client.post(url, {"file": SimpleUploadedFile("s.csv", data, "text/csv")})
    assert checked.status_code == 200 and "書き込む" in checked.content.decode()
    written = client.post(url, {"confirm": "1", "data": checked.context["data"]})
    assert written.status_code == 302, written.content.decode()[:2000]
    assert _stored(row.student, ctx["grid"].columns[0].part).points == Decimal(5)
    # The CSV download has the same headers, so it round-trips.
    csv_text = client.get(reverse("grades:grid", args=[ctx["group"].uuid, 1]) + "?format=csv").content
    assert ctx["grid"].columns[0].label in csv_text.decode("utf-8-sig")
