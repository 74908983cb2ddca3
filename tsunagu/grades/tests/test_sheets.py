"""成績個票: the class's sheets as a page, one PDF (a page per pupil, Japanese text) and one workbook (a
worksheet per pupil, Japanese font); the values are the ones the class list shows."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from tsunagu.accounts.models import User
from tsunagu.core.pdf import _compiler
from tsunagu.core.tests.access_matrix import find_places
from tsunagu.grades import selectors, sheets
from tsunagu.org.models import Term

pytestmark = pytest.mark.django_db


def _term(places: Any, number: int = 1) -> Term:
    return Term.objects.get(school=places.school, school_year=places.homeroom.school_year, number=number)


def test_sheets_agree_with_the_class_list(ward: Any) -> None:
    places = find_places(ward)
    teacher = User.objects.get(username="teacher")
    term = _term(places)
    data = selectors.grade_sheets_get(actor=teacher, homeroom=places.homeroom, term=term)
    listing = selectors.class_list_get(actor=teacher, homeroom=places.homeroom, term=term)
    assert [s.student.pk for s in data] == [r.student.pk for r in listing.rows]
    for sheet, row in zip(data, listing.rows, strict=True):
        by_subject = {r.subject.pk: r for r in sheet.results}
        for plan, result in zip(listing.plans, row.by_subject, strict=True):
            assert result is not None and by_subject[plan.subject_id].rating == result.rating
        assert sheet.attendance is not None and sheet.attendance.days_instructional > 0
    japanese = next(p for p in listing.plans if p.subject.code == "JA")
    average = listing.averages[listing.plans.index(japanese)]
    assert average is not None and data[0].class_averages[japanese.subject_id] == average.quantize(
        average.__class__("0.1")
    )


def test_page_pdf_and_excel(ward: Any, client_as: Any) -> None:
    places = find_places(ward)
    client = client_as("teacher")
    url = reverse("grades:sheets", args=[places.homeroom.uuid, 1])
    page = client.get(url)
    assert page.status_code == 200
    count = len(page.context["sheets"])
    assert count > 3 and "知識・技能" in page.content.decode()
    one = client.get(url, {"pupil": str(places.classmate.uuid)})
    assert [s.student for s in one.context["sheets"]] == [places.classmate]
    assert client.get(url, {"pupil": str(places.other_class_pupil.uuid)}).status_code == 404
    pdf = client.get(url, {"format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "no-store" in pdf["Cache-Control"]
    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert len(book.worksheets) == count
    ws = book.worksheets[0]
    assert ws["A1"].value == "成績個票" and ws["A1"].font.name == "BIZ UDゴシック"
    assert ws.cell(row=5, column=2).value == "知識・技能"
    assert places.homeroom.display_name in ws["A3"].value
    grades = {ws.cell(row=r, column=c).value for r in range(6, 16) for c in (2, 3, 4)}
    assert grades & {"A", "B", "C"}


def test_the_pdf_has_a_page_per_pupil_and_renders_japanese(ward: Any) -> None:
    """Render the class's sheets as PNG (artifacts/grades_sheet.png, first page) for a look."""
    places = find_places(ward)
    teacher = User.objects.get(username="teacher")
    data = selectors.grade_sheets_get(actor=teacher, homeroom=places.homeroom, term=_term(places))
    values = sheets.sheets_data(data)
    assert values["sheets"][0]["subjects"][0]["name"] == "国語"
    png = _compiler().compile(
        input=str(Path(settings.PACKAGE_DIR) / sheets.TEMPLATE),
        format="png",
        ppi=60,
        sys_inputs={"data": json.dumps(values, ensure_ascii=False)},
    )
    pages = png if isinstance(png, list) else [png]
    assert len(pages) == len(data)
    out = Path(settings.BASE_DIR) / "artifacts" / "grades_sheet.png"
    out.parent.mkdir(exist_ok=True)
    out.write_bytes(pages[0])


def test_the_grade_summary_adds_up_the_classes(ward: Any, client_as: Any) -> None:
    places = find_places(ward)
    url = reverse("grades:grade_summary", args=[places.homeroom.uuid, 1])
    response = client_as("principal").get(url)
    assert response.status_code == 200
    data = response.context["data"]
    assert places.homeroom in data.homerooms and data.scale == 3
    principal = User.objects.get(username="principal")
    listing = selectors.class_list_get(actor=principal, homeroom=places.homeroom, term=_term(places))
    at = data.homerooms.index(places.homeroom)
    for summary in data.subjects:
        mine = summary.by_class[at]
        plan = next(p for p in listing.plans if p.subject_id == summary.subject.pk)
        i = listing.plans.index(plan)
        assert mine.ratings == listing.distributions[i] and mine.average == listing.averages[i]
        for rating, n in summary.grade.ratings.items():
            assert n == sum(t.ratings[rating] for t in summary.by_class)
        assert summary.grade.pupils == sum(t.pupils for t in summary.by_class)
    assert "国語" in response.content.decode()
    assert client_as("teacher").get(url).status_code == 403
