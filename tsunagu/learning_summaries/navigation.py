"""The learning-records pages in the main menu, each only for actors whose roles have a rule behind it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.core.policy import registry


def nav_entries(actor: Any, assignments: list[Any]) -> list[tuple[str, str, str]]:
    """(label, URL, icon): the class's learning for a homeroom teacher; the school's classes for a
    principal or grade head; the test-result import for office staff, principals and grade heads."""
    entries: list[tuple[str, str, str]] = []
    rooms = {a.homeroom.pk: a.homeroom for a in assignments if a.role == "homeroom_teacher" and a.homeroom}
    for room in rooms.values():
        label = _("Learning %(name)s") % {"name": room.display_name}
        entries.append((label, reverse("learning_summaries:homeroom_overview", args=[room.uuid]), "chart"))
    for action, label, name in (
        ("view_learning", _("Learning records"), "learning_summaries:school_index"),
        ("import_test_results", _("Import test results"), "learning_summaries:test_results_import"),
    ):
        if not registry.allows_any(actor, "org.School", action):
            continue
        roles = set(registry.rules_for("org.School", action))
        schools = {a.school.pk: a.school for a in assignments if a.role in roles and a.school}
        for school in schools.values():
            shown = f"{label}（{school.name}）" if len(schools) > 1 else label
            entries.append((shown, reverse(name, args=[school.uuid]), "chart"))
    return entries
