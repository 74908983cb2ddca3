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
    visits = _visit_card(actor, assignments, day)
    if visits is not None:
        cards.append(("health/home/visits.html", visits))
    if "board" in roles and registry.allows_any(actor, "health.HealthCheckIn", "count"):
        cards.append(("health/home/board.html", {}))
    return cards


def _visit_card(actor: Any, assignments: list[Any], day: Any) -> dict[str, Any] | None:
    """Visits to the nurse's office: the class teacher's unread notices and today's visits of their
    class (outline only); for the nurse and the principal, today's count and the way in."""
    outlines = []
    if registry.allows_any(actor, "health.HealthNotice", "view"):
        today = selectors.visit_outlines(actor=actor, day=day)
        unread = selectors.visit_outlines(actor=actor, unread_only=True)
        outlines = list({o.visit.pk: o for o in [*unread, *today]}.values())
    schools = []
    if registry.allows_any(actor, "org.School", "nurse_office"):
        from tsunagu.org.models import School

        roles = set(registry.rules_for("org.School", "nurse_office"))
        ids = {a.school_id for a in assignments if a.role in roles and a.school_id}
        entry = set(School.objects.visible_to(actor, "nurse_visit_entry").values_list("pk", flat=True))
        for school in School.objects.visible_to(actor, "nurse_office").filter(pk__in=ids).order_by("name"):
            counts = selectors.visit_counts_today(actor=actor, school=school, day=day)
            schools.append({"school": school, "may_add": school.pk in entry, **counts})
    if not outlines and not schools:
        return None
    return {"outlines": outlines, "schools": schools}
