"""The health exams in a real browser (Playwright + chromium, fixtures of tsunagu/browser_tests): the nurse
finds the exams in the menu, types a row of the grid with the keyboard alone (Tab across, Enter down),
sees a bad cell marked in Japanese, and the pupil's page shows the growth chart. Every page passes
axe-core with no console or CSP error. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from tsunagu.browser_tests import conftest as browser_kit
from tsunagu.browser_tests.conftest import DESKTOP, IPAD, Page, _skip_reason
from tsunagu.checkups.models import GeneralExamRecord
from tsunagu.core.scope import system_scope
from tsunagu.org.models import Homeroom
from tsunagu.students.models import Enrolment

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


def test_the_nurse_enters_a_row_by_keyboard_and_sees_the_growth_chart(open_page: Any, ward: Any) -> None:
    with system_scope(reason="browser test finds the class"):
        homeroom = Homeroom.objects.get(
            school=ward.schools["sakura"], school_year=ward.school_year, grade_level__code="P4", name="1組"
        )
        first, second = list(
            Enrolment.objects.filter(homeroom=homeroom, end_date__isnull=True)
            .select_related("student")
            .order_by("roll_number")[:2]
        )
    nurse = open_page("nurse", viewport=DESKTOP)
    nurse.open("/")
    nurse.page.click("nav.site-nav a:has-text('健康診断')")
    nurse.settle()
    expect(nurse.page.locator("h1")).to_have_text("健康診断")
    assert_clean(nurse)
    nurse.screenshot("checkups-school-desktop")

    nurse.page.click("tr:has-text('4年1組') a:has-text('身長・体重・視力')")
    nurse.settle()
    assert_clean(nurse)
    height = nurse.page.locator(f"#height_cm-{first.student.uuid}")
    height.fill("")
    height.type("141.3")
    nurse.page.keyboard.press("Tab")
    nurse.page.keyboard.type("33.8")
    nurse.page.keyboard.press("Enter")  # down to the next pupil's weight, not a submit
    expect(nurse.page.locator(f"#weight_kg-{second.student.uuid}")).to_be_focused()
    nurse.page.keyboard.press("Control+a")
    nurse.page.keyboard.type("300")  # digits pass the field's pattern; the range is the server's
    nurse.page.click("button.button--primary[type=submit]")
    nurse.settle()
    nurse.screenshot("checkups-measure-grid-error-desktop")
    expect(nurse.page.locator(".cell-error .field__error").first).to_have_text(
        "10.0 から 150.0 までの値を入力してください。"
    )
    assert_clean(nurse)
    with system_scope(reason="browser test reads the saved row"):
        record = GeneralExamRecord.objects.get(
            exam__student=first.student, exam__school_year=ward.school_year
        )
    assert (record.height_cm, record.weight_kg) == (Decimal("141.3"), Decimal("33.8"))

    nurse.open(f"/checkups/homerooms/{homeroom.uuid}/dental/")
    assert_clean(nurse)
    nurse.screenshot("checkups-dental-grid-desktop")

    on_ipad = open_page("nurse", viewport=IPAD)
    on_ipad.open(f"/checkups/pupils/{first.student.uuid}/")
    expect(on_ipad.page.locator("svg.growth-chart")).to_be_visible()
    assert_clean(on_ipad)
    on_ipad.screenshot("checkups-pupil-ipad")
    on_ipad.open(f"/checkups/homerooms/{homeroom.uuid}/follow-ups/")
    assert_clean(on_ipad)
    on_ipad.screenshot("checkups-followups-ipad")
    on_ipad.open(f"/checkups/schools/{ward.schools['sakura'].uuid}/statistics/")
    assert_clean(on_ipad)
    on_ipad.screenshot("checkups-statistics-ipad")


def test_the_class_teacher_sees_the_follow_up_status(open_page: Any, ward: Any) -> None:
    teacher = open_page("teacher", viewport=IPAD)
    teacher.open("/")
    teacher.page.click("nav.site-nav a:has-text('健診の事後措置')")
    teacher.settle()
    assert_clean(teacher)
    teacher.screenshot("checkups-teacher-followups-ipad")
