"""Template filters of the karte pages: ``{% load karte_tags %}``."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def minutes(seconds: Any) -> int:
    """Whole minutes of a number of seconds (0 for nothing)."""
    try:
        return round(float(seconds or 0) / 60)
    except (TypeError, ValueError):
        return 0


@register.filter
def percent(share: Any) -> str:
    """A share 0–1 as "83%", or "—" when there is none."""
    if share is None:
        return "—"
    return f"{round(100 * float(share))}%"


@register.filter
def pupil_mood(mood: str) -> str:
    """The weather's word in the pupils' wording (with furigana marks, for the ``furigana`` filter)."""
    from tsunagu.health.models import PUPIL_MOOD_LABELS

    label = PUPIL_MOOD_LABELS.get(mood)  # type: ignore[call-overload]
    return str(label) if label is not None else ""
