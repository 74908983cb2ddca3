"""いいところ and 共有TOPIC in a real browser: the teacher records a good point on an iPad in four taps
(a pupil, a phrase — which picks 学習 or 生活 — and save), the quick entry fits a phone of 390 px, and
the pupil's page, the class overview and the guardian's views are clean (no CSP violation, nothing cut
off sideways, no axe-core finding). Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import time
from collections.abc import Callable

from playwright.sync_api import expect

from tsunagu.browser_tests.conftest import DESKTOP, IPAD, Page
from tsunagu.browser_tests.test_shell import assert_clean
from tsunagu.core.scope import system_scope
from tsunagu.observations.models import GoodPoint
from tsunagu.students.tests.cast import cast_places

OpenPage = Callable[..., Page]
PHONE = {"width": 390, "height": 844}
IPAD_LANDSCAPE = {"width": 1024, "height": 768}


def test_a_teacher_records_a_good_point_in_seconds_on_an_ipad(open_page: OpenPage) -> None:
    page = open_page("teacher", viewport=IPAD)
    page.open("/")
    page.page.locator("nav a", has_text="いいところみつけ").first.click()
    page.settle()
    page.screenshot("observations-quick-entry-ipad")
    assert_clean(page)
    with system_scope(reason="browser test counts notes"):
        before = GoodPoint.objects.count()

    started = time.monotonic()
    page.page.locator(".pupil-tile").nth(2).click()
    page.page.locator(".phrase--life").first.click()  # fills the note and picks 生活
    page.page.locator(".gp-save").click()
    page.settle()
    elapsed = time.monotonic() - started
    assert elapsed < 10, f"recording a good point took {elapsed:.1f} s"
    expect(page.page.locator(".messages")).to_contain_text("保存しました")
    expect(page.page.locator(".note-list .note-item").first).to_contain_text("元気にあいさつした")
    page.screenshot("observations-quick-entry-saved-ipad")
    assert_clean(page)
    with system_scope(reason="browser test counts notes"):
        assert GoodPoint.objects.count() == before + 1
        assert GoodPoint.objects.order_by("-id").first().tag == "life"


def test_the_quick_entry_fits_a_phone_and_an_ipad_in_landscape(open_page: OpenPage) -> None:
    for name, viewport in (("phone", PHONE), ("ipad-landscape", IPAD_LANDSCAPE)):
        page = open_page("teacher", viewport=viewport)
        page.open("/observations/good-points/new/")
        page.screenshot(f"observations-quick-entry-{name}", full_page=False)
        assert_clean(page)


def test_the_pupil_page_the_class_overview_and_the_guardian(open_page: OpenPage) -> None:
    places = cast_places()
    teacher = open_page("teacher", viewport=DESKTOP)
    teacher.open(f"/observations/homerooms/{places.homeroom.uuid}/")
    expect(teacher.page.locator(".row-few").first).to_be_visible()
    teacher.screenshot("observations-class-overview-desktop")
    assert_clean(teacher)
    teacher.page.locator(".overview-table a").first.click()
    teacher.settle()
    teacher.screenshot("observations-pupil-teacher-desktop")
    assert_clean(teacher)
    teacher.open("/")
    teacher.screenshot("observations-home-teacher-desktop")
    assert_clean(teacher)

    guardian = open_page("guardian", viewport=PHONE)
    guardian.open("/")
    guardian.screenshot("observations-home-guardian-phone")
    assert_clean(guardian)
    guardian.open(f"/observations/students/{places.child.uuid}/")
    guardian.screenshot("observations-pupil-guardian-phone")
    assert_clean(guardian)
    guardian.open("/observations/home-notes/new/")
    guardian.page.fill("textarea[name=text]", "昨夜は早く寝ました。朝ごはんもしっかり食べました。")
    guardian.page.locator("main button[type=submit]").click()
    guardian.settle()
    expect(guardian.page.locator(".messages")).to_contain_text("担任に送信しました")
    guardian.screenshot("observations-home-note-guardian-phone")
    assert_clean(guardian)
