"""The care-note pages in the main menu (each only for actors whose roles have a rule behind it)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.core.policy import registry

#: Class lists offered in the menu at most (a grade head or subject teacher of many classes uses the
#: links on their class pages instead).
MAX_CLASS_ENTRIES = 6


def nav_entries(actor: Any, assignments: list[Any]) -> list[tuple[str, str, str]]:
    """(label, URL, icon): the school's care notes (nurse, principal), このクラスの配慮事項 for the
    classes one teaches, and each child's notes for a guardian."""
    entries: list[tuple[str, str, str]] = []
    roles = {a.role for a in assignments}
    if registry.allows_any(actor, "org.School", "care_index"):
        index_roles = set(registry.rules_for("org.School", "care_index"))
        schools = {a.school.pk: a.school for a in assignments if a.role in index_roles and a.school}
        for school in schools.values():
            suffix = f"（{school.name}）" if len(schools) > 1 else ""
            entries.append((_("Care notes") + suffix, reverse("care:school", args=[school.uuid]), "shield"))
    if roles & {"homeroom_teacher", "subject_teacher", "grade_head"}:
        from tsunagu.org.models import Homeroom
        from tsunagu.org.selectors import homeroom_list_current

        allowed = set(Homeroom.objects.visible_to(actor, "care_list").values_list("pk", flat=True))
        rooms = homeroom_list_current(actor=actor, pk__in=allowed) if allowed else []
        if len(rooms) <= MAX_CLASS_ENTRIES:
            for room in rooms:
                label = _("Care notes %(name)s") % {"name": room.display_name}
                entries.append((label, reverse("care:class_list", args=[room.uuid]), "shield"))
    if "guardian" in roles and registry.allows_any(actor, "care.CareNote", "view"):
        from tsunagu.students.selectors import guardian_children_list

        for child, _enrolment in guardian_children_list(actor=actor):
            label = _("Care notes: %(name)s") % {"name": child.given_name}
            entries.append((label, reverse("care:pupil", args=[child.uuid]), "shield"))
    return entries
