"""和暦 and 年度: the helpers in core.wareki and the template filters built on them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from tsunagu.core.templatetags import tsunagu as tags
from tsunagu.core.wareki import era_of, school_year_bounds, school_year_label, school_year_of, wareki


@pytest.mark.parametrize(
    "day,expected",
    [
        (dt.date(2026, 11, 24), "令和8年11月24日"),
        (dt.date(2019, 5, 1), "令和元年5月1日"),
        (dt.date(2019, 4, 30), "平成31年4月30日"),
        (dt.date(1989, 1, 8), "平成元年1月8日"),
        (dt.date(1989, 1, 7), "昭和64年1月7日"),
    ],
)
def test_wareki_formats_dates_across_era_changes(day: dt.date, expected: str) -> None:
    assert wareki(day) == expected


def test_era_of_refuses_dates_before_taisho() -> None:
    with pytest.raises(ValueError):
        era_of(dt.date(1912, 7, 29))


@pytest.mark.parametrize(
    "day,year",
    [(dt.date(2026, 4, 1), 2026), (dt.date(2027, 3, 31), 2026), (dt.date(2026, 3, 31), 2025)],
)
def test_school_year_runs_from_april_to_march(day: dt.date, year: int) -> None:
    assert school_year_of(day) == year
    start, end = school_year_bounds(year)
    assert start <= day <= end


def test_school_year_label_is_named_after_the_era_on_1_april() -> None:
    assert school_year_label(2026) == "令和8年度"
    assert school_year_label(2019) == "平成31年度"  # 令和 began on 1 May 2019
    assert school_year_label(2020) == "令和2年度"


def test_wareki_filter_in_japanese() -> None:
    day = dt.date(2026, 11, 24)
    with translation.override("ja"):
        assert tags.wareki(day) == "令和8年11月24日"
        assert tags.wareki(day, "weekday") == "令和8年11月24日（火）"
        assert tags.wareki(day, "short") == "R8.11.24"
        assert tags.wareki(dt.date(2016, 6, 1), "short") == "H28.6.1"
        assert tags.wareki(dt.datetime(2026, 11, 24, 9, 30)) == "令和8年11月24日"
        assert tags.wareki(None) == ""


def test_wareki_filter_in_english_shows_the_gregorian_date() -> None:
    with translation.override("en"):
        assert tags.wareki(dt.date(2026, 11, 24)) == "24 November 2026"
        assert tags.wareki(dt.date(2026, 11, 24), "short") == "2026-11-24"


def test_school_year_label_filter_takes_a_year_a_date_or_a_school_year() -> None:
    class FakeSchoolYear:
        year = 2026

    with translation.override("ja"):
        assert tags.school_year_label(2026) == "令和8年度"
        assert tags.school_year_label(dt.date(2027, 2, 1)) == "令和8年度"
        assert tags.school_year_label(FakeSchoolYear()) == "令和8年度"
        assert tags.school_year_label("not a year") == ""
    with translation.override("en"):
        assert tags.school_year_label(2026) == "2026–27 school year"


def test_ruby_puts_the_reading_over_the_text_and_escapes_both() -> None:
    assert str(tags.ruby("山田", "やまだ")) == "<ruby>山田<rp>（</rp><rt>やまだ</rt><rp>）</rp></ruby>"
    assert str(tags.ruby("<b>", "<i>")) == "<ruby>&lt;b&gt;<rp>（</rp><rt>&lt;i&gt;</rt><rp>）</rp></ruby>"
    assert str(tags.ruby("はなこ", "はなこ")) == "はなこ"
    assert str(tags.ruby("花子", "")) == "花子"


def test_ruby_name_uses_the_kana_fields() -> None:
    class Person:
        family_name, given_name = "山田", "花子"
        family_name_kana, given_name_kana = "やまだ", "はなこ"

    html = Template("{% load tsunagu %}{{ p|ruby_name }}").render(Context({"p": Person()}))
    assert html == (
        "<ruby>山田<rp>（</rp><rt>やまだ</rt><rp>）</rp></ruby> "
        "<ruby>花子<rp>（</rp><rt>はなこ</rt><rp>）</rp></ruby>"
    )


def test_role_label_names_the_role_and_its_scope() -> None:
    class Grade:
        name = "4年"

    class Room:
        display_name = "4年1組"

    class Assignment:
        role = "homeroom_teacher"
        homeroom_id, homeroom = 1, Room()
        teaching_group_id = teaching_group = None
        grade_level_id, grade_level = 1, Grade()

    with translation.override("ja"):
        assert tags.role_label("principal") == "校長"
        assert tags.role_label(Assignment()) == "学級担任（4年1組）"
        assert tags.role_label("no-such-role") == "no-such-role"
    with translation.override("en"):
        assert tags.role_label(Assignment()) == "Homeroom teacher (4年1組)"


def test_age_counts_full_years(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tags.timezone, "localdate", lambda: dt.date(2026, 11, 24))
    assert tags.age(dt.date(2016, 11, 24)) == 10
    assert tags.age(dt.date(2016, 11, 25)) == 9
    assert tags.age("") is None
