"""The check-in in a real browser (Playwright + chromium, fixtures of tsunagu/browser_tests): the pupil
answers on an iPad-sized screen in a handful of taps, the pages pass axe-core with no console or CSP
error, and the teacher's live summary shows the answer without a reload. Screenshots go to
artifacts/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tsunagu.browser_tests import conftest as browser_kit
from tsunagu.browser_tests.conftest import DESKTOP, IPAD, Page, _skip_reason
from tsunagu.core.scope import system_scope
from tsunagu.health import selectors, views
from tsunagu.health.models import HealthCheckIn, TalkRequest
from tsunagu.health.tests.builders import last_weekday
from tsunagu.org.models import DayKind, SchoolDay
from tsunagu.students.models import Student

# The browser fixtures of tsunagu/browser_tests, used here by name.
browser = browser_kit.browser
open_page = browser_kit.open_page
_flushable_audit_tables = browser_kit._flushable_audit_tables

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or ""),
]


def assert_clean(page: Page) -> None:
    assert page.errors == [], page.errors
    assert page.horizontal_overflow() <= 0, f"{page.page.url} is wider than the window"
    assert page.axe_violations() == []


@pytest.fixture
def school_day(ward: Any, monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """The latest weekday, a school day of the cast pupil's school, with no answer of theirs yet."""
    day = last_weekday(timezone.localdate())
    with system_scope(reason="browser test prepares the day"):
        pupil = Student.objects.get(user__username="student")
        school = pupil.enrolments.get(end_date__isnull=True).school
        SchoolDay.objects.filter(school=school, date=day).update(kind=DayKind.INSTRUCTIONAL)
        TalkRequest.objects.filter(student=pupil, check_in__session__date=day).delete()
        HealthCheckIn.objects.filter(student=pupil, session__date=day).delete()
    monkeypatch.setattr(selectors, "checkin_today", lambda: day)
    # No poll fires during the test: two live-server threads writing at once lock the in-memory SQLite
    # test database. The test asks htmx for the same refresh a poll makes.
    monkeypatch.setattr(views, "POLL_SECONDS", 600)
    return day


def test_a_pupil_checks_in_on_an_ipad_and_the_teacher_sees_it_live(
    open_page: Any, school_day: dt.date
) -> None:
    teacher = open_page("teacher", viewport=DESKTOP)
    teacher.open("/")
    teacher.page.click("nav.site-nav a:has-text('健康観察')")
    teacher.settle()
    assert_clean(teacher)
    talks_before = teacher.page.locator(".talk-item").count()

    pupil = open_page("student", viewport=IPAD)
    started = time.monotonic()
    pupil.open("/health/checkin/")
    pupil.screenshot("health-checkin-form-ipad")
    assert_clean(pupil)
    # Five taps: the weather, a symptom, whom to talk to, "next", "send".
    pupil.page.click("label[for=mood-rainy]")
    pupil.page.click("label[for=symptom-headache]")
    pupil.page.click("label[for=talk-1]")
    pupil.page.click("button[value=confirm]")
    pupil.settle()
    pupil.screenshot("health-checkin-confirm-ipad")
    assert_clean(pupil)
    pupil.page.click("button[value=send]")
    pupil.settle()
    elapsed = time.monotonic() - started
    assert elapsed < 20
    assert "見ていないよ" in pupil.page.inner_text("#pupil-status")
    pupil.screenshot("health-checkin-sent-ipad")
    assert_clean(pupil)

    # The teacher's summary refreshes its fragment as a poll does: the pupil's wish to talk appears
    # without a reload of the page.
    teacher.page.evaluate(
        "htmx.ajax('GET', window.location.pathname, {target: '#summary-live', swap: 'outerHTML'})"
    )
    # A locator assertion, not wait_for_function: our CSP forbids the eval a string predicate needs.
    expect(teacher.page.locator(".talk-item")).to_have_count(talks_before + 1, timeout=10_000)
    assert teacher.errors == []
    teacher.screenshot("health-class-summary-desktop")


def test_the_nurse_records_a_visit_on_an_ipad_in_a_few_taps(open_page: Any, school_day: dt.date) -> None:
    """Search by kana, choose the pupil, tap the kind, a complaint, the outcome, save; then the day's
    list, the daily log and the statistics pass axe with no console or CSP error."""
    from tsunagu.health.models import NurseVisit
    from tsunagu.org.models import School

    with system_scope(reason="browser test finds the nurse's school"):
        pupil = Student.objects.get(user__username="student")
        school = School.objects.get(pk=pupil.enrolments.get(end_date__isnull=True).school_id)
        before = NurseVisit.objects.filter(student=pupil).count()
    nurse = open_page("nurse", viewport=IPAD)
    nurse.open(f"/health/schools/{school.uuid}/visits/new/")
    nurse.page.fill("#q", pupil.family_name_kana)
    expect(nurse.page.locator(".pupil-result").first).to_be_visible(timeout=10_000)
    assert_clean(nurse)
    nurse.page.locator(".pupil-result", has_text=pupil.full_name).first.click()
    nurse.settle()
    nurse.page.fill("#time_in", "10:05")
    nurse.page.click("label[for=category-illness]")
    nurse.page.click("label[for=complaints-stomach_ache]")
    nurse.page.click("label[for=first_aid-rest]")
    nurse.page.fill("#time_out", "10:40")
    nurse.page.click("label[for=outcome-rest_then_class]")
    nurse.screenshot("health-visit-entry-ipad")
    assert_clean(nurse)
    nurse.page.click(".visit-actions button[type=submit]")
    nurse.settle()
    with system_scope(reason="browser test counts the visits"):
        assert NurseVisit.objects.filter(student=pupil).count() == before + 1
    for path, name in [
        (f"/health/schools/{school.uuid}/visits/", "health-visits-day-ipad"),
        (f"/health/schools/{school.uuid}/log/", "health-daily-log-ipad"),
        (f"/health/schools/{school.uuid}/visit-statistics/", "health-visit-statistics-ipad"),
    ]:
        nurse.open(path)
        nurse.screenshot(name)
        assert_clean(nurse)
    teacher = open_page("teacher", viewport=DESKTOP)
    teacher.open("/")
    teacher.screenshot("health-home-teacher-visits-desktop")
    assert_clean(teacher)
