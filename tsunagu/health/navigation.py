"""The health pages in the main menu, for ``tsunagu.core.navigation`` (each entry only for actors whose
roles have a rule behind the page, so the menu never offers a page that would answer 403)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.core.policy import registry


def nav_entries(actor: Any, assignments: list[Any]) -> list[tuple[str, str, str]]:
    """(label, URL, icon) of the check-in pages: the pupil's own, the class's, the school's, the ward's."""
    entries: list[tuple[str, str, str]] = []
    if registry.allows_any(actor, "health.HealthCheckIn", "submit"):
        entries.append((_("Check-in"), reverse("health:pupil_checkin"), "heart"))
    if registry.allows_any(actor, "org.Homeroom", "health_entry"):
        rooms = {
            a.homeroom.pk: a.homeroom for a in assignments if a.role == "homeroom_teacher" and a.homeroom
        }
        for room in rooms.values():
            label = _("Health check-in %(name)s") % {"name": room.display_name}
            entries.append((label, reverse("health:class_summary", args=[room.uuid]), "heart"))
    if registry.allows_any(actor, "org.School", "health_summary"):
        roles = set(registry.rules_for("org.School", "health_summary"))
        schools = {a.school.pk: a.school for a in assignments if a.role in roles and a.school}
        for school in schools.values():
            label = _("Health check-in: the school")
            if len(schools) > 1:
                label = f"{label}（{school.name}）"
            entries.append((label, reverse("health:school_summary", args=[school.uuid]), "heart"))
    if registry.allows_any(actor, "org.School", "nurse_office"):
        roles = set(registry.rules_for("org.School", "nurse_office"))
        schools = {a.school.pk: a.school for a in assignments if a.role in roles and a.school}
        for school in schools.values():
            suffix = f"（{school.name}）" if len(schools) > 1 else ""
            if registry.allows_any(actor, "org.School", "nurse_visit_entry") and a_role(
                assignments, school, "nurse"
            ):
                url = reverse("health:nurse_visit_new", args=[school.uuid])
                entries.append((_("Record a visit") + suffix, url, "clipboard"))
            url = reverse("health:nurse_visits", args=[school.uuid])
            entries.append((_("Nurse-office visits") + suffix, url, "heart"))
            url = reverse("health:daily_log", args=[school.uuid])
            entries.append((_("Nurse's daily log") + suffix, url, "calendar"))
            url = reverse("health:nurse_stats", args=[school.uuid])
            entries.append((_("Visit statistics") + suffix, url, "chart"))
    if registry.allows_any(actor, "health.HealthCheckIn", "count"):
        entries.append((_("Health check-in: the ward"), reverse("health:ward_summary"), "chart"))
    return entries


def a_role(assignments: list[Any], school: Any, role: str) -> bool:
    """The actor holds ``role`` at ``school``."""
    return any(a.role == role and a.school_id == school.pk for a in assignments)
