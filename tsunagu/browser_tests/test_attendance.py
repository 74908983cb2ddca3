"""The 出席簿 in a real browser at iPad width: the teacher takes today's register by tapping (reports
from home already in place), the monthly register prints, the guardian sends a report. Every page is
clean (no CSP violation, nothing cut off sideways, no axe-core finding)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import pytest

from tsunagu.attendance.models import AttendanceMark
from tsunagu.browser_tests.conftest import IPAD, Page
from tsunagu.browser_tests.test_shell import assert_clean
from tsunagu.core.scope import system_scope
from tsunagu.students.tests.cast import cast_places

OpenPage = Callable[..., Page]


def test_the_teacher_takes_todays_register_by_tapping(open_page: OpenPage) -> None:
    page = open_page("teacher", viewport=IPAD)
    page.open("/")
    page.page.locator("nav a", has_text="出欠入力").first.click()
    page.settle()
    if page.page.locator("form.daily").count() == 0:
        pytest.skip("today is not a school day in the demo calendar")
    page.screenshot("attendance-daily-ipad")
    assert_clean(page)
    rows = page.page.locator("[data-row]")
    assert rows.count() > 0
    pending = page.page.locator(".daily-row--pending")
    assert pending.count() == 2  # this morning's reports from home, already filled in

    # The whole register, as a teacher would do it: everyone present by default, one tap on 病 for
    # one pupil, 遅刻 with a time for another, the reports kept as they are, then save.
    started = time.monotonic()
    plain = page.page.locator(".daily-row:not(.daily-row--pending)")
    first, second = plain.nth(0), plain.nth(1)
    first.locator(".mark-choice", has_text="病").click()
    second.locator(".mark-choice", has_text="チ").click()
    second.locator(".daily-row__time input").fill("09:40")
    page.page.locator("button", has_text="出欠を保存").click()
    page.settle()
    elapsed = time.monotonic() - started
    assert elapsed < 30, f"taking the register took {elapsed:.1f} s"
    assert "保存しました" in page.page.locator(".messages").inner_text()
    page.screenshot("attendance-daily-saved-ipad")
    assert_clean(page)

    places = cast_places()
    with system_scope(reason="test checks the saved register"):
        kinds = sorted(
            AttendanceMark.objects.filter(homeroom=places.homeroom, date=page_date(page)).values_list(
                "kind", flat=True
            )
        )
    assert kinds == sorted(["absent_illness", "absent_illness", "late", "late"])


def page_date(page: Page) -> dt.date:
    return dt.date.fromisoformat(page.page.locator("input[name=date]").first.input_value())


def test_the_keyboard_moves_down_the_class(open_page: OpenPage) -> None:
    page = open_page("teacher", viewport=IPAD)
    page.open("/")
    page.page.locator("nav a", has_text="出欠入力").first.click()
    page.settle()
    if page.page.locator("form.daily").count() == 0:
        pytest.skip("today is not a school day in the demo calendar")
    plain = page.page.locator(".daily-row:not(.daily-row--pending)")
    plain.nth(0).locator("input[value=present]").focus()
    page.page.keyboard.press("2")  # 事: the next pupil gets the focus
    assert plain.nth(0).locator("input[value=absent_other]").is_checked()
    focused_row = page.page.evaluate(
        "document.activeElement.closest('[data-row]') === document.querySelectorAll('[data-row]')[1]"
    )
    assert focused_row or page.page.evaluate("document.activeElement.type") == "text"
    assert page.errors == []


def test_the_monthly_register_and_its_print(open_page: OpenPage) -> None:
    page = open_page("principal", viewport=IPAD)
    places = cast_places()
    page.open(f"/attendance/homerooms/{places.homeroom.uuid}/register/")
    assert page.page.locator("table.register tbody tr").count() > 0
    page.screenshot("attendance-register-ipad", full_page=False)
    assert_clean(page)
    page.page.emulate_media(media="print")
    pdf = page.page.pdf(format="A3", landscape=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    (page.screenshot("attendance-register-print").parent / "attendance-register.pdf").write_bytes(pdf)


def test_the_alerts_of_the_school(open_page: OpenPage) -> None:
    page = open_page("principal", viewport=IPAD)
    page.open("/")
    page.page.locator("nav a", has_text="出欠の注意").click()
    page.settle()
    page.screenshot("attendance-alerts-ipad")
    assert_clean(page)


def test_the_guardian_reports_an_absence(open_page: OpenPage) -> None:
    page = open_page("guardian", viewport=IPAD)
    page.open("/")
    page.page.locator("nav a", has_text="欠席連絡").click()
    page.settle()
    page.screenshot("attendance-report-form-ipad")
    assert_clean(page)
    page.page.locator("label.choice", has_text="体調不良").click()
    page.page.locator("label.choice", has_text="発熱").click()
    page.page.fill("#id_temperature", "38.0")
    page.page.locator("button", has_text="学校へ送信").click()
    page.settle()
    assert "学校に届きました" in page.page.locator(".messages").inner_text()
    page.screenshot("attendance-report-sent-ipad")
    assert_clean(page)
