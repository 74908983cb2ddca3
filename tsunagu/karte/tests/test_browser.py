"""The karte in a real browser (Playwright + chromium, fixtures of tsunagu/browser_tests) at iPad width
(1024 px) and in print, as ``teacher``, ``student`` and ``guardian``: each page loads without console or
CSP errors, fits the window, passes axe-core, and its screenshots are kept under docs/screenshots/
(``karte-*.png``) as well as artifacts/screenshots/."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from tsunagu.browser_tests import conftest as browser_kit
from tsunagu.browser_tests.conftest import Page, _skip_reason
from tsunagu.core.scope import system_scope
from tsunagu.karte.models import Insight, InsightStatus
from tsunagu.students.models import Enrolment, Student
from tsunagu.students.selectors import enrolled_on

browser = browser_kit.browser
open_page = browser_kit.open_page
_flushable_audit_tables = browser_kit._flushable_audit_tables

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or ""),
]

IPAD_LANDSCAPE = {"width": 1024, "height": 1366}
DOCS = Path(settings.BASE_DIR) / "docs" / "screenshots"


def keep(page: Page, name: str) -> None:
    """A full-page screenshot, kept in docs/screenshots/ too."""
    path = page.screenshot(name)
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, DOCS / f"{name}.png")


def assert_clean(page: Page) -> None:
    assert page.errors == [], page.errors
    assert page.horizontal_overflow() <= 0, f"{page.page.url} is wider than the window"
    assert page.axe_violations() == []


def _pupil_with_the_most_insights() -> Student:
    today = timezone.localdate()
    with system_scope(reason="browser test picks a pupil of 4年1組 with insights"):
        room_pupils = Enrolment.objects.filter(
            enrolled_on(today),
            homeroom__name="1組",
            homeroom__grade_level__code="P4",
            school__name__contains="さくら",
        ).values("student_id")
        counts: dict[int, int] = {}
        for sid in Insight.objects.filter(student_id__in=room_pupils, status=InsightStatus.OPEN).values_list(
            "student_id", flat=True
        ):
            counts[sid] = counts.get(sid, 0) + 1
        return Student.objects.get(pk=max(counts, key=lambda k: (counts[k], k)))


def test_the_teachers_karte_at_ipad_width_and_in_print(open_page: Any, ward: Any) -> None:
    pupil = _pupil_with_the_most_insights()
    page = open_page("teacher", viewport=IPAD_LANDSCAPE)
    page.open(f"/karte/pupils/{pupil.uuid}/")
    expect(page.page.locator("h2", has_text="気づき")).to_be_visible()
    expect(page.page.locator("h2", has_text="成績（教科）")).to_be_visible()
    expect(page.page.locator("svg.study-chart")).to_be_visible()
    keep(page, "karte-teacher-ipad")
    assert_clean(page)
    page.page.emulate_media(media="print")
    expect(page.page.locator(".insight__actions").first).to_be_hidden()
    keep(page, "karte-teacher-print")
    page.page.emulate_media(media="screen")
    page.page.locator("nav a", has_text="学級ボード").first.click()
    page.settle()
    expect(page.page.locator("table.board")).to_be_visible()
    keep(page, "karte-class-board-ipad")
    assert_clean(page)


def test_the_pupils_own_page_at_ipad_width(open_page: Any, ward: Any) -> None:
    page = open_page("student", viewport=IPAD_LANDSCAPE)
    page.open("/karte/me/")
    expect(page.page.locator("h1", has_text="自分のきろく")).to_be_visible()
    expect(page.page.locator("h2", has_text="心の天気")).to_be_visible()
    keep(page, "karte-student-ipad")
    assert_clean(page)


def test_the_guardians_summary_at_ipad_width_and_in_print(open_page: Any, ward: Any) -> None:
    with system_scope(reason="browser test finds the guardian's child"):
        child = Student.objects.get(user__username="student")
    page = open_page("guardian", viewport=IPAD_LANDSCAPE)
    page.open(f"/karte/children/{child.uuid}/")
    expect(page.page.locator("h2", has_text="今年度の出欠")).to_be_visible()
    keep(page, "karte-guardian-ipad")
    assert_clean(page)
    page.page.emulate_media(media="print")
    keep(page, "karte-guardian-print")
