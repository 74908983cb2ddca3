"""Template helpers of the UI shell: 和暦 dates, 年度 labels, furigana, role labels and icons.

Load with ``{% load tsunagu %}``. Date helpers follow the active language: Japanese pages show 和暦
(令和8年11月24日), English pages the Gregorian date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from tsunagu.core import wareki as wareki_mod

register = template.Library()

WEEKDAYS_JA = "月火水木金土日"


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def japanese_active() -> bool:
    """Whether the active language is Japanese (the default when none is active)."""
    return (translation.get_language() or "ja").startswith("ja")


ERA_INITIALS = {"令和": "R", "平成": "H", "昭和": "S", "大正": "T"}


def short_date(day: dt.date, *, japanese: bool) -> str:
    """The compact date of lists: R8.11.24 in Japanese, 2026-11-24 otherwise (``wareki:"short"``;
    a page of 1,000 rows asks for the language once and calls this)."""
    if not japanese:
        return day.isoformat()
    era, year = wareki_mod.era_of(day)
    return f"{ERA_INITIALS[era]}{year}.{day.month}.{day.day}"


@register.filter
def wareki(value: Any, arg: str = "") -> str:
    """和暦 date: ``{{ day|wareki }}`` → 令和8年11月24日; ``{{ day|wareki:"weekday" }}`` adds （火）;
    ``{{ day|wareki:"short" }}`` gives the compact form of lists, R8.11.24.

    In English the Gregorian date is shown instead (24 November 2026; 2026-11-24 for "short").
    Empty for a non-date.
    """
    day = _as_date(value)
    if day is None:
        return ""
    if arg == "short":
        return short_date(day, japanese=japanese_active())
    if not japanese_active():
        text = formats.date_format(day, "j F Y")
        return f"{formats.date_format(day, 'l')}, {text}" if arg == "weekday" else text
    text = wareki_mod.wareki(day)
    if arg == "weekday":
        text += f"（{WEEKDAYS_JA[day.weekday()]}）"
    return text


@register.filter
def school_year_label(value: Any) -> str:
    """年度 label of a year number, a date or a SchoolYear: 令和8年度 (English: "2026–27 school year")."""
    if hasattr(value, "year") and not isinstance(value, dt.date):
        year = int(value.year)
    elif isinstance(value, dt.date):
        year = wareki_mod.school_year_of(_as_date(value))  # type: ignore[arg-type]
    else:
        try:
            year = int(value)
        except (TypeError, ValueError):
            return ""
    if not japanese_active():
        return f"{year}–{(year + 1) % 100:02d} school year"
    return wareki_mod.school_year_label(year)


@register.simple_tag
def ruby(text: str, reading: str) -> SafeString:
    """Furigana: ``{% ruby "山田" "やまだ" %}`` → ``<ruby>山田<rp>（</rp><rt>やまだ</rt><rp>）</rp></ruby>``.

    Without a reading (or when the text already is the reading) the text is returned as is, escaped.
    """
    if not reading or reading == text:
        return format_html("{}", text)
    return format_html("<ruby>{}<rp>（</rp><rt>{}</rt><rp>）</rp></ruby>", text, reading)


@register.filter
def ruby_name(person: Any) -> SafeString:
    """A person's full name with furigana over family and given name (readings from the kana fields)."""
    return format_html(
        "{} {}",
        ruby(person.family_name, person.family_name_kana),
        ruby(person.given_name, person.given_name_kana),
    )


@register.filter
def role_label(value: Any) -> str:
    """Label of a role code or a role assignment, with its scope: 学級担任（4年1組）."""
    from tsunagu.accounts.models import Role

    code = getattr(value, "role", value)
    try:
        label = str(Role(code).label)
    except ValueError:
        return str(code)
    if not hasattr(value, "role"):
        return label
    scope = ""
    if getattr(value, "homeroom_id", None) and value.homeroom is not None:
        scope = value.homeroom.display_name
    elif getattr(value, "teaching_group_id", None) and value.teaching_group is not None:
        scope = value.teaching_group.name
    elif getattr(value, "grade_level_id", None) and value.grade_level is not None:
        scope = value.grade_level.name
    if not scope:
        return label
    return f"{label}（{scope}）" if japanese_active() else f"{label} ({scope})"


@register.simple_tag
def url_if_exists(name: str, *args: Any) -> str:
    """``reverse(name, args)``, or "" when no URL of that name exists (for links to pages still to come)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# Icons: simple 24×24 line drawings made for Tsunagu, inlined so that they inherit the text colour
# and need no extra request. Every icon is decorative (aria-hidden); the text next to it carries
# the meaning.
ICONS: dict[str, str] = {
    "home": "M3 11 12 3l9 8M5 10v10h5v-6h4v6h5V10",
    "users": "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1"
    "M16 3.5a4 4 0 0 1 0 7.5M19 14a5 5 0 0 1 3 5v2",
    "user": "M12 12a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9zM4 21v-1a7 7 0 0 1 7-7h2a7 7 0 0 1 7 7v1",
    "school": "M3 21h18M5 21V10l7-5 7 5v11M9 21v-5h6v5M12 8.5v3M10.5 10h3",
    "calendar": "M4 6h16v15H4zM4 10h16M8 3v5M16 3v5",
    "search": "M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13zM15.5 15.5 21 21",
    "print": "M7 9V3h10v6M7 17H4v-8h16v8h-3M7 14h10v7H7z",
    "logout": "M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10",
    "globe": "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM3 12h18M12 3c3 3 3 15 0 18M12 3c-3 3-3 15 0 18",
    "clipboard": "M9 4h6v3H9zM9 5H6v16h12V5h-3M9 12h6M9 16h4",
    "book": "M4 5a2 2 0 0 1 2-2h14v16H6a2 2 0 0 0-2 2zM4 21a2 2 0 0 1 2-2h14v2",
    "heart": "M12 20s-8-5-8-11a4.5 4.5 0 0 1 8-2.5A4.5 4.5 0 0 1 20 9c0 6-8 11-8 11z",
    "shield": "M12 3 5 6v5c0 5 3 8.5 7 10 4-1.5 7-5 7-10V6z",
    "alert": "M12 4 2.5 20h19zM12 10v4.5M12 17v.5",
    "info": "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 11v6M12 7.5v.5",
    "chart": "M4 20h16M7 20v-7M12 20V6M17 20v-10",
    "lock": "M6 11h12v10H6zM8.5 11V7.5a3.5 3.5 0 0 1 7 0V11",
    "arrow-right": "M5 12h14M13 6l6 6-6 6",
    "star": "m12 3 2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z",
}


@register.simple_tag
def icon(name: str, extra_class: str = "") -> SafeString:
    """An inline, decorative SVG icon: ``{% icon "home" %}``."""
    path = ICONS.get(name)
    if path is None:
        return mark_safe("")
    css = f"icon {extra_class}".strip()
    return format_html(
        '<svg class="{}" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="{}"/></svg>',
        css,
        path,
    )


@register.filter
def age(value: Any) -> int | None:
    """Age in full years today of someone born on ``value`` (None for a non-date)."""
    born = _as_date(value)
    if born is None:
        return None
    today = timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
