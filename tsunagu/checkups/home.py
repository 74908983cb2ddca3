"""The health exams card of the role-aware home page (``tsunagu.core.home``): for the school nurse and
the principal, the school's letters still waiting for their return slip, with the way in."""

from __future__ import annotations

from typing import Any

from tsunagu.checkups import selectors
from tsunagu.core.policy import registry


def home_cards(actor: Any, assignments: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of the card, reading only through selectors (a count: no names)."""
    if not registry.allows_any(actor, "org.School", "checkups"):
        return []
    roles = set(registry.rules_for("org.School", "checkups"))
    schools = list({a.school.pk: a.school for a in assignments if a.role in roles and a.school}.values())
    if not schools:
        return []
    rows = [(school, selectors.outstanding_count(actor=actor, school=school)) for school in schools]
    return [("checkups/home/nurse.html", {"checkup_rows": rows})]
