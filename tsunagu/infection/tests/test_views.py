"""The infection pages through the real paths: the nurse records and confirms, the list shows the
pupil, the principal decides a proposal, the board sees counts only; class-I reads are logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tsunagu.accounts.models import User
from tsunagu.accounts.testing import force_login
from tsunagu.attendance.models import AttendanceMark, Closure, Mark
from tsunagu.core.models import AccessLog
from tsunagu.core.scope import system_scope
from tsunagu.infection import services, views
from tsunagu.infection.models import ClosureProposal, InfectionStatus, SchoolInfection
from tsunagu.infection.tests.builders import TODAY, InfectionSchool

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "_today", lambda: dt.date(2026, 11, 16))
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def login(user: User) -> Client:
    client = Client()
    force_login(client, user, mfa=True)
    return client


def test_nurse_records_confirms_and_the_register_follows(site: InfectionSchool) -> None:
    nurse = login(site.nurse)
    pupil = site.pupils[0]
    found = nurse.get(reverse("infection:diagnosis_new", args=[site.school.uuid]), {"q": "けいそく"})
    assert found.status_code == 200 and str(pupil.uuid) in found.content.decode()
    response = nurse.post(
        reverse("infection:diagnosis_new", args=[site.school.uuid]),
        {
            "student": str(pupil.uuid),
            "disease": "influenza",
            "onset_date": "2026-11-02",
            "diagnosed_on": "2026-11-02",
        },
    )
    assert response.status_code == 302
    with system_scope(reason="test"):
        infection = SchoolInfection.objects.get(student=pupil)
    page = nurse.get(response["Location"]).content.decode()
    assert "発症日（0日目）11/2（月） → 5日を経過: 11/7（土）まで" in page
    assert "解熱日が未入力" in page
    confirmed = nurse.post(
        reverse("infection:confirm", args=[infection.uuid]),
        {"first_day": "2026-11-02", "last_day": "2026-11-07"},
    )
    assert confirmed.status_code == 302
    with system_scope(reason="test"):
        days = sorted(
            AttendanceMark.objects.filter(student=pupil, kind=Mark.SUSPENDED_INFECTION).values_list(
                "date", flat=True
            )
        )
        assert AccessLog.objects.filter(actor=site.nurse, object_uuid=infection.uuid).exists()
    assert [d.day for d in days] == [2, 4, 5, 6]
    listing = login(site.principal).get(reverse("infection:school", args=[site.school.uuid])).content.decode()
    assert pupil.full_name in listing and "暫定" in listing


def test_bad_input_shows_japanese_errors(site: InfectionSchool) -> None:
    nurse = login(site.nurse)
    response = nurse.post(
        reverse("infection:diagnosis_new", args=[site.school.uuid]),
        {
            "student": str(site.pupils[0].uuid),
            "disease": "measles",
            "onset_date": "2026-11-10",
            "fever_end_date": "2026-11-09",
        },
    )
    assert response.status_code == 200
    assert "解熱日は発症日と同じか後の日にしてください。" in response.content.decode()
    with system_scope(reason="test"):
        assert not SchoolInfection.objects.filter(student=site.pupils[0]).exists()
    infection = services.infection_record(
        actor=site.nurse,
        student=site.pupils[0],
        disease="influenza",
        onset_date=dt.date(2026, 11, 2),
        today=TODAY,
    )
    adjusted = nurse.post(
        reverse("infection:confirm", args=[infection.uuid]),
        {"first_day": "2026-11-04", "last_day": "2026-11-07"},
    )
    assert adjusted.status_code == 400
    assert "理由を入れてください" in adjusted.content.decode()
    infection.refresh_from_db()
    assert infection.status == InfectionStatus.PROPOSED


def test_principal_decides_a_proposal_from_the_page(site: InfectionSchool) -> None:
    with system_scope(reason="test: three pupils away"):
        for pupil in site.pupils[:3]:
            AttendanceMark.objects.create(
                student=pupil,
                school=site.school,
                homeroom=site.room,
                date=dt.date(2026, 11, 16),
                kind=Mark.ABSENT_ILLNESS,
            )
    principal = login(site.principal)
    page = principal.get(reverse("infection:proposals", args=[site.school.uuid])).content.decode()
    assert "在籍10人中3人が欠席（30%）" in page
    with system_scope(reason="test"):
        proposal = ClosureProposal.objects.get(homeroom=site.room)
    prefix = str(proposal.uuid)
    response = principal.post(
        reverse("infection:proposal_decide", args=[proposal.uuid]),
        {
            f"{prefix}-scope": "homeroom",
            f"{prefix}-start_date": "2026-11-17",
            f"{prefix}-end_date": "2026-11-18",
            f"{prefix}-reason": "インフルエンザの流行による学級閉鎖",
        },
    )
    assert response.status_code == 302
    closure = Closure.objects.get(homeroom=site.room)
    assert (closure.start_date, closure.end_date) == (dt.date(2026, 11, 17), dt.date(2026, 11, 18))


def test_board_sees_counts_without_names(site: InfectionSchool) -> None:
    infection = services.infection_record(
        actor=site.nurse,
        student=site.pupils[0],
        disease="influenza",
        onset_date=dt.date(2026, 11, 12),
        fever_end_date=dt.date(2026, 11, 13),
        today=TODAY,
    )
    services.infection_confirm(actor=site.nurse, infection=infection)
    page = login(site.board).get(reverse("infection:ward")).content.decode()
    assert site.school.name in page and "インフルエンザ" in page
    assert site.pupils[0].given_name not in page
    later = login(site.board).get(reverse("infection:ward"), {"date": "2026-11-20"}).content.decode()
    assert "インフルエンザ" not in later  # over by then: no disease column


def test_csv_has_the_documented_columns(site: InfectionSchool) -> None:
    response = login(site.nurse).get(
        reverse("infection:daily_report", args=[site.school.uuid]), {"date": "2026-11-16"}
    )
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "学校コード,学校名,日付,学年,学級,在籍者数,区分,疾病名・症状,人数"


def test_board_sets_the_threshold(site: InfectionSchool) -> None:
    board = login(site.board)
    refused = board.post(reverse("infection:settings"), {"threshold_percent": "0"})
    assert refused.status_code == 200 and 'class="field__error"' in refused.content.decode()
    assert services.closure_threshold(site.school) == (20, None)
    saved = board.post(reverse("infection:settings"), {"threshold_percent": "30", "threshold_pupils": "5"})
    assert saved.status_code == 302
    assert services.closure_threshold(site.school) == (30, 5)
    assert login(site.nurse).get(reverse("infection:settings")).status_code == 403
