"""通知表 cards of the role-aware home page: the guardian's released cards, the principal's classes
waiting for approval, the homeroom teacher's cards sent back."""

from __future__ import annotations

from typing import Any

from tsunagu.report_cards import selectors


def home_cards(actor: Any, assignments: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of each card the actor gets; reads only through selectors."""
    roles = {a.role for a in assignments}
    cards: list[tuple[str, dict[str, Any]]] = []
    if "guardian" in roles:
        released = selectors.released_cards(actor=actor)
        if released:
            cards.append(("report_cards/home/guardian.html", {"cards": released[:4]}))
    if roles & {"principal", "homeroom_teacher"}:
        waiting = selectors.sets_needing_action(actor=actor, assignments=assignments)
        if waiting:
            cards.append(("report_cards/home/staff.html", {"sets": waiting}))
    return cards
