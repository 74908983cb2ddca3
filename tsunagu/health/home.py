"""The health cards of the role-aware home page (``tsunagu.core.home``): the pupil's check-in, each
class's figures for its teacher, talk requests waiting for the nurse and the principal, the board's link.
"""

from __future__ import annotations

from typing import Any

from tsunagu.core.policy import registry
from tsunagu.health import selectors


def home_cards(actor: Any, assignments: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of each health card the actor gets; reads only through selectors."""
    day = selectors.checkin_today()
    roles = {a.role for a in assignments}
    cards: list[tuple[str, dict[str, Any]]] = []
    if "student" in roles and registry.allows_any(actor, "health.HealthCheckIn", "submit"):
        state = selectors.pupil_day_get(actor=actor, day=day)
        if state.pupil is not None and state.enrolment is not None:
            cards.append(("health/home/pupil.html", {"state": state}))
    staff_roles = {"homeroom_teacher", "nurse", "principal", "counselor"}
    if roles & staff_roles:
        from tsunagu.org.selectors import homeroom_list_current

        own = [a.homeroom_id for a in assignments if a.role == "homeroom_teacher" and a.homeroom_id]
        rooms = homeroom_list_current(actor=actor, pk__in=own) if own else []
        summaries = [selectors.class_summary_get(actor=actor, homeroom=room, day=day) for room in rooms]
        talks = selectors.open_talk_requests(actor=actor)
        schools = [a.school for a in assignments if a.role in {"nurse", "principal"} and a.school]
        if summaries or talks or schools:
            cards.append(
                (
                    "health/home/staff.html",
                    {
                        "summaries": summaries,
                        "talks": talks,
                        "schools": list({s.pk: s for s in schools}.values()),
                    },
                )
            )
    if "board" in roles and registry.allows_any(actor, "health.HealthCheckIn", "count"):
        cards.append(("health/home/board.html", {}))
    return cards
