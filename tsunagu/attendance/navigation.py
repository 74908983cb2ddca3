"""Attendance pages the core menu does not list, for ``tsunagu.core.navigation`` (the daily screen,
the alerts and the guardians' report are in the core menu): the board's notices and code list, the
school's attendance settings. Each entry only for roles with a rule behind the page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.core.policy import registry


def nav_entries(actor: Any, assignments: list[Any]) -> list[tuple[str, str, str]]:
    """(label, URL, icon) of the board's and the principal's attendance pages."""
    entries: list[tuple[str, str, str]] = []
    if registry.allows_any(actor, "attendance.BoardNotice", "acknowledge"):
        entries.append((_("Notices of consecutive absence"), reverse("attendance:board_notices"), "alert"))
    if registry.allows_any(actor, "org.Board", "edit_attendance_codes"):
        entries.append((_("Attendance code list"), reverse("attendance:board_codes"), "book"))
    if registry.allows_any(actor, "org.School", "manage_attendance_settings"):
        schools = {a.school.pk: a.school for a in assignments if a.role == "principal" and a.school}
        for school in schools.values():
            label = _("Attendance settings") + (f"（{school.name}）" if len(schools) > 1 else "")
            entries.append((label, reverse("attendance:school_settings", args=[school.uuid]), "calendar"))
    return entries
