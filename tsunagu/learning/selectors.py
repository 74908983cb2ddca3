"""Reads of the board's learning pages; every selector takes the ``actor`` and narrows to it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max
from django.db.models.functions import TruncDate
from django.utils import timezone

from tsunagu.learning.models import (
    AgentStatus,
    LearningClient,
    RejectedRequest,
    Statement,
    StatementDay,
    XapiAgent,
)
from tsunagu.learning.reasons import reason_display


def client_list(*, actor: Any) -> list[LearningClient]:
    """The board's learning apps with their statement counts."""
    return list(
        LearningClient.objects.visible_to(actor, "view")
        .annotate(statement_count=Count("statements"), last_stored=Max("statements__stored"))
        .prefetch_related("schools")
        .order_by("name")
    )


def quarantine_list(*, actor: Any, limit: int = 200) -> list[XapiAgent]:
    """Statement actors not matched to a pupil, waiting for the board, with their statement counts."""
    agents = (
        XapiAgent.objects.visible_to(actor, "match")
        .filter(status=AgentStatus.UNMATCHED)
        .order_by("-first_seen")[:limit]
    )
    rows = list(agents)
    counts = dict(
        Statement.objects.filter(actor__in=rows).values_list("actor_id").annotate(n=Count("id")).order_by()
    )
    for agent in rows:
        agent.statement_count = counts.get(agent.pk, 0)
    return rows


def quarantine_count(*, actor: Any) -> int:
    return XapiAgent.objects.visible_to(actor, "match").filter(status=AgentStatus.UNMATCHED).count()


@dataclass
class DailyCounts:
    """Statements per app per day for the monitoring page (newest day first)."""

    days: list[dt.date]
    rows: list[tuple[str, list[int]]]


def statements_per_day(*, actor: Any, days: int = 14) -> DailyCounts:
    """Statements stored per app and day over the last ``days`` days (local dates): closed days from
    :class:`StatementDay` (filled by ``services.statement_days_summarise``), yesterday and today
    counted from the statements (an index range on ``stored``: a day's worth, not a fortnight's)."""
    from tsunagu.learning.services import day_bounds

    today = timezone.localdate()
    first = today - dt.timedelta(days=days - 1)
    live_from = today - dt.timedelta(days=1)
    table: dict[str, dict[dt.date, int]] = {}
    # Kept counts carry no rule of their own: they are narrowed to the learning apps the actor sees.
    kept = StatementDay.objects.filter(
        client__in=LearningClient.objects.visible_to(actor, "view"), day__gte=first, day__lt=live_from
    ).values_list("client__name", "day", "count")
    for name, day, n in kept:
        table.setdefault(name, {})[day] = n
    live = (
        Statement.objects.visible_to(actor, "count")
        .filter(stored__gte=day_bounds(live_from)[0])
        .annotate(day=TruncDate("stored"))
        .values_list("client__name", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    for name, day, n in live:
        table.setdefault(name, {})[day] = n
    day_list = [today - dt.timedelta(days=i) for i in range(days)]
    return DailyCounts(
        days=day_list,
        rows=[(name, [by_day.get(d, 0) for d in day_list]) for name, by_day in sorted(table.items())],
    )


def rejected_list(*, actor: Any, limit: int = 50) -> list[RejectedRequest]:
    """The latest refused LRS requests with their reasons."""
    rows = list(RejectedRequest.objects.visible_to(actor, "view").select_related("client")[:limit])
    for row in rows:
        row.reason_shown = reason_display(row.reason)
    return rows
