"""Formatting of learning figures: rates as percentages, seconds as hours and minutes."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(value: Any) -> str:
    """0.734 → ``73%``; None → ``—``."""
    if value is None:
        return "—"
    return f"{round(float(value) * 100)}%"


@register.filter
def study_time(seconds: Any) -> str:
    """Seconds as ``1時間5分`` / ``12分`` (rounded to the minute); None → ``—``."""
    if seconds is None:
        return "—"
    minutes = round(float(seconds) / 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("%(h)dh %(m)dmin") % {"h": hours, "m": minutes}
    return _("%(m)dmin") % {"m": minutes}
