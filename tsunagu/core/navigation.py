"""Role-aware navigation: each entry is shown only if the actor may use the page behind it.

Entries come from the actor's active role assignments (cached per request by ``actor_assignments``)
and are checked against the policy registry, so the navigation never offers a page that would
answer 403. Whether a particular object is in scope is settled by the page itself (404).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.accounts.selectors import actor_assignments
from tsunagu.core.apphooks import app_hooks
from tsunagu.core.policy import registry


@dataclass(frozen=True)
class NavItem:
    """One navigation link; ``current`` marks the page being shown (aria-current)."""

    label: str
    url: str
    icon: str = ""
    current: bool = False


def navigation_for(request: HttpRequest) -> list[NavItem]:
    """The actor's navigation: home, then the rosters of their homerooms and schools."""
    actor = request.user
    assignments = actor_assignments(actor)
    entries: list[tuple[str, str, str]] = [(_("Home"), reverse("home"), "home")]

    if registry.allows_any(actor, "org.Homeroom", "view"):
        homerooms = {
            a.homeroom.pk: a.homeroom for a in assignments if a.role == "homeroom_teacher" and a.homeroom
        }
        for homeroom in homerooms.values():
            entries.append(
                (
                    _("Class roster %(homeroom)s") % {"homeroom": homeroom.display_name},
                    reverse("students:homeroom_roster", args=[homeroom.uuid]),
                    "users",
                )
            )

    if registry.allows_any(actor, "org.School", "view_roster"):
        roster_roles = set(registry.rules_for("org.School", "view_roster"))
        schools = {a.school.pk: a.school for a in assignments if a.role in roster_roles and a.school}
        for school in schools.values():
            label = _("School roster")
            if len(schools) > 1:
                label = f"{label}（{school.name}）"
            entries.append((label, reverse("students:school_roster", args=[school.uuid]), "school"))

    if registry.allows_any(actor, "org.Homeroom", "take_attendance"):
        own = {a.homeroom.pk: a.homeroom for a in assignments if a.role == "homeroom_teacher" and a.homeroom}
        for homeroom in own.values():
            entries.append(
                (
                    _("Attendance %(homeroom)s") % {"homeroom": homeroom.display_name},
                    reverse("attendance:daily", args=[homeroom.uuid]),
                    "clipboard",
                )
            )

    if registry.allows_any(actor, "org.School", "view_attendance"):
        alert_roles = set(registry.rules_for("org.School", "view_attendance"))
        alert_schools = {a.school.pk: a.school for a in assignments if a.role in alert_roles and a.school}
        for school in alert_schools.values():
            label = _("Attendance alerts")
            if len(alert_schools) > 1:
                label = f"{label}（{school.name}）"
            entries.append((label, reverse("attendance:school_alerts", args=[school.uuid]), "alert"))

    if registry.allows_any(actor, "students.Student", "report_absence"):
        entries.append((_("Absence report"), reverse("attendance:report_new"), "calendar"))

    for contribute in app_hooks("navigation", "nav_entries"):
        entries += contribute(actor, assignments)

    path = request.path
    items = []
    for label, url, icon in entries:
        current = path == url if url == "/" else path.startswith(url)
        items.append(NavItem(label=label, url=url, icon=icon, current=current))
    return items
