"""The class board and a pupil's karte in the browser, as the homeroom teacher on an iPad: reached from
the menu, the pupil first on the board opens with its insights; clean (axe) and printable."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from tsunagu.browser_tests.conftest import IPAD, Page
from tsunagu.browser_tests.test_shell import assert_clean

OpenPage = Callable[..., Page]


def test_the_teacher_goes_from_the_class_board_to_a_pupils_karte(open_page: OpenPage) -> None:
    page = open_page("teacher", viewport=IPAD)
    page.open("/")
    page.page.locator("nav a", has_text="学級ボード").first.click()
    page.settle()
    assert "/karte/homerooms/" in page.page.url
    page.screenshot("karte-class-board-ipad")
    assert_clean(page)

    page.page.locator("table.board tbody th a").first.click()
    page.settle()
    assert "/karte/pupils/" in page.page.url
    expect(page.page.locator("h2", has_text="出欠・健康観察")).to_be_visible()
    page.screenshot("karte-pupil-ipad")
    assert_clean(page)
    page.page.emulate_media(media="print")
    page.screenshot("karte-pupil-print")
    assert page.errors == []
