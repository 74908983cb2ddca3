"""The check-in pages with the demo ward's cast: who may open what, the pupil's flow from weather to
"seen", the teacher's class entry and live summary, escalation, and the access log of class-I reads."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.models import RoleAssignment, User
from tsunagu.accounts.testing import force_login
from tsunagu.core.models import AccessLog
from tsunagu.core.scope import system_scope
from tsunagu.health import services
from tsunagu.health.models import HealthCheckIn, TalkRequest
from tsunagu.students.models import Student
from tsunagu.students.tests import cast
from tsunagu.students.tests.cast import CastPlaces, ClientAs

pytestmark = pytest.mark.django_db

places = cast.places
as_user = cast.as_user


def url(name: str, *args: Any) -> str:
    return reverse(f"health:{name}", args=args)


def html_of(response: Any) -> str:
    return response.content.decode()


def text_of(response: Any) -> str:
    """The page's text with furigana readings and tags removed (for phrases that carry ruby)."""
    html = re.sub(r"<rt>.*?</rt>|<rp>.*?</rp>", "", html_of(response))
    return re.sub(r"<[^>]+>", "", html)


# --- who may open what ------------------------------------------------------------------------------

CLASS_SUMMARY = {
    "teacher": 200,
    "nurse": 200,
    "principal": 200,
    "office": 403,  # office staff see no health data at all
    "outsider": 404,  # a homeroom teacher elsewhere: the class is out of scope
    "subject_teacher": 403,
    "board": 403,  # the board counts, it never opens a class
    "guardian": 403,
    "student": 403,
    "helpdesk": 403,
}
CLASS_ENTRY = {**CLASS_SUMMARY, "nurse": 403, "principal": 403}
SCHOOL_SUMMARY = {**{k: 403 for k in CLASS_SUMMARY}, "nurse": 200, "principal": 200}
WARD = {**{k: 403 for k in CLASS_SUMMARY}, "board": 200}
PUPIL_PAGE = {**{k: 403 for k in CLASS_SUMMARY}, "student": 200}


@pytest.mark.parametrize("username,status", CLASS_SUMMARY.items())
def test_class_summary_access(
    as_user: ClientAs, places: CastPlaces, day: dt.date, username: str, status: int
) -> None:
    assert as_user(username).get(url("class_summary", places.homeroom.uuid)).status_code == status


@pytest.mark.parametrize("username,status", CLASS_ENTRY.items())
def test_class_entry_access(
    as_user: ClientAs, places: CastPlaces, day: dt.date, username: str, status: int
) -> None:
    assert as_user(username).get(url("class_entry", places.homeroom.uuid)).status_code == status


@pytest.mark.parametrize("username,status", SCHOOL_SUMMARY.items())
def test_school_summary_access(
    as_user: ClientAs, places: CastPlaces, day: dt.date, username: str, status: int
) -> None:
    assert as_user(username).get(url("school_summary", places.school.uuid)).status_code == status


@pytest.mark.parametrize("username,status", WARD.items())
def test_ward_summary_access(as_user: ClientAs, day: dt.date, username: str, status: int) -> None:
    assert as_user(username).get(url("ward_summary")).status_code == status


@pytest.mark.parametrize("username,status", PUPIL_PAGE.items())
def test_pupil_page_access(as_user: ClientAs, day: dt.date, username: str, status: int) -> None:
    assert as_user(username).get(url("pupil_checkin")).status_code == status


def test_the_nurse_cannot_open_another_schools_class(
    as_user: ClientAs, places: CastPlaces, day: dt.date
) -> None:
    assert as_user("nurse").get(url("class_summary", places.outsider_homeroom.uuid)).status_code == 404


@pytest.mark.parametrize("name", ["pupil_checkin", "ward_summary"])
def test_anonymous_visitors_go_to_the_login(client: Client, name: str) -> None:
    response = client.get(url(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- the pupil's flow -------------------------------------------------------------------------------


def _send(client: Client, **data: Any) -> Any:
    base = {"period": "morning", "mood": "rainy", "symptoms": [], "comment": "", "talk_to": ""}
    base.update(data)
    confirm = client.post(url("pupil_checkin"), {**base, "action": "confirm"})
    assert confirm.status_code == 200
    assert "health/pupil_confirm.html" in [t.name for t in confirm.templates]
    return client.post(url("pupil_checkin"), {**base, "action": "send"})


def test_the_pupil_chooses_confirms_and_sends(as_user: ClientAs, places: CastPlaces, day: dt.date) -> None:
    pupil = as_user("student")
    page = pupil.get(url("pupil_checkin"))
    html = html_of(page)
    assert html.count('name="mood"') == 4 and html.count('<svg class="weather') >= 4
    assert 'name="symptoms"' in html and 'name="talk_to"' in html
    with system_scope(reason="test"):
        assert not HealthCheckIn.objects.filter(student=places.own_record, session__date=day).exists()
    response = _send(pupil, mood="rainy", symptoms=["stomach_ache"], comment="おなかがいたい")
    assert response.status_code == 302 and response["Location"] == url("pupil_checkin")
    with system_scope(reason="test"):
        check_in = HealthCheckIn.objects.get(student=places.own_record, session__date=day)
    assert (check_in.mood, check_in.symptoms, check_in.comment) == (
        "rainy",
        ["stomach_ache"],
        "おなかがいたい",
    )
    after = text_of(pupil.get(url("pupil_checkin")))
    assert "まだ見ていないよ" in after
    assert 'name="mood"' not in html_of(pupil.get(url("pupil_checkin")))  # answered: no form


def test_going_back_from_the_confirmation_keeps_the_choices(as_user: ClientAs, day: dt.date) -> None:
    pupil = as_user("student")
    data = {"period": "morning", "mood": "cloudy", "symptoms": ["cough"], "comment": "", "talk_to": ""}
    back = pupil.post(url("pupil_checkin"), {**data, "action": "edit"})
    html = html_of(back)
    assert 'value="cloudy" id="mood-cloudy" checked' in html
    assert 'value="cough" id="symptom-cough" checked' in html
    with system_scope(reason="test"):
        assert not HealthCheckIn.objects.filter(session__date=day, student__user__username="student").exists()


def test_a_missing_mood_is_explained_in_japanese(as_user: ClientAs, day: dt.date) -> None:
    response = as_user("student").post(url("pupil_checkin"), {"period": "morning", "action": "confirm"})
    assert response.status_code == 200
    assert "天気をえらんでください" in text_of(response)


def test_the_teacher_sees_the_answer_marks_it_seen_and_the_pupil_sees_that(
    as_user: ClientAs, places: CastPlaces, day: dt.date
) -> None:
    pupil = as_user("student")
    _send(pupil, mood="stormy", symptoms=["headache"])
    teacher = as_user("teacher")
    summary_url = url("class_summary", places.homeroom.uuid)
    summary = teacher.get(summary_url)
    lines = summary.context["summary"].attention
    assert places.own_record in [line.student for line in lines]
    assert "頭痛" in html_of(summary)
    session = summary.context["summary"].session
    marked = teacher.post(url("mark_seen", session.uuid), {"next": summary_url})
    assert marked.status_code == 302 and marked["Location"] == summary_url
    assert "先生が見たよ" in text_of(pupil.get(url("pupil_checkin")))


def test_a_talk_request_reaches_the_chosen_teacher_who_acknowledges_it(
    as_user: ClientAs, places: CastPlaces, day: dt.date
) -> None:
    pupil = as_user("student")
    options = pupil.get(url("pupil_checkin")).context["state"].talk_options
    teacher_option = next(o for o in options if o.role == "homeroom_teacher")
    assert {o.role for o in options} >= {"homeroom_teacher", "nurse", "principal"}
    _send(pupil, mood="rainy", talk_to=teacher_option.key)
    assert "伝えたよ" in text_of(pupil.get(url("pupil_checkin")))
    teacher = as_user("teacher")
    summary = teacher.get(url("class_summary", places.homeroom.uuid))
    (line,) = summary.context["summary"].talk_lines
    assert line.student == places.own_record
    acknowledged = teacher.post(url("talk_acknowledge", line.talk.uuid))
    assert acknowledged.status_code == 302
    assert "見たよ" in text_of(pupil.get(url("pupil_checkin")))
    # Someone without a claim on the request gets the same answer as for a missing one.
    assert as_user("outsider").post(url("talk_acknowledge", line.talk.uuid)).status_code == 404
    assert as_user("office").post(url("talk_acknowledge", line.talk.uuid)).status_code == 403


def test_a_request_nobody_answers_escalates_on_the_nurses_page(
    as_user: ClientAs, places: CastPlaces, day: dt.date
) -> None:
    pupil = as_user("student")
    options = pupil.get(url("pupil_checkin")).context["state"].talk_options
    _send(pupil, mood="stormy", talk_to=next(o.key for o in options if o.role == "homeroom_teacher"))
    with system_scope(reason="test: the response time has passed"):
        TalkRequest.objects.filter(student=places.own_record).update(
            respond_by=timezone.now() - dt.timedelta(minutes=1)
        )
    page = as_user("nurse").get(url("school_summary", places.school.uuid))
    summary = page.context["summary"]
    assert places.own_record in [t.student for t in summary.escalated]
    assert "養護教諭と校長" in html_of(page) or "エスカレーション" in html_of(page)
    assert "保健室の先生と校長先生" in text_of(pupil.get(url("pupil_checkin")))


def test_the_teacher_enters_for_the_whole_class(as_user: ClientAs, places: CastPlaces, day: dt.date) -> None:
    teacher = as_user("teacher")
    page = teacher.get(url("class_entry", places.homeroom.uuid))
    lines = page.context["summary"].lines
    assert len(lines) >= 2
    first, second = lines[0].student, lines[1].student
    response = teacher.post(
        url("class_entry", places.homeroom.uuid),
        {
            "period": "morning",
            f"mood-{first.uuid}": "sunny",
            f"mood-{second.uuid}": "",
            f"symptoms-{second.uuid}": ["fever", "cough"],
            f"comment-{second.uuid}": "欠席（保護者より電話）",
        },
    )
    assert response.status_code == 302
    with system_scope(reason="test"):
        rows = {
            c.student_id: c
            for c in HealthCheckIn.objects.filter(session__homeroom=places.homeroom, session__date=day)
        }
    assert rows[first.pk].mood == "sunny"
    assert rows[second.pk].symptoms == ["fever", "cough"] and rows[second.pk].source == "teacher"
    assert len(rows) == 2


def test_the_live_summary_answers_htmx_with_the_fragment_only(
    as_user: ClientAs, places: CastPlaces, day: dt.date
) -> None:
    response = as_user("teacher").get(url("class_summary", places.homeroom.uuid), HTTP_HX_REQUEST="true")
    html = html_of(response)
    assert "<html" not in html and 'id="summary-live"' in html and 'hx-trigger="every' in html


def test_the_teacher_opens_the_afternoon_check_in(
    as_user: ClientAs, places: CastPlaces, day: dt.date
) -> None:
    teacher = as_user("teacher")
    response = teacher.post(url("open_afternoon", places.homeroom.uuid))
    assert response.status_code == 302 and response["Location"].endswith("?period=afternoon")
    pupil = as_user("student")
    _send(pupil, mood="sunny")  # the morning
    state = pupil.get(url("pupil_checkin")).context["state"]
    assert state.next_open is not None and state.next_open.period == "afternoon"
    assert as_user("nurse").post(url("open_afternoon", places.homeroom.uuid)).status_code == 403


# --- class-I reads are logged -----------------------------------------------------------------------


def test_reading_check_ins_is_logged_once_per_session_and_day(
    as_user: ClientAs, places: CastPlaces, day: dt.date
) -> None:
    _send(as_user("student"), mood="rainy")
    with system_scope(reason="test"):
        check_in = HealthCheckIn.objects.get(student=places.own_record, session__date=day)
    teacher = as_user("teacher")
    summary_url = url("class_summary", places.homeroom.uuid)
    teacher.get(summary_url)
    teacher.get(summary_url, HTTP_HX_REQUEST="true")  # a poll: nothing new to log
    rows = AccessLog.objects.filter(actor_username="teacher", object_uuid=check_in.uuid)
    assert rows.count() == 1
    assert rows.get().student_uuid == places.own_record.uuid
    as_user("nurse").get(url("school_summary", places.school.uuid))
    assert AccessLog.objects.filter(actor_username="nurse", object_uuid=check_in.uuid).exists()
    assert not AccessLog.objects.filter(actor_username="office", model="health.HealthCheckIn").exists()


def test_pages_of_the_staff_never_show_health_data_to_office_staff(
    as_user: ClientAs, places: CastPlaces, day: dt.date
) -> None:
    _send(as_user("student"), mood="stormy", comment="ひみつのはなし")
    office = as_user("office")
    for page in (
        reverse("home"),
        url("class_summary", places.homeroom.uuid),
        url("school_summary", places.school.uuid),
    ):
        assert "ひみつのはなし" not in html_of(office.get(page))


# --- furigana for the younger pupils -----------------------------------------------------------------


def _first_grader_client(places: CastPlaces) -> Client:
    with system_scope(reason="test gives a first-grader a login"):
        pupil = (
            Student.objects.filter(
                enrolments__school=places.school,
                enrolments__grade_level__code="P1",
                enrolments__end_date__isnull=True,
                user__isnull=True,
            )
            .order_by("pk")
            .first()
        )
        assert pupil is not None
        user = User.objects.create_user("health-first-grader", password="unused-password-123")
        pupil.user = user
        pupil.save()
        year = places.homeroom.school_year
        RoleAssignment.objects.create(user=user, role="student", school_year=year)
    return force_login(Client(), user, mfa=False)


def test_first_graders_read_furigana_and_fourth_graders_do_not(
    as_user: ClientAs, places: CastPlaces, day: dt.date
) -> None:
    young = html_of(_first_grader_client(places).get(url("pupil_checkin")))
    assert "<ruby>今日<rp>（</rp><rt>きょう</rt>" in young
    assert "<ruby>" in young
    older = html_of(as_user("student").get(url("pupil_checkin")))
    assert "<rt>きょう</rt>" not in older and "今日" in older


def test_services_and_pages_agree_on_the_day(places: CastPlaces, day: dt.date) -> None:
    assert services.is_school_day(places.school.pk, day)


def test_a_guardians_absence_report_shows_in_the_summary_and_its_read_is_logged(
    as_user: ClientAs, places: CastPlaces, day: dt.date
) -> None:
    from tsunagu.attendance.models import AbsenceReport

    with system_scope(reason="test: a guardian reports an absence"):
        AbsenceReport.objects.filter(homeroom=places.homeroom, date=day).delete()
        report = AbsenceReport.objects.create(
            student=places.pupil,
            school=places.school,
            homeroom=places.homeroom,
            date=day,
            kind="absence",
            reason="illness",
            symptoms=["fever"],
            note="朝から39度",
        )
    page = as_user("teacher").get(url("class_summary", places.homeroom.uuid))
    assert "朝から39度" in html_of(page)
    assert [line.student for line in page.context["summary"].report_lines] == [places.pupil]
    assert AccessLog.objects.filter(actor_username="teacher", object_uuid=report.uuid).exists()
    assert "朝から39度" not in html_of(as_user("office").get(url("class_summary", places.homeroom.uuid)))


def test_the_pages_carry_no_inline_script_or_style(
    as_user: ClientAs, places: CastPlaces, day: dt.date
) -> None:
    """The Content-Security-Policy allows neither; the weather pictures are inline SVG without styles."""
    pages = [
        (as_user("student"), url("pupil_checkin")),
        (as_user("teacher"), url("class_summary", places.homeroom.uuid)),
        (as_user("teacher"), url("class_entry", places.homeroom.uuid)),
        (as_user("nurse"), url("school_summary", places.school.uuid)),
        (as_user("board"), url("ward_summary")),
    ]
    for client, page_url in pages:
        html = html_of(client.get(page_url))
        assert " style=" not in html, page_url
        assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None, page_url
        assert re.search(r"<[^>]+\son[a-z]+=", html) is None, page_url  # no inline event handlers
