"""在学証明書 and 教科用図書給与証明書: issued by the school's office or principal, numbered in the ledger,
printed with 和暦 dates and the principal's name."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.models import User
from tsunagu.core.models import AccessLog
from tsunagu.core.pdf import TYPST_DIR, _compiler
from tsunagu.core.wareki import wareki
from tsunagu.students import certificates
from tsunagu.students.models import CertificateIssue, CertificateKind
from tsunagu.students.tests import cast
from tsunagu.students.tests.cast import CastPlaces, ClientAs

pytestmark = pytest.mark.django_db

places = cast.places
as_user = cast.as_user


def _office() -> User:
    return User.objects.get(username="office")


def test_the_office_issues_an_enrolment_certificate_numbered_in_the_ledger(
    as_user: ClientAs, places: CastPlaces
) -> None:
    client = as_user("office")
    ledger = CertificateIssue.objects.visible_to(_office(), "view").filter(school=places.school)
    last = max(ledger.values_list("number", flat=True), default=0)
    url = reverse("students:student_certificate_new", args=[places.pupil.uuid])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "enrolment",
            "purpose": "児童手当の申請のため",
            "issued_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    issue = ledger.get(student=places.pupil, purpose="児童手当の申請のため")
    assert issue.number == last + 1 and issue.kind == CertificateKind.ENROLMENT
    assert issue.issuer_name == "江藤 美穂"
    assert issue.principal_name == "桜井　一郎"
    assert issue.content["class"] == "4年1組"
    ledger = client.get(response["Location"]).content.decode()
    assert "児童手当の申請のため" in ledger and places.pupil.full_name in ledger
    pdf = client.get(reverse("students:certificate_pdf", args=[issue.uuid]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "在学証明書" in pdf["Content-Disposition"] or "%E5%9C%A8" in pdf["Content-Disposition"]
    assert AccessLog.objects.filter(action="certificate", student_uuid=places.pupil.uuid).exists()
    second = certificates.certificate_issue(
        actor=_office(), student=places.pupil, kind=CertificateKind.TEXTBOOK, purpose="転学のため"
    )
    assert second.number == last + 2


def test_the_textbook_certificate_lists_the_grades_subjects_with_publishers(places: CastPlaces) -> None:
    issue = certificates.certificate_issue(
        actor=_office(),
        student=places.pupil,
        kind=CertificateKind.TEXTBOOK,
        purpose="転学のため",
        publishers={"JA": "光村図書出版", "MA": "東京書籍"},
    )
    books = {t["subject"]: t["publisher"] for t in issue.content["textbooks"]}
    # 4th grade: 国語 社会 算数 理科 音楽 図画工作 体育 道徳; no 外国語活動, 総合 or 特別活動 (no textbooks).
    assert books["国語"] == "光村図書出版" and books["算数"] == "東京書籍"
    assert {"社会", "理科", "音楽", "図画工作", "体育"} <= set(books)
    assert not {"外国語活動", "総合的な学習の時間", "特別活動", "生活", "家庭"} & set(books)
    assert certificates.certificate_pdf(issue).startswith(b"%PDF")


def test_a_certificate_needs_a_purpose_and_a_pupil_of_ones_school(places: CastPlaces) -> None:
    before = CertificateIssue.objects.visible_to(_office(), "view").count()
    with pytest.raises(ValidationError) as error:
        certificates.certificate_issue(actor=_office(), student=places.pupil, kind="enrolment", purpose=" ")
    assert "purpose" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        certificates.certificate_issue(
            actor=_office(),
            student=places.pupil,
            kind="enrolment",
            purpose="x",
            issued_on=timezone.localdate() + dt.timedelta(days=3),
        )
    assert "issued_on" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        certificates.certificate_issue(
            actor=_office(), student=places.other_school_pupil, kind="enrolment", purpose="x"
        )
    with pytest.raises(PermissionDenied):
        certificates.certificate_issue(
            actor=User.objects.get(username="teacher"), student=places.pupil, kind="enrolment", purpose="x"
        )
    assert CertificateIssue.objects.visible_to(_office(), "view").count() == before


def test_the_form_shows_errors_in_japanese(as_user: ClientAs, places: CastPlaces) -> None:
    url = reverse("students:student_certificate_new", args=[places.pupil.uuid])
    response = as_user("principal").post(url, {"kind": "enrolment", "purpose": "", "issued_on": ""})
    assert response.status_code == 200
    assert "field__error" in response.content.decode()


def test_the_certificate_looks_right_as_an_image(places: CastPlaces, monkeypatch: pytest.MonkeyPatch) -> None:
    """Render both certificates as PNG (artifacts/) for a look, and check the printed values."""
    for kind in (CertificateKind.ENROLMENT, CertificateKind.TEXTBOOK):
        issue = certificates.certificate_issue(
            actor=_office(),
            student=places.pupil,
            kind=kind,
            purpose="転学のため",
            publishers={"JA": "光村図書出版"},
        )
        data: dict[str, Any] = {}
        original = certificates.render_pdf

        def capture(template: str, values: Mapping[str, Any], original: Any = original) -> bytes:
            data.update(values)
            return original(template, values)

        monkeypatch.setattr(certificates, "render_pdf", capture)
        certificates.certificate_pdf(issue)
        monkeypatch.undo()
        assert data["issued_on"] == wareki(issue.issued_on) and data["issued_on"].startswith("令和")
        assert data["principal"] == "桜井　一郎"
        assert data["birth_date"].startswith(("平成", "令和"))
        png = _compiler().compile(
            input=str(Path(settings.PACKAGE_DIR) / certificates.TEMPLATES[kind]),
            format="png",
            ppi=60,
            sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        )
        pages = png if isinstance(png, list) else [png]
        assert len(pages) == 1, "a certificate fits on one page"
        out = Path(settings.BASE_DIR) / "artifacts" / f"students_certificate_{kind}.png"
        out.parent.mkdir(exist_ok=True)
        out.write_bytes(pages[0])
    assert TYPST_DIR.is_dir()
