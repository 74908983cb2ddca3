"""The observations cards of the role-aware home page (``tsunagu.core.home``): for class teachers the
notes written today, the pupils without a note this month and the guardians' notes waiting to be read;
for guardians what is new about their children (いいところ shared with home, topics for the family).
"""

from __future__ import annotations

from typing import Any

from tsunagu.core.policy import registry
from tsunagu.observations import selectors


def home_cards(actor: Any, assignments: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of each card the actor gets; reads only through selectors."""
    roles = {a.role for a in assignments}
    cards: list[tuple[str, dict[str, Any]]] = []
    if "homeroom_teacher" in roles and registry.allows_any(actor, "org.Homeroom", "view_observations"):
        from tsunagu.org.selectors import homeroom_list_current

        own = [a.homeroom_id for a in assignments if a.role == "homeroom_teacher" and a.homeroom_id]
        rooms = homeroom_list_current(actor=actor, pk__in=own) if own else []
        cards.append(
            ("observations/home/teacher.html", selectors.teacher_card_get(actor=actor, homerooms=rooms))
        )
    if "guardian" in roles and registry.allows_any(actor, "students.Student", "send_home_note"):
        news = selectors.guardian_news(actor=actor)
        if news:
            cards.append(("observations/home/guardian.html", {"news": news, "days": selectors.RECENT_DAYS}))
    return cards
