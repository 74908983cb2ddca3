"""Roster exports (Excel, CSV, PDF): who may export what, the same rows and filters as the page, 住所秘匿,
Japanese file names and the audit trail."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tsunagu.core.models import AccessLog, AuditEvent
from tsunagu.core.scope import system_scope
from tsunagu.students.models import Enrolment
from tsunagu.students.tests import cast
from tsunagu.students.tests.cast import CastPlaces, ClientAs

pytestmark = pytest.mark.django_db

places = cast.places
as_user = cast.as_user


def _homeroom_url(places: CastPlaces, fmt: str) -> str:
    return reverse("students:homeroom_roster_export", args=[places.homeroom.uuid, fmt])


def _school_url(places: CastPlaces, fmt: str) -> str:
    return reverse("students:school_roster_export", args=[places.school.uuid, fmt])


def _sheet(content: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def _class_size(places: CastPlaces) -> int:
    with system_scope(reason="test counts the class"):
        return Enrolment.objects.filter(homeroom=places.homeroom, end_date__isnull=True).count()


def test_the_teacher_exports_their_class_as_excel(as_user: ClientAs, places: CastPlaces) -> None:
    response = as_user("teacher").get(_homeroom_url(places, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = unquote(response["Content-Disposition"])
    assert "さくら小_4年1組_名簿_" in disposition and ".xlsx" in disposition
    rows = _sheet(response.content)
    assert rows[0][:6] == ["学級", "出席番号", "氏名", "ふりがな", "性別", "生年月日"]
    assert "配慮" in rows[0]
    assert len(rows) - 1 == _class_size(places)
    numbers = [r[1] for r in rows[1:] if r[1] is not None]
    assert numbers and all(isinstance(n, int) for n in numbers)
    assert numbers == sorted(numbers)
    book = load_workbook(io.BytesIO(response.content))
    assert book.active.freeze_panes == "A2"
    assert book.active.column_dimensions["C"].width == 16
    assert rows[1][5].startswith("H")  # 和暦 short form, as the page shows it (平成/令和)


def test_the_teacher_may_not_export_another_class_or_the_school(
    as_user: ClientAs, places: CastPlaces
) -> None:
    teacher = as_user("teacher")
    assert places.other_homeroom is not None
    assert (
        teacher.get(
            reverse("students:homeroom_roster_export", args=[places.other_homeroom.uuid, "xlsx"])
        ).status_code
        == 404
    )
    assert teacher.get(_school_url(places, "csv")).status_code == 403


def test_the_csv_is_utf8_with_bom_or_shift_jis(as_user: ClientAs, places: CastPlaces) -> None:
    office = as_user("office")
    utf8 = office.get(_homeroom_url(places, "csv")).content
    assert utf8.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(utf8.decode("utf-8-sig"))))
    assert rows[0][0] == "学級" and len(rows) - 1 == _class_size(places)
    sjis = office.get(_homeroom_url(places, "csv"), {"encoding": "sjis"}).content
    assert not sjis.startswith(b"\xef\xbb\xbf")
    assert next(iter(csv.reader(io.StringIO(sjis.decode("cp932"))))) == rows[0]


def test_the_export_honours_the_pages_filters_and_search(as_user: ClientAs, places: CastPlaces) -> None:
    office = as_user("office")
    whole = list(csv.reader(io.StringIO(office.get(_school_url(places, "csv")).content.decode("utf-8-sig"))))
    grade = list(
        csv.reader(
            io.StringIO(office.get(_school_url(places, "csv"), {"grade": "P4"}).content.decode("utf-8-sig"))
        )
    )
    assert 1 < len(grade) < len(whole)
    assert all(row[0].startswith("4年") or "学級" in row[0] for row in grade[1:])
    name = places.pupil.family_name
    found = list(
        csv.reader(
            io.StringIO(
                office.get(_school_url(places, "csv"), {"grade": "P4", "q": name}).content.decode("utf-8-sig")
            )
        )
    )
    assert 1 < len(found) < len(grade)
    assert all(row[2].startswith(name) for row in found[1:])
    response = office.get(_school_url(places, "xlsx"), {"grade": "P4"})
    assert "さくら小_4年_名簿_" in unquote(response["Content-Disposition"])


def test_addresses_of_protected_pupils_only_for_principal_and_office(
    as_user: ClientAs, places: CastPlaces
) -> None:
    protected = places.protected_pupil
    assert protected is not None
    for username, sees in (("office", True), ("principal", True), ("teacher", False)):
        rows = _sheet(as_user(username).get(_homeroom_url(places, "xlsx")).content)
        header = rows[0]
        assert "住所" in header
        at = header.index("住所")
        line = next(r for r in rows[1:] if r[2] == protected.full_name)
        assert bool(line[at]) is sees, username
        assert (protected.address in str(line[at])) is sees
        # Other pupils' addresses are there for the teacher.
        other = next(r for r in rows[1:] if r[2] == places.pupil.full_name)
        assert other[at]
    csv_text = as_user("teacher").get(_homeroom_url(places, "csv")).content.decode("utf-8-sig")
    assert protected.full_name in csv_text and protected.address not in csv_text
    pdf = as_user("teacher").get(_homeroom_url(places, "pdf")).content
    assert pdf.startswith(b"%PDF")


def test_the_pdf_is_a_printable_roster(as_user: ClientAs, places: CastPlaces) -> None:
    response = as_user("principal").get(_school_url(places, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "inline" in response["Content-Disposition"]
    assert "さくら小_名簿_" in unquote(response["Content-Disposition"])


def test_every_export_is_in_the_audit_trail(as_user: ClientAs, places: CastPlaces) -> None:
    before = AccessLog.objects.filter(action="export").count()
    as_user("teacher").get(_homeroom_url(places, "csv"))
    logged = AccessLog.objects.filter(action="export").order_by("-id")[: _class_size(places)]
    assert AccessLog.objects.filter(action="export").count() - before == _class_size(places)
    assert {row.actor_username for row in logged} == {"teacher"}
    assert places.pupil.uuid in {row.student_uuid for row in logged}
    event = AuditEvent.objects.filter(kind="export").latest("id")
    assert "さくら小_4年1組_名簿_" in event.detail["file"]


def test_an_unknown_format_is_404(as_user: ClientAs, places: CastPlaces) -> None:
    assert as_user("office").get(_homeroom_url(places, "docx")).status_code == 404


def test_the_roster_pages_offer_the_export_to_those_who_may(as_user: ClientAs, places: CastPlaces) -> None:
    page = reverse("students:homeroom_roster", args=[places.homeroom.uuid])
    assert _homeroom_url(places, "xlsx") in as_user("teacher").get(page).content.decode()
    assert "export.xlsx" not in as_user("nurse").get(page).content.decode()
    school_page = reverse("students:school_roster", args=[places.school.uuid])
    fragment = as_user("office").get(school_page, {"grade": "P4"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="roster-export" hx-swap-oob="true"' in fragment and "grade=P4" in fragment


def test_the_pdf_roster_as_an_image(
    as_user: ClientAs, places: CastPlaces, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The class roster's first page as PNG (artifacts/) for a look; a class per page, header repeated."""
    import json
    from collections.abc import Mapping
    from pathlib import Path

    from django.conf import settings

    from tsunagu.core.pdf import _compiler
    from tsunagu.students import exports

    captured: dict[str, Any] = {}
    original = exports.render_pdf

    def capture(template: str, data: Mapping[str, Any], original: Any = original) -> bytes:
        captured.update(template=template, data=dict(data))
        return original(template, data)

    monkeypatch.setattr(exports, "render_pdf", capture)
    as_user("teacher").get(_homeroom_url(places, "pdf"))
    data = captured["data"]
    assert data["columns"] == ["出席番号", "氏名", "ふりがな", "性別", "生年月日", "保護者", "連絡先", "配慮"]
    assert len(data["groups"]) == 1 and len(data["groups"][0]["rows"]) == _class_size(places)
    pages = _compiler().compile(
        input=str(Path(settings.PACKAGE_DIR) / captured["template"]),
        format="png",
        ppi=60,
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
    )
    first = pages[0] if isinstance(pages, list) else pages
    out = Path(settings.BASE_DIR) / "artifacts" / "students_roster_pdf.png"
    out.parent.mkdir(exist_ok=True)
    out.write_bytes(first)
