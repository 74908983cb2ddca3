"""The nurse's office pages with the demo cast: the nurse finds a pupil by half-width kana and records a
visit in one POST; the class teacher sees the outline on the class summary (detail only when shared)
and writes the early leave with one tap; the daily log prints on one A4 page; reads are logged."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import jaconv
import pytest
from django.urls import reverse

from tsunagu.attendance.models import AttendanceMark, Mark
from tsunagu.core.models import AccessLog
from tsunagu.core.scope import system_scope
from tsunagu.health import selectors
from tsunagu.health.models import NurseVisit, RegisterState
from tsunagu.students.tests import cast
from tsunagu.students.tests.cast import CastPlaces, ClientAs

pytestmark = pytest.mark.django_db

places = cast.places
as_user = cast.as_user


def post_visit(client: Any, school_uuid: Any, pupil_uuid: Any, **data: Any) -> Any:
    fields = {"student": str(pupil_uuid), "time_in": "10:05", "category": "illness", **data}
    return client.post(reverse("health:nurse_visit_new", args=[school_uuid]), fields)


def test_the_nurse_finds_a_pupil_by_half_width_kana(
    as_user: ClientAs, places: CastPlaces, day: dt.date
) -> None:
    kana = places.pupil.family_name_kana
    half = jaconv.z2h(jaconv.hira2kata(kana))
    url = reverse("health:nurse_visit_new", args=[places.school.uuid])
    response = as_user("nurse").get(url, {"q": half, "search": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert places.pupil.full_name in response.content.decode()


def test_a_visit_is_saved_and_the_teacher_sees_only_the_outline(
    as_user: ClientAs, places: CastPlaces, day: dt.date
) -> None:
    nurse = as_user("nurse")
    response = post_visit(
        nurse,
        places.school.uuid,
        places.pupil.uuid,
        complaints=["stomach_ache"],
        temperature="37.2",
        note="家で眠れていないと話した",
        time_out="10:40",
        outcome="rest_then_class",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with system_scope(reason="test"):
        visit = NurseVisit.objects.get(student=places.pupil, date=day, time_in=dt.time(10, 5))
    summary = as_user("teacher").get(reverse("health:class_summary", args=[places.homeroom.uuid]))
    html = summary.content.decode()
    assert "休養後に教室へ復帰" in html and "10:05" in html
    assert (
        "家で眠れていない" not in html and "腹痛" not in html.split("visits-head")[1].split("</section>")[0]
    )
    with system_scope(reason="test"):
        assert AccessLog.objects.filter(object_uuid=visit.uuid, actor_username="teacher").exists()
    # The nurse shares it: now the teacher reads the detail.
    edit = reverse("health:nurse_visit_edit", args=[visit.uuid])
    fields = {"time_in": "10:05", "category": "illness", "complaints": ["stomach_ache"], "time_out": "10:40"}
    fields |= {"outcome": "rest_then_class", "note": "家で眠れていないと話した", "shared_with_teacher": "on"}
    assert nurse.post(edit, fields).status_code == 302
    html = (
        as_user("teacher").get(reverse("health:class_summary", args=[places.homeroom.uuid])).content.decode()
    )
    assert "家で眠れていない" in html


def test_bad_input_comes_back_in_japanese(as_user: ClientAs, places: CastPlaces, day: dt.date) -> None:
    response = post_visit(as_user("nurse"), places.school.uuid, places.pupil.uuid, temperature="44.0")
    assert response.status_code == 200
    assert "体温は34.0〜43.0の間で入れてください。" in response.content.decode()


def test_an_early_leave_goes_to_the_register_from_the_nurses_entry(
    as_user: ClientAs, places: CastPlaces, day: dt.date
) -> None:
    with system_scope(reason="test clears the day's marks"):
        AttendanceMark.objects.filter(student=places.pupil, date=day).delete()
    response = post_visit(
        as_user("nurse"),
        places.school.uuid,
        places.pupil.uuid,
        complaints=["fever"],
        time_out="11:20",
        outcome="early_leave",
        guardian_contacted_at="10:50",
        guardian_contact="mother",
    )
    assert response.status_code == 302
    with system_scope(reason="test"):
        visit = NurseVisit.objects.filter(student=places.pupil, date=day).latest("created_at")
    assert visit.register_state == RegisterState.WRITTEN  # entered once, by the nurse
    with system_scope(reason="test"):
        mark = AttendanceMark.objects.get(student=places.pupil, date=day)
    assert (mark.kind, mark.left_at) == (Mark.EARLY_LEAVE, dt.time(11, 20))


def test_the_daily_log_prints_on_one_a4_page(as_user: ClientAs, places: CastPlaces, day: dt.date) -> None:
    nurse = as_user("nurse")
    post_visit(nurse, places.school.uuid, places.pupil.uuid, time_out="10:30", outcome="back_to_class")
    url = reverse("health:daily_log", args=[places.school.uuid])
    saved = nurse.post(
        f"{url}?date={day.isoformat()}", {"weather": "cloudy", "events": "避難訓練", "remarks": ""}
    )
    assert saved.status_code == 302
    page = nurse.get(url, {"date": day.isoformat()}).content.decode()
    assert "避難訓練" in page
    pdf = nurse.get(reverse("health:daily_log_pdf", args=[places.school.uuid]), {"date": day.isoformat()})
    assert pdf["Content-Type"] == "application/pdf"
    assert _pages(pdf.content) == 1
    # The principal reads the log but cannot write it.
    principal = as_user("principal")
    assert principal.get(url, {"date": day.isoformat()}).status_code == 200
    assert principal.post(f"{url}?date={day.isoformat()}", {"weather": "sunny"}).status_code == 403
    assert selectors.daily_log_get(actor=_nurse(), school=places.school, day=day).entry is not None


def _nurse() -> Any:
    from tsunagu.accounts.models import User

    return User.objects.get(username="nurse")


def _pages(pdf: bytes) -> int:
    """Pages of a PDF by its page objects (Typst writes ``/Type /Page`` once per page)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_the_statistics_page_shows_the_counts(as_user: ClientAs, places: CastPlaces, day: dt.date) -> None:
    response = as_user("nurse").get(reverse("health:nurse_stats", args=[places.school.uuid]))
    assert response.status_code == 200
    assert "けがの場所別" in response.content.decode()


def test_office_staff_and_the_teacher_reach_no_visit_list(
    as_user: ClientAs, places: CastPlaces, day: dt.date
) -> None:
    for username in ("office", "teacher", "helpdesk", "guardian", "student"):
        url = reverse("health:nurse_visits", args=[places.school.uuid])
        assert as_user(username).get(url).status_code == 403
