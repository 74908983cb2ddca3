"""The OneRoster page in the main menu, for the board, principals and office staff."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.core.policy import registry


def nav_entries(actor: Any, assignments: list[Any]) -> list[tuple[str, str, str]]:
    """(label, URL, icon): the export page, for actors whose roles may export a school."""
    if registry.allows_any(actor, "org.School", "export_oneroster"):
        return [(_("OneRoster export"), reverse("roster_sync:export"), "globe")]
    return []
