"""Every cast member's home page, the rosters, the pupil page and the login page in a real browser.

Each page is checked at iPad width (820×1180) and, for home pages, on a staff-room PC (1366×900):
nothing is cut off sideways, axe-core finds no WCAG 2.x A/AA violation, and the browser reports no
console error — in particular no Content-Security-Policy violation, which would mean an inline
script or style slipped in. Screenshots land in artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote

import jaconv
import pytest
from playwright.sync_api import expect

from tsunagu.browser_tests.conftest import DESKTOP, IPAD, Page

CAST = [
    "principal",
    "teacher",
    "subject_teacher",
    "nurse",
    "office",
    "board",
    "guardian",
    "student",
    "helpdesk",
    "outsider",
]

OpenPage = Callable[..., Page]


def assert_clean(page: Page, *, axe: bool = True) -> None:
    """No console errors or failed requests, nothing cut off sideways, and (by default) no axe finding."""
    assert page.errors == [], page.errors
    assert page.horizontal_overflow() <= 0, f"{page.page.url} is wider than the window"
    if axe:
        violations = page.axe_violations()
        assert violations == [], violations


@pytest.mark.parametrize("username", CAST)
def test_each_cast_member_sees_a_clean_home_page_on_ipad_and_pc(open_page: OpenPage, username: str) -> None:
    page = open_page(username, viewport=IPAD)
    response = page.open("/")
    assert response.status == 200
    assert page.page.locator("html").get_attribute("lang") == "ja"
    assert page.page.locator("h1").first.inner_text().strip() in {"今日", "わたしのページ"}
    page.screenshot(f"home-{username}-ipad")
    assert_clean(page)
    # The shell's scripts run under the CSP: htmx without eval, Alpine's CSP build initialised.
    assert page.page.evaluate("window.htmx.config.allowEval") is False
    assert page.page.evaluate("typeof window.Alpine") == "object"

    wide = open_page(username, viewport=DESKTOP)
    wide.open("/")
    wide.screenshot(f"home-{username}-desktop")
    assert_clean(wide, axe=False)


def test_the_login_page_is_clean(open_page: OpenPage) -> None:
    page = open_page(None)
    response = page.open("/accounts/login/")
    assert response.status == 200
    page.screenshot("login-ipad")
    assert_clean(page)


def test_the_teacher_finds_a_pupil_by_half_width_kana(open_page: OpenPage) -> None:
    page = open_page("teacher")
    page.open("/")
    page.page.locator("nav a", has_text="名簿").first.click()
    page.settle()
    assert "/roster/" in page.page.url
    page.screenshot("roster-homeroom-ipad")
    assert_clean(page)

    family_kana = page.page.locator("td.col-kana").first.inner_text().split()[0]
    typed = jaconv.hira2hkata(family_kana)  # やまだ → ﾔﾏﾀﾞ, as a PC with half-width input would send
    with page.page.expect_response(lambda r: "q=" in r.url and r.status == 200):
        page.page.fill("#id_q", typed)
    # A locator assertion, not wait_for_function: our CSP forbids the eval a string predicate needs.
    expect(page.page.locator("#roster-count")).to_contain_text("「")
    readings = page.page.locator("td.col-kana").all_inner_texts()
    assert readings, "the search found nobody"
    assert all(reading.split()[0] == family_kana for reading in readings)
    assert typed in unquote(page.page.url)  # the search is in the address, so it survives a reload
    page.screenshot("roster-homeroom-search-ipad")
    assert page.errors == []


def test_the_principal_prints_the_school_roster_and_opens_a_pupil(open_page: OpenPage) -> None:
    page = open_page("principal")
    page.open("/")
    page.page.locator("nav a", has_text="全校名簿").click()
    page.settle()
    page.screenshot("roster-school-ipad", full_page=False)
    assert_clean(page)

    # Print layout: only the list, no navigation or search form; an A4 PDF comes out.
    page.page.emulate_media(media="print")
    assert not page.page.locator(".site-nav").is_visible()
    assert not page.page.locator("form.filters").is_visible()
    assert page.page.locator(".print-meta").is_visible()
    page.screenshot("roster-school-print")
    pdf = page.page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    (page.screenshot("roster-school-print").parent / "roster-school.pdf").write_bytes(pdf)
    page.page.emulate_media(media="screen")

    page.page.locator("th.col-name a").first.click()
    page.settle()
    assert re.search(r"/students/[0-9a-f-]{36}/$", page.page.url)
    assert page.page.locator("h2", has_text="基本情報").is_visible()
    page.screenshot("pupil-principal-ipad")
    assert_clean(page)


def test_the_guardian_opens_their_child(open_page: OpenPage) -> None:
    page = open_page("guardian")
    page.open("/")
    page.page.locator("a", has_text="詳しく見る").first.click()
    page.settle()
    assert "/students/" in page.page.url
    assert page.page.locator("ruby").count() >= 1  # the name carries its reading
    page.screenshot("pupil-guardian-ipad")
    assert_clean(page)


def test_pages_are_also_clean_in_english(open_page: OpenPage) -> None:
    page = open_page("principal", viewport=DESKTOP, language="en")
    page.open("/")
    assert page.page.locator("html").get_attribute("lang") == "en"
    assert page.page.locator("h1").first.inner_text().strip() == "Today"
    page.screenshot("home-principal-desktop-en")
    assert_clean(page)
