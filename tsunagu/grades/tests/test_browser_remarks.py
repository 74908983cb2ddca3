"""The writing page in a real browser: the homeroom teacher of 4年1組 types a 所見, the counter follows
the school's limit, the box saves itself, a phrase goes in with one click, いいところ and every subject's
results are beside the box; the page is clean (CSP, axe, width) on an iPad and a PC."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tsunagu.browser_tests.conftest import (  # noqa: F401  (fixtures used by name)
    DESKTOP,
    IPAD,
    Page,
    _flushable_audit_tables,
    _skip_reason,
    browser,
    open_page,
)
from tsunagu.browser_tests.test_shell import assert_clean
from tsunagu.core.scope import system_scope
from tsunagu.core.tests.access_matrix import find_places
from tsunagu.grades.models import Phrase, Remark

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(_skip_reason() is not None, reason=str(_skip_reason())),
]

OpenPage = Callable[..., Page]


def test_the_teacher_writes_a_remark_with_good_points_at_hand(open_page: OpenPage, ward: Any) -> None:  # noqa: F811
    places = find_places(ward)
    pupil = places.classmate
    with system_scope(reason="test set-up"):
        phrase = Phrase.objects.filter(school=places.school, kind="general").order_by("pk").first()
    assert phrase is not None
    url = reverse("grades:remarks", args=[places.homeroom.uuid, 2]) + f"?pupil={pupil.uuid}"
    page = open_page("teacher", viewport=DESKTOP)
    assert page.open(url).status == 200
    box = page.page.locator("#text-general")
    counter = page.page.locator("#count-general")
    expect(counter).to_have_text("0 / 200字")
    expect(page.page.get_by_role("heading", name="いいところ")).to_be_visible()
    expect(page.page.locator(".remarks-results")).to_contain_text("算")
    box.fill("運動会では応援団として\n学年をまとめました。")
    expect(counter).to_have_text("21 / 200字")
    page.page.locator("#text-moral").focus()  # leaving the box saves it
    expect(page.page.locator("#state-general")).to_have_text("保存しました")
    box.focus()
    box.press("End")
    page.page.locator(f'button.phrase[data-insert="{phrase.text}"]').click()
    expect(box).to_have_value(f"運動会では応援団として\n学年をまとめました。{phrase.text}")
    expect(page.page.locator("#state-general")).to_have_text("保存しました", timeout=10000)
    with system_scope(reason="test reads back"):
        saved = Remark.objects.get(
            student=pupil,
            kind="general",
            term__number=2,
            term__school=places.school,
            school_year=places.homeroom.school_year,
        )
    assert saved.text.endswith(phrase.text) and saved.version == 2
    # Over the limit: the counter turns red and nothing more is saved.
    box.fill("あ" * 201)
    expect(counter).to_have_text("201 / 200字")
    expect(page.page.locator("#state-general")).to_have_text("字数を超えています", timeout=10000)
    page.screenshot("grades-remarks-desktop")
    assert_clean(page)
    ipad = open_page("teacher", viewport=IPAD)
    ipad.open(url)
    ipad.screenshot("grades-remarks-ipad")
    assert_clean(ipad, axe=False)
