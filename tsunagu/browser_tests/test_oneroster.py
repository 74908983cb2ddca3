"""The board's OneRoster page in the browser: reached from the menu, readable on an iPad, and the check
of an uploaded package shows its result on the page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import expect

from tsunagu.browser_tests.conftest import IPAD, Page
from tsunagu.browser_tests.test_shell import assert_clean

OpenPage = Callable[..., Page]


def test_the_board_checks_the_wards_package_against_the_roster(open_page: OpenPage, tmp_path: Path) -> None:
    from django.utils import timezone

    from tsunagu.core.scope import system_scope
    from tsunagu.org.models import School, SchoolYear
    from tsunagu.roster_sync.export import package_build
    from tsunagu.roster_sync.profiles import JP_V121

    page = open_page("board", viewport=IPAD)
    page.open("/")
    page.page.locator("nav a", has_text="OneRoster").first.click()
    page.settle()
    assert "/oneroster/" in page.page.url
    page.screenshot("oneroster-board-ipad")
    assert_clean(page)

    today = timezone.localdate()
    with system_scope(reason="browser test builds the ward's package"):
        schools = list(School.objects.all())
        year = SchoolYear.objects.get(start_date__lte=today, end_date__gte=today)
    package = tmp_path / "ward.zip"
    package.write_bytes(package_build(schools=schools, school_year=year, profile=JP_V121).to_zip())
    page.page.set_input_files("#id_file", str(package))
    page.page.select_option("#id_compare", "ward")
    page.page.get_by_role("button", name="検証する").click()
    page.settle()
    expect(page.page.locator("section.card")).to_contain_text("名簿と一致しています")
    page.screenshot("oneroster-check-ipad")
    assert_clean(page)
    assert page.errors == []
