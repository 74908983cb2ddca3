"""The class board in the main menu, for homeroom teachers (their class)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.core.policy import registry


def nav_entries(actor: Any, assignments: list[Any]) -> list[tuple[str, str, str]]:
    """(label, URL, icon) of the boards of the actor's own classes."""
    if not registry.allows_any(actor, "org.Homeroom", "view_board"):
        return []
    rooms = {a.homeroom.pk: a.homeroom for a in assignments if a.role == "homeroom_teacher" and a.homeroom}
    return [
        (
            _("Class board %(name)s") % {"name": room.display_name},
            reverse("karte:class_board", args=[room.uuid]),
            "chart",
        )
        for room in rooms.values()
    ]
