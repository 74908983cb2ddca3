"""The board's learning pages in a real browser (Playwright + chromium, fixtures of tsunagu/browser_tests):
registering an app shows its secret once, the list, the quarantine and the monitoring page pass axe
with no console or CSP error and fit an iPad. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tsunagu.browser_tests import conftest as browser_kit
from tsunagu.browser_tests.conftest import DESKTOP, IPAD, Page, _skip_reason

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


def test_the_board_registers_an_app_and_watches_the_flow(open_page: Any) -> None:
    board = open_page("board", viewport=IPAD)
    board.open("/learning/apps/")
    expect(board.page.locator("h1")).to_have_text("学習アプリ連携")
    expect(board.page.locator("table")).to_contain_text("デモ計算ドリル")
    assert_clean(board)
    board.screenshot("learning-apps-ipad")

    board.page.click("text=学習アプリを登録")
    board.page.fill("#id_name", "かんじドリル")
    board.settle()
    assert_clean(board)
    board.screenshot("learning-app-new-ipad")
    board.page.click("button:has-text('登録して認証情報を発行')")
    expect(board.page.locator("[data-testid=secret]")).to_be_visible()
    assert_clean(board)
    board.screenshot("learning-app-credentials-ipad")

    board.open("/learning/quarantine/")
    expect(board.page.locator("table")).to_contain_text("guest-0042")
    assert_clean(board)
    board.screenshot("learning-quarantine-ipad")

    desk = open_page("board", viewport=DESKTOP)
    desk.open("/learning/monitoring/")
    expect(desk.page.locator("table").first).to_contain_text("デモ計算ドリル")
    assert_clean(desk)
    desk.screenshot("learning-monitoring-desktop")
