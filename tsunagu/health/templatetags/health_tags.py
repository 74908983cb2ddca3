"""Template helpers of the check-in pages: the four weather pictures and furigana in pupil wording.

Load with ``{% load health_tags %}``. The weather pictures are simple drawings made for Tsunagu and
inlined as SVG (no image files, no third-party art); each sits next to its word, so the meaning
never rests on the picture or its colour alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData, SafeString, mark_safe

from tsunagu.core.templatetags.tsunagu import ruby
from tsunagu.health.models import PUPIL_MOOD_LABELS, PUPIL_SYMPTOM_LABELS

register = template.Library()

_CLOUD = "M18 48h30a11 11 0 0 0 1-22 15 15 0 0 0-29-3 12 12 0 0 0-2 25z"
#: 64×64 drawings: 晴れ a sun, くもり a cloud, 雨 a cloud with drops, かみなり a dark cloud with a bolt.
WEATHER_SVG: dict[str, str] = {
    "sunny": (
        '<g stroke="#e08a00" stroke-width="4" stroke-linecap="round">'
        '<path d="M32 4v8M32 52v8M4 32h8M52 32h8M12 12l6 6M46 46l6 6M12 52l6-6M46 18l6-6"/></g>'
        '<circle cx="32" cy="32" r="13" fill="#ffc93c" stroke="#e08a00" stroke-width="3"/>'
    ),
    "cloudy": (
        '<circle cx="44" cy="20" r="9" fill="#ffc93c" stroke="#e08a00" stroke-width="2"/>'
        f'<path d="{_CLOUD}" fill="#c9d1db" stroke="#6b7785" stroke-width="3"/>'
    ),
    "rainy": (
        f'<path d="{_CLOUD}" transform="translate(0 -6)" fill="#9fb0c4" stroke="#56657a" stroke-width="3"/>'
        '<g stroke="#2a6fdb" stroke-width="4" stroke-linecap="round">'
        '<path d="M22 50l-3 8M33 50l-3 8M44 50l-3 8"/></g>'
    ),
    "stormy": (
        f'<path d="{_CLOUD}" transform="translate(0 -8)" fill="#5d6878" stroke="#2f3845" stroke-width="3"/>'
        '<path d="M34 38l-9 13h8l-5 11 14-16h-8l5-8z" fill="#ffd21f" stroke="#b88a00" stroke-width="2" '
        'stroke-linejoin="round"/>'
    ),
}


@register.simple_tag
def weather(mood: str, size: str = "") -> SafeString:
    """The picture of a mood, decorative (its word is always printed next to it)."""
    drawing = WEATHER_SVG.get(str(mood))
    if drawing is None:
        return mark_safe("")
    css = f"weather weather--{mood} {size}".strip()
    return format_html(
        '<svg class="{}" viewBox="0 0 64 64" aria-hidden="true" focusable="false">{}</svg>',
        css,
        mark_safe(drawing),  # noqa: S308 - our own constant drawings, no user input
    )


_MARKED = re.compile(r"\{([^|{}]+)\|([^|{}]+)\}")


@register.filter
def furigana(text: Any, show: bool = True) -> SafeString:
    """Render ``{漢字|よみ}`` marks: as furigana (ruby) when ``show``, else the kanji alone.

    Plain text is escaped; text already safe (from ``{% blocktranslate asvar %}``, which escaped its
    variables) is not escaped twice.
    """
    value = str(text)
    keep: Callable[[str], str] = mark_safe if isinstance(text, SafeData) else str
    parts: list[tuple[str, str]] = []
    position = 0
    for match in _MARKED.finditer(value):
        parts.append((value[position : match.start()], ""))
        parts.append((match.group(1), match.group(2)))
        position = match.end()
    parts.append((value[position:], ""))
    return format_html_join(
        "",
        "{}",
        (
            (ruby(keep(base), keep(reading)) if show and reading else format_html("{}", keep(base)),)
            for base, reading in parts
            if base
        ),
    )


@register.filter
def plain(text: Any) -> str:
    """``{漢字|よみ}`` marks removed: the kanji alone (for attributes and staff pages)."""
    return _MARKED.sub(r"\1", str(text))


@register.filter
def pupil_mood(mood: str) -> str:
    """The pupil's word for a mood, with furigana marks."""
    return str(PUPIL_MOOD_LABELS.get(mood, mood))  # type: ignore[call-overload]


@register.filter
def pupil_symptom(code: str) -> str:
    """The pupil's words for a symptom, with furigana marks."""
    return str(PUPIL_SYMPTOM_LABELS.get(code, code))  # type: ignore[call-overload]


@register.simple_tag
def dict_get(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` in a template (0 when missing): figures keyed by a choice value."""
    return mapping.get(key, 0) if hasattr(mapping, "get") else 0
