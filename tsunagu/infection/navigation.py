"""The infection pages in the main menu (each only for actors whose roles have a rule behind it)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.core.policy import registry


def nav_entries(actor: Any, assignments: list[Any]) -> list[tuple[str, str, str]]:
    """(label, URL, icon): the school's 出席停止 list and proposals (nurse, principal), the ward's counts."""
    entries: list[tuple[str, str, str]] = []
    if registry.allows_any(actor, "org.School", "view_infections"):
        roles = set(registry.rules_for("org.School", "view_infections"))
        schools = {a.school.pk: a.school for a in assignments if a.role in roles and a.school}
        for school in schools.values():
            suffix = f"（{school.name}）" if len(schools) > 1 else ""
            entries.append(
                (_("Infections") + suffix, reverse("infection:school", args=[school.uuid]), "shield")
            )
            entries.append(
                (
                    _("Class closure proposals") + suffix,
                    reverse("infection:proposals", args=[school.uuid]),
                    "alert",
                )
            )
    if registry.allows_any(actor, "infection.SchoolInfection", "count"):
        entries.append((_("Infections: the ward"), reverse("infection:ward"), "chart"))
    return entries
