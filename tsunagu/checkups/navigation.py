"""The health exams pages in the main menu (``tsunagu.core.navigation``): each entry only for actors whose
roles have a rule behind the page, so the menu never offers a page that would answer 403."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.core.policy import registry


def nav_entries(actor: Any, assignments: list[Any]) -> list[tuple[str, str, str]]:
    """(label, URL, icon): the school's exams for the nurse and the principal; each child's results for a
    guardian; the class's follow-ups for a homeroom teacher."""
    entries: list[tuple[str, str, str]] = []
    if registry.allows_any(actor, "org.School", "checkups"):
        roles = set(registry.rules_for("org.School", "checkups"))
        schools = {a.school.pk: a.school for a in assignments if a.role in roles and a.school}
        for school in schools.values():
            label = _("Health exams")
            if len(schools) > 1:
                label = f"{label}（{school.name}）"
            entries.append((label, reverse("checkups:school_index", args=[school.uuid]), "heart"))
    if any(a.role == "guardian" for a in assignments) and registry.allows_any(
        actor, "checkups.HealthExam", "view"
    ):
        from tsunagu.students.selectors import guardian_children_list

        for child, _enrolment in guardian_children_list(actor=actor):
            label = _("Health exams of %(name)s") % {"name": child.given_name}
            entries.append((label, reverse("checkups:pupil_detail", args=[child.uuid]), "heart"))
    rooms = {a.homeroom.pk: a.homeroom for a in assignments if a.role == "homeroom_teacher" and a.homeroom}
    for room in rooms.values():
        label = _("Exam follow-ups %(name)s") % {"name": room.display_name}
        entries.append((label, reverse("checkups:class_followups", args=[room.uuid]), "heart"))
    return entries
