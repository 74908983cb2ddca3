"""The 指導要録 page in the main menu (homeroom teachers and principals, the roles with a rule behind it)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tsunagu.core.policy import registry


def nav_entries(actor: Any, assignments: list[Any]) -> list[tuple[str, str, str]]:
    """(label, URL, icon): 指導要録・調査書 for homeroom teachers and principals."""
    if registry.allows_any(actor, "records.CumulativeRecord", "view"):
        return [(_("Cumulative records"), reverse("records:index"), "book")]
    return []
