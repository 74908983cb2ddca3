"""The 通知表 pages in the main menu (each entry only for actors whose roles have a rule behind it)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.core.policy import registry


def nav_entries(actor: Any, assignments: list[Any]) -> list[tuple[str, str, str]]:
    """(label, URL, icon): the class pages for teachers, grade heads and principals; the released cards
    for guardians."""
    entries: list[tuple[str, str, str]] = []
    if registry.allows_any(actor, "org.Homeroom", "view_report_cards"):
        entries.append((_("Report cards"), reverse("report_cards:index"), "clipboard"))
    if any(a.role == "guardian" for a in assignments) and registry.allows_any(
        actor, "report_cards.ReportCard", "view"
    ):
        entries.append((_("Report cards (my children)"), reverse("report_cards:mine"), "clipboard"))
    return entries
