"""The measurement CSV import through its page: every problem as row, column and message; all or
nothing; idempotent; UTF-8 with and without BOM and Shift_JIS; pupils by class and number or by ID."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tsunagu.checkups.models import GeneralExamRecord
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import Places
from tsunagu.students.models import Enrolment

pytestmark = pytest.mark.django_db


def _record(enrolment: Enrolment, ward: Any) -> GeneralExamRecord | None:
    with system_scope(reason="test reads a record"):
        return GeneralExamRecord.objects.filter(
            exam__student=enrolment.student, exam__school_year=ward.school_year
        ).first()


def _upload(client: Any, places: Places, text: str, encoding: str = "utf-8") -> Any:
    url = reverse("checkups:import", args=[places.school.uuid])
    upload = SimpleUploadedFile("measure.csv", text.encode(encoding), content_type="text/csv")
    return client.post(url, {"file": upload}, HTTP_ACCEPT_LANGUAGE="ja")


def _confirm(client: Any, places: Places, response: Any) -> Any:
    html = response.content.decode()
    data = re.search(r'name="data" value="([^"]+)"', html)
    digest = re.search(r'name="digest" value="([^"]+)"', html)
    assert data and digest, "no confirmation form"
    url = reverse("checkups:import", args=[places.school.uuid])
    return client.post(url, {"data": data.group(1), "digest": digest.group(1), "confirm": "1"})


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_a_good_file_is_previewed_then_written_and_a_second_import_changes_nothing(
    places: Places, class_enrolments: list[Any], client_as: Any, ward: Any, encoding: str
) -> None:
    first, second = class_enrolments[:2]
    text = (
        "学年,組,出席番号,氏名,測定日,身長,体重,視力右,視力左\r\n"
        f"4,1,{first.roll_number},{first.student.full_name},2026-04-15,１４２．５,36.1,1.0,0.7\r\n"
        f"4年,1組,{second.roll_number},,2026/4/15,143.0,,,\r\n"
    )
    nurse = client_as("nurse")
    before = _record(second, ward)
    preview = _upload(nurse, places, text, encoding)
    assert preview.status_code == 200
    assert "まだ何も書き込んでいません" in preview.content.decode()
    unwritten = _record(first, ward)
    assert unwritten is None or unwritten.height_cm != Decimal("142.5")
    done = _confirm(nurse, places, preview)
    assert done.status_code == 302
    record = _record(first, ward)
    assert record is not None
    assert (record.height_cm, record.weight_kg, record.vision_right, record.vision_left) == (
        Decimal("142.5"),
        Decimal("36.1"),
        Decimal("1.00"),
        Decimal("0.70"),
    )
    other = _record(second, ward)
    assert other is not None and other.height_cm == Decimal("143.0")
    assert other.weight_kg == (before.weight_kg if before else None), "a blank cell leaves the value"
    again = _upload(nurse, places, text, encoding)
    assert "記録済みです" in again.content.decode()
    assert 'name="confirm"' not in again.content.decode()


def test_problems_are_listed_by_row_and_column_and_nothing_is_written(
    places: Places, class_enrolments: list[Any], client_as: Any, ward: Any
) -> None:
    first, second, third = class_enrolments[:3]
    before = _record(first, ward)
    text = (
        "学年,組,出席番号,氏名,身長,体重\n"
        f"4,1,{first.roll_number},,150.0,40.0\n"
        f"4,1,{second.roll_number},違う 名前,150.0,40.0\n"
        f"4,1,99,,150.0,40.0\n"
        f"4,1,{third.roll_number},,abc,400\n"
        f"4,1,{first.roll_number},,150.0,40.0\n"
    )
    response = _upload(client_as("nurse"), places, text)
    html = response.content.decode()
    assert "氏名が名簿と一致しません" in html
    assert "99番 の児童生徒はいません" in html
    assert "数字で入力してください" in html and "10.0 から 150.0" in html
    assert "2行目と同じ児童生徒です" in html
    assert 'name="confirm"' not in html
    after = _record(first, ward)
    assert (after.height_cm if after else None) == (before.height_cm if before else None)


def test_pupils_are_found_by_id_and_a_bad_header_is_refused(
    places: Places, class_enrolments: list[Any], client_as: Any, ward: Any
) -> None:
    pupil = class_enrolments[0]
    nurse = client_as("nurse")
    preview = _upload(nurse, places, f"児童生徒ID,体重\n{pupil.student.uuid},27.3\n")
    assert _confirm(nurse, places, preview).status_code == 302
    record = _record(pupil, ward)
    assert record is not None and record.weight_kg == Decimal("27.3")
    refused = _upload(nurse, places, "学年,組,番号,身長\n4,1,1,130\n")
    assert "知らない列があります: 番号" in refused.content.decode()
    other_school = _upload(nurse, places, f"児童生徒ID,体重\n{places.other_school_pupil.uuid},27.3\n")
    assert "このIDの児童生徒は本校にいません" in other_school.content.decode()
