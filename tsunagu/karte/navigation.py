"""The karte's entries in the main menu: class boards (homeroom teachers), the school board (principal,
nurse, grade head), the pupil's own record, each child's summary (guardians), the ward's counts (board)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.core.policy import registry


def nav_entries(actor: Any, assignments: list[Any]) -> list[tuple[str, str, str]]:
    """(label, URL, icon) of the karte pages the actor may open (at most one query, for guardians)."""
    entries: list[tuple[str, str, str]] = []
    if registry.allows_any(actor, "org.Homeroom", "view_board"):
        rooms = {
            a.homeroom.pk: a.homeroom for a in assignments if a.role == "homeroom_teacher" and a.homeroom
        }
        entries += [
            (
                _("Class board %(name)s") % {"name": room.display_name},
                reverse("karte:class_board", args=[room.uuid]),
                "chart",
            )
            for room in rooms.values()
        ]
    if registry.allows_any(actor, "org.School", "view_board"):
        schools = {
            a.school.pk: a.school
            for a in assignments
            if a.role in {"principal", "nurse", "grade_head"} and a.school_id
        }
        entries += [
            (_("School board"), reverse("karte:school_board", args=[s.uuid]), "chart")
            for s in schools.values()
        ]
    if registry.allows_any(actor, "students.Student", "view_own_dashboard"):
        entries.append((_("My record"), reverse("karte:mine"), "chart"))
    if registry.allows_any(actor, "students.Student", "view_child_summary"):
        from tsunagu.students.models import Student

        for child in Student.objects.visible_to(actor, "view_child_summary").order_by("birth_date", "pk"):
            entries.append(
                (
                    _("Summary: %(name)s") % {"name": child.given_name},
                    reverse("karte:child", args=[child.uuid]),
                    "chart",
                )
            )
    if registry.allows_any(actor, "org.Board", "view_insight_counts"):
        entries.append((_("Insights across the ward"), reverse("karte:ward"), "chart"))
    return entries
