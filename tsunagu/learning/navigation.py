"""The learning pages in the main menu (``tsunagu.core.navigation``): the board's app registry and
monitoring, only for actors whose roles have the rules behind them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.core.policy import registry


def nav_entries(actor: Any, assignments: list[Any]) -> list[tuple[str, str, str]]:
    """(label, URL, icon) of the board's learning-data pages."""
    entries: list[tuple[str, str, str]] = []
    if registry.allows_any(actor, "learning.LearningClient", "view"):
        entries.append((_("Learning apps"), reverse("learning:app_list"), "chart"))
    if registry.allows_any(actor, "learning.RejectedRequest", "view"):
        entries.append((_("Monitoring"), reverse("learning:monitoring"), "chart"))
    return entries
