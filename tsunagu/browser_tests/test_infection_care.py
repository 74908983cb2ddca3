"""学校感染症 and 配慮事項 in a real browser at iPad width: the nurse records a diagnosis and confirms the
proposed 出席停止, the principal sees the proposals, the board the ward's counts; the teacher opens and
prints このクラスの配慮事項. Every page is clean (no CSP violation, nothing cut off, no axe finding)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from playwright.sync_api import expect

from tsunagu.browser_tests.conftest import IPAD, Page
from tsunagu.browser_tests.test_shell import assert_clean
from tsunagu.core.tests.access_matrix import Places, find_places
from tsunagu.demo.generator import ward_summary

OpenPage = Callable[..., Page]


def cast_places() -> Places:
    """The access matrix's places (its ``classmate`` is the demo's pupil with the egg allergy)."""
    return find_places(ward_summary())


def test_the_nurse_records_influenza_and_confirms(open_page: OpenPage) -> None:
    places = cast_places()
    page = open_page("nurse", viewport=IPAD)
    page.open("/")
    page.page.locator("nav a", has_text="感染症・出席停止").first.click()
    page.settle()
    page.screenshot("infection-school-ipad")
    assert_clean(page)
    page.page.locator("a", has_text="感染症の診断を記録").click()
    page.settle()
    page.page.locator("#q").fill(places.classmate.family_name_kana)
    page.page.locator("button", has_text="検索").click()
    page.settle()
    page.page.locator(".result-list a", has_text=places.classmate.full_name).first.click()
    page.settle()
    onset = dt.date.today() - dt.timedelta(days=1)
    page.page.locator("#id_disease").select_option("influenza")
    page.page.locator("#id_onset_date").fill(onset.isoformat())
    page.page.locator("#id_diagnosed_on").fill(onset.isoformat())
    page.screenshot("infection-diagnosis-ipad")
    assert_clean(page)
    page.page.locator("button", has_text="出席停止期間を計算する").click()
    page.settle()
    expect(page.page.locator("[data-testid=working]")).to_contain_text("発症日（0日目）")
    expect(page.page.locator("[data-testid=working]")).to_contain_text("暫定")
    page.screenshot("infection-proposal-ipad")
    assert_clean(page)
    page.page.locator("button", has_text="確定する").click()
    page.settle()
    expect(page.page.locator(".messages")).to_contain_text("出席簿を更新しました")
    assert_clean(page)


def test_the_principal_and_the_board(open_page: OpenPage) -> None:
    page = open_page("principal", viewport=IPAD)
    page.open("/")
    page.page.locator("nav a", has_text="学級閉鎖の提案").first.click()
    page.settle()
    expect(page.page.locator("h1")).to_contain_text("学級閉鎖の提案")
    page.screenshot("infection-proposals-ipad")
    assert_clean(page)
    board = open_page("board", viewport=IPAD)
    board.open("/infection/ward/")
    expect(board.page.locator("h1")).to_contain_text("感染症（区全体）")
    board.screenshot("infection-ward-ipad")
    assert_clean(board)


def test_the_teacher_prints_the_class_care_list(open_page: OpenPage) -> None:
    page = open_page("teacher", viewport=IPAD)
    page.open("/")
    page.page.locator("nav a", has_text="配慮事項").first.click()
    page.settle()
    expect(page.page.locator("table")).to_contain_text(
        "食物アレルギー（重度・アナフィラキシー歴あり・エピペンあり）: 卵, 乳"
    )
    page.screenshot("care-class-list-ipad")
    assert_clean(page)
    page.page.emulate_media(media="print")
    page.screenshot("care-class-list-print")
    nurse = open_page("nurse", viewport=IPAD)
    nurse.open(f"/care/pupils/{cast_places().classmate.uuid}/")
    expect(nurse.page.locator("[data-testid=detail]")).to_contain_text("090-1234-5678")
    nurse.screenshot("care-pupil-nurse-ipad")
    assert_clean(nurse)
