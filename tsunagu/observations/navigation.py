"""The observations pages in the main menu (only for actors whose roles have a rule behind the page)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.core.policy import registry


def nav_entries(actor: Any, assignments: list[Any]) -> list[tuple[str, str, str]]:
    """(label, URL, icon): the quick entry for staff, each own class's overview, the guardian's 家庭のようす
    form and child pages, the pupil's own いいところ."""
    entries: list[tuple[str, str, str]] = []
    if registry.allows_any(actor, "observations.GoodPoint", "add"):
        entries.append((_("Good points"), reverse("observations:good_point_new"), "star"))
    if registry.allows_any(actor, "org.Homeroom", "view_observations"):
        rooms = {
            a.homeroom.pk: a.homeroom for a in assignments if a.role == "homeroom_teacher" and a.homeroom
        }
        for room in rooms.values():
            label = _("Observations %(name)s") % {"name": room.display_name}
            entries.append((label, reverse("observations:class_overview", args=[room.uuid]), "users"))
    if registry.allows_any(actor, "students.Student", "send_home_note"):
        entries.append((_("Notes from home"), reverse("observations:home_note_new"), "home"))
    if "student" in {a.role for a in assignments}:
        from tsunagu.students.selectors import student_self_get

        found = student_self_get(actor=actor)
        if found is not None:
            entries.append((_("My good points"), reverse("observations:pupil", args=[found[0].uuid]), "star"))
    return entries
