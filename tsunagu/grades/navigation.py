"""The grades page in the main menu (only for actors whose roles have a rule behind it)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.core.policy import registry


def nav_entries(actor: Any, assignments: list[Any]) -> list[tuple[str, str, str]]:
    """(label, URL, icon): 成績 for subject and homeroom teachers, grade heads and principals; 所見
    (the texts and the 成績個票 of a class) for homeroom teachers, grade heads and principals."""
    entries: list[tuple[str, str, str]] = []
    if registry.allows_any(actor, "org.TeachingGroup", "view_scores"):
        entries.append((_("Grades"), reverse("grades:index"), "chart"))
    if registry.allows_any(actor, "org.Homeroom", "view_remarks"):
        entries.append((_("Remarks and grade sheets"), reverse("grades:remarks_index"), "book"))
    return entries
