"""The karte's card on the home page: each own class's board, with its open insights and how many were
found today (so the teacher notices change on arrival)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from tsunagu.core.policy import registry
from tsunagu.karte.models import Insight, InsightStatus


def home_cards(actor: Any, assignments: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    """One card for the homeroom teacher's classes (one query); nothing for other roles."""
    rooms = [a.homeroom for a in assignments if a.role == "homeroom_teacher" and a.homeroom]
    if not rooms or not registry.allows_any(actor, "org.Homeroom", "view_board"):
        return []
    today = timezone.localdate()
    counts = {
        row["student__enrolments__homeroom"]: row
        for row in Insight.objects.visible_to(actor, "view")
        .filter(
            status__in=[InsightStatus.OPEN, InsightStatus.ASSIGNED],
            student__enrolments__homeroom__in=[r.pk for r in rooms],
        )
        .values("student__enrolments__homeroom")
        .annotate(
            open=Count("id", distinct=True), today=Count("id", filter=Q(first_found=today), distinct=True)
        )
    }
    cards = [
        {
            "homeroom": room,
            "open": counts.get(room.pk, {}).get("open", 0),
            "today": counts.get(room.pk, {}).get("today", 0),
        }
        for room in {r.pk: r for r in rooms}.values()
    ]
    return [("karte/home/teacher.html", {"cards": cards})]
