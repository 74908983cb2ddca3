"""Test-result imports through the page: upload → preview (nothing written) → confirm → all written;
the same file again changes nothing; a file with one bad row writes nothing and says why, row by row;
Excel with points per question and per 観点; the results reach the karte's selectors."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tsunagu.core.scope import system_scope
from tsunagu.learning_summaries.models import TestImport, TestResult
from tsunagu.learning_summaries.tests.helpers import class_pupils

pytestmark = pytest.mark.django_db

HEADER = "種別,テスト名,実施日,児童生徒ID,学年,組,出席番号,氏名,教科,得点,満点\n"


def _day(ward: Any) -> dt.date:
    return max(ward.school_year.start_date, ward.today - dt.timedelta(days=14))


def _results(ward: Any) -> list[TestResult]:
    with system_scope(reason="test: read test results"):
        return list(
            TestResult.objects.filter(test__school=ward.schools["sakura"], test__name="2学期 算数テスト")
            .select_related("subject", "student")
            .order_by("student_id")
        )


def _csv(ward: Any, rows: list[str]) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode("cp932")


def _upload(client: Any, url: str, name: str, data: bytes) -> Any:
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def test_csv_import_previews_then_writes_once_and_again_changes_nothing(ward: Any, client_as: Any) -> None:
    pupils = class_pupils(ward)
    day = _day(ward).isoformat()
    rows = [
        f"定期テスト,2学期 算数テスト,{day},,4,1組,{n + 1},,算数,{60 + n},100" for n in range(len(pupils[:3]))
    ]
    data = _csv(ward, rows)
    office = client_as("office")
    url = reverse("learning_summaries:test_results_import", args=[ward.schools["sakura"].uuid])

    response = _upload(office, url, "results.csv", data)
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.ok and len(plan.changing) == 3
    assert plan.encoding == "CSV Shift_JIS"
    assert _results(ward) == []  # the preview wrote nothing

    response = office.post(
        url, {"data": response.context["data"], "file_name": "results.csv", "confirm": "1"}
    )
    assert response.status_code == 302
    results = _results(ward)
    assert [float(r.score) for r in results] == [60.0, 61.0, 62.0]
    assert {r.subject.code for r in results} == {"MA"}
    assert TestImport.objects.filter(school=ward.schools["sakura"], file_name="results.csv").count() == 1

    again = _upload(office, url, "results.csv", data)
    assert again.context["plan"].changing == []
    assert 'name="confirm"' not in again.content.decode()
    office.post(url, {"data": again.context["data"], "file_name": "results.csv", "confirm": "1"})
    assert TestImport.objects.filter(school=ward.schools["sakura"], file_name="results.csv").count() == 1
    assert [(r.pk, r.score, r.updated_at) for r in _results(ward)] == [
        (r.pk, r.score, r.updated_at) for r in results
    ]


def test_a_file_with_bad_rows_writes_nothing_and_reports_each_row(ward: Any, client_as: Any) -> None:
    pupils = class_pupils(ward)
    day = _day(ward).isoformat()
    rows = [
        f"定期テスト,2学期 算数テスト,{day},{pupils[0].uuid},,,,,算数,80,100",  # fine
        f"中間テスト,2学期 算数テスト,{day},,4,1組,2,,算数,80,100",  # unknown kind
        f"定期テスト,2学期 算数テスト,{day},,4,1組,99,,算数,80,100",  # no such pupil
        f"定期テスト,2学期 算数テスト,{day},,4,1組,3,,算数,120,100",  # above the maximum
        "定期テスト,2学期 算数テスト,2026/13/40,,4,1組,4,,算数,80,100",  # not a date
        f"定期テスト,2学期 算数テスト,{day},,4,1組,5,,数学Ⅱ,80,100",  # unknown subject
        f"定期テスト,2学期 算数テスト,{day},,4,1組,6,山田 太郎,算数,80,100",  # another name
    ]
    response = _upload(
        client_as("principal"),
        reverse("learning_summaries:test_results_import", args=[ward.schools["sakura"].uuid]),
        "bad.csv",
        _csv(ward, rows),
    )
    plan = response.context["plan"]
    assert [(p.row, p.column) for p in plan.problems] == [
        (3, "種別"),
        (4, "出席番号"),
        (5, "得点"),
        (6, "実施日"),
        (7, "教科"),
        (8, "氏名"),
    ]
    assert all(any("\u3040" <= ch <= "\u9fff" for ch in p.message) for p in plan.problems), plan.problems
    assert 'name="confirm"' not in response.content.decode()
    assert _results(ward) == []


def test_excel_with_points_per_question_and_viewpoint_by_pupil_id(ward: Any, client_as: Any) -> None:
    from openpyxl import Workbook

    pupils = class_pupils(ward)[:2]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        [
            "種別",
            "テスト名",
            "実施日",
            "児童生徒ID",
            "教科",
            "得点",
            "満点",
            "問1",
            "問2",
            "知識・技能",
            "思考・判断・表現",
        ]
    )
    for n, pupil in enumerate(pupils):
        sheet.append(
            [
                "単元テスト",
                "2学期 算数テスト",
                _day(ward),
                str(pupil.uuid),
                "算数",
                18 + n,
                20,
                10,
                8 + n,
                12,
                6 + n,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    office = client_as("office")
    url = reverse("learning_summaries:test_results_import", args=[ward.schools["sakura"].uuid])
    response = _upload(office, url, "結果.xlsx", buffer.getvalue())
    plan = response.context["plan"]
    assert plan.ok, plan.problems
    assert plan.encoding == "Excel (.xlsx)"
    office.post(url, {"data": response.context["data"], "file_name": "結果.xlsx", "confirm": "1"})
    first = _results(ward)[0]
    assert first.detail == {
        "questions": {"1": 10.0, "2": 8.0},
        "viewpoints": {"knowledge": 12.0, "thinking": 6.0},
    }
    assert first.test.kind == "unit"


def test_a_file_that_is_not_a_table_is_refused_in_japanese(ward: Any, client_as: Any) -> None:
    url = reverse("learning_summaries:test_results_import", args=[ward.schools["sakura"].uuid])
    response = _upload(client_as("office"), url, "x.csv", "名前,点数\n山田,10\n".encode())
    assert response.status_code == 200
    assert "種別" in response.context["file_error"]
    response = _upload(client_as("office"), url, "x.xlsx", b"PK\x03\x04 not really a zip")
    assert response.context["file_error"]
    assert _results(ward) == []


def test_a_grade_head_imports_their_own_grade_only(ward: Any) -> None:
    from tsunagu.accounts.models import RoleAssignment, User
    from tsunagu.learning_summaries.imports import test_results_plan
    from tsunagu.org.models import GradeLevel

    head = User.objects.create_user(username="p4_head", password="x")
    with system_scope(reason="test: a grade head of 4年"):
        RoleAssignment.objects.create(
            user=head,
            role="grade_head",
            school_year=ward.school_year,
            school=ward.schools["sakura"],
            grade_level=GradeLevel.objects.get(code="P4"),
        )
    day = _day(ward).isoformat()
    rows = [
        f"単元テスト,算数 小テスト,{day},,4,1組,1,,算数,8,10",
        f"単元テスト,算数 小テスト,{day},,5,1組,1,,算数,8,10",
    ]
    plan = test_results_plan(actor=head, school=ward.schools["sakura"], data=_csv(ward, rows))
    assert len(plan.rows) == 1 and plan.rows[0].enrolment.grade_level.code == "P4"
    assert [(p.row, p.column) for p in plan.problems] == [(3, "学年")]
