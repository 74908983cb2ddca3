"""The score grid in a real browser: the maths teacher pastes a block copied from Excel into each of
their classes and sees the 観点 and 評定 proposals at once; the keyboard moves like a spreadsheet; two
screens editing one cell end in a conflict that shows both values. Pages are clean (CSP, axe, width)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from playwright.sync_api import expect

from tsunagu.accounts.models import User
from tsunagu.browser_tests.conftest import DESKTOP, IPAD, Page
from tsunagu.browser_tests.test_shell import assert_clean
from tsunagu.core.scope import system_scope
from tsunagu.grades import selectors
from tsunagu.grades.models import Score

OpenPage = Callable[..., Page]

PASTE = """(el, text) => {
  const data = new DataTransfer();
  data.setData('text/plain', text);
  el.focus();
  el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def _teacher_groups() -> list[tuple[str, int]]:
    teacher = User.objects.get(username="subject_teacher")
    groups = [
        g for g in selectors.teaching_groups_for(actor=teacher, action="enter_scores") if g.homerooms.exists()
    ]
    found = []
    for g in groups:
        term = selectors.term_of(g, 2)
        assert term is not None
        found.append((str(g.uuid), len(selectors.group_enrolments(actor=teacher, group=g, term=term))))
    return found


def test_the_teacher_pastes_a_test_from_excel_into_every_class(open_page: OpenPage) -> None:
    groups = _teacher_groups()
    assert len(groups) >= 2
    page = open_page("subject_teacher", viewport=DESKTOP)
    for index, (group_uuid, pupils) in enumerate(groups):
        page.open(f"/grades/groups/{group_uuid}/terms/2/")
        grid = page.page.locator("[data-score-grid]")
        expect(grid).to_be_visible()
        # The 期末テスト is not marked yet: its 知 column is the first empty one.
        header = page.page.locator("th.score-grid__assessment", has_text="期末テスト")
        expect(header).to_be_visible()
        column = page.page.locator('input.grid-cell[data-label="期末テスト（知）"]')
        assert column.count() == pupils
        first = column.first
        block = "\r\n".join(f"{20 + i % 30}\t{15 + i % 35}" for i in range(pupils)) + "\r\n"
        first.evaluate(PASTE, block)
        expect(page.page.locator("[data-save-state]")).to_have_text("すべて保存しました。", timeout=15000)
        expect(column.nth(pupils - 1)).to_have_value(str(20 + (pupils - 1) % 30))
        rating = page.page.locator('tbody tr [data-result="rating"]').first
        expect(rating).not_to_have_text("")
        if index == 0:
            page.screenshot("grades-grid-pasted-desktop")
            assert_clean(page)
        with system_scope(reason="test checks the pasted scores"):
            saved = Score.objects.filter(
                part__uuid=first.get_attribute("data-part"), points__isnull=False
            ).count()
        assert saved >= pupils


def test_keyboard_moves_and_a_conflict_shows_both_values(open_page: OpenPage) -> None:
    group_uuid, _pupils = _teacher_groups()[0]
    path = f"/grades/groups/{group_uuid}/terms/2/"
    mine = open_page("subject_teacher", viewport=IPAD)
    theirs = open_page("subject_teacher", viewport=IPAD)
    mine.open(path)
    theirs.open(path)
    mine.screenshot("grades-grid-ipad")
    assert_clean(mine)

    cells = mine.page.locator('input.grid-cell[data-label="期末テスト（思）"]')
    cells.nth(0).click()
    mine.page.keyboard.type("33")
    mine.page.keyboard.press("Enter")
    expect(cells.nth(1)).to_be_focused()
    mine.page.keyboard.press("ArrowUp")
    expect(cells.nth(0)).to_be_focused()
    expect(mine.page.locator("[data-save-state]")).to_have_text("すべて保存しました。", timeout=15000)

    # The other screen still shows the old version of the cell: its save is a conflict, not an overwrite.
    other = theirs.page.locator('input.grid-cell[data-label="期末テスト（思）"]').nth(0)
    other.click()
    theirs.page.keyboard.type("44")
    theirs.page.keyboard.press("Enter")
    panel = theirs.page.locator("[data-conflicts]")
    expect(panel).to_be_visible(timeout=15000)
    expect(panel).to_contain_text("33")
    expect(panel).to_contain_text("44")
    theirs.screenshot("grades-grid-conflict-ipad", full_page=False)
    with system_scope(reason="test checks nothing was overwritten"):
        stored = Score.objects.get(
            part__uuid=other.get_attribute("data-part"), student__uuid=_row_student(theirs)
        )
    assert stored.points == Decimal(33)
    panel.locator("button", has_text="自分の入力を使う").click()
    expect(panel).to_be_hidden(timeout=15000)
    expect(theirs.page.locator("[data-save-state]")).to_have_text("すべて保存しました。", timeout=15000)
    with system_scope(reason="test checks the chosen value"):
        stored.refresh_from_db()
    assert stored.points == Decimal(44)


def _row_student(page: Page) -> str:
    return str(page.page.locator("tbody tr[data-student]").first.get_attribute("data-student"))


def test_the_principal_reads_the_class_list(open_page: OpenPage) -> None:
    page = open_page("principal", viewport=IPAD)
    page.open("/grades/")
    page.page.locator("a", has_text="1学期").first.click()
    page.settle()
    expect(page.page.locator("[data-score-grid]")).to_be_visible()
    assert page.page.locator("input.grid-cell").count() == 0
    page.screenshot("grades-grid-principal-ipad")
    assert_clean(page)


def test_the_homeroom_teacher_opens_the_class_list_and_a_plan(open_page: OpenPage) -> None:
    page = open_page("teacher", viewport=IPAD)
    page.open("/grades/")
    page.screenshot("grades-index-ipad")
    assert_clean(page)
    lists = page.page.locator("section", has_text="担任学級の成績一覧").locator("li").first
    lists.locator("a", has_text="1学期").click()
    page.settle()
    expect(page.page.locator("table.class-list")).to_be_visible()
    page.screenshot("grades-class-list-ipad")
    assert_clean(page)
    page.open("/grades/")
    page.page.locator("tr", has_text="4年1組 国語").locator("a", has_text="1学期").click()
    page.settle()
    page.page.locator("a", has_text="評価計画を編集").click()
    page.settle()
    expect(page.page.locator("h1")).to_contain_text("評価計画")
    page.screenshot("grades-plan-ipad")
    assert_clean(page)
    page.open("/grades/")
    page.page.locator("li", has_text="行動の記録・特別活動").locator("a", has_text="1学期").click()
    page.settle()
    box = page.page.locator('tbody input[type="checkbox"]').first
    box.check()
    page.page.locator("button", has_text="保存").click()
    page.settle()
    expect(page.page.locator(".messages")).to_contain_text("保存しました")
    expect(page.page.locator('tbody input[type="checkbox"]').first).to_be_checked()
    page.screenshot("grades-records-ipad")
    assert_clean(page)
